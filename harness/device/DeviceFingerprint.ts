/**
 * The device a result was measured on: enough to tell two machines apart and to explain a difference
 * between their numbers, nothing that identifies a person (the hostname is stored only as a hash).
 */

/** The CPU. Fields the platform does not report are null. */
export interface CpuFingerprint {
  /** Vendor, e.g. `Intel`, `AMD`, `ARM`, `Apple`. */
  manufacturer: string;
  /** Model name as the OS reports it, e.g. `AMD EPYC 7763 64-Core Processor`. */
  brand: string;
  /** x86 CPU family number; null elsewhere or when unknown. */
  family: string | null;
  /** x86 model number (ARM: the `CPU part`, e.g. `0xd0c`); null when unknown. */
  model: string | null;
  /** x86 stepping (ARM: the `CPU variant`/`CPU revision`, e.g. `r3p1`); null when unknown. */
  stepping: string | null;
  /** Physical cores (all sockets). */
  physicalCores: number;
  /** Logical processors (hardware threads). */
  logicalCores: number;
  /**
   * Base clock in MHz. Where systeminformation reports none (many VMs), the highest `cpu MHz` of
   * `/proc/cpuinfo`, which is a current clock rather than a rated one; null when neither is known.
   */
  baseFrequencyMHz: number | null;
  /** Maximum (boost) clock in MHz; null when unknown. */
  maxFrequencyMHz: number | null;
  /**
   * Instruction-set extensions that matter for inference kernels, sorted: x86 `avx`, `avx2`, `fma`,
   * `f16c`, `avx512f`, `avx512bw`, `avx512vl`, `avx512_vnni`, `avx512_bf16`, `avx512_fp16`, `avx_vnni`,
   * `amx_tile`, `amx_int8`, `amx_bf16`, `amx_fp16`, …; ARM `neon`, `dotprod`, `fp16`, `i8mm`, `bf16`,
   * `sve`, `sve2`, `sme` (ARM names normalized from `/proc/cpuinfo` spellings: `asimd` → `neon`,
   * `asimddp` → `dotprod`, `asimdhp` → `fp16`).
   */
  flags: string[];
  /** Cache sizes in bytes (per core for L1/L2 as systeminformation reports them); null when unknown. */
  cache: {
    /** L1 data cache. */
    l1dBytes: number | null;
    /** L1 instruction cache. */
    l1iBytes: number | null;
    /** L2 cache. */
    l2Bytes: number | null;
    /** L3 cache. */
    l3Bytes: number | null;
  };
}

/** One GPU. */
export interface GpuFingerprint {
  /** Vendor, e.g. `NVIDIA`, `AMD`, `Intel`, `Apple`. */
  vendor: string;
  /** Model name, e.g. `NVIDIA H100 80GB HBM3`. */
  model: string;
  /** Dedicated memory in bytes; null when unknown (integrated GPUs, virtual adapters). */
  memoryBytes: number | null;
  /** Driver version; null when unknown. */
  driver: string | null;
  /** Where the entry came from: `nvidia-smi` (preferred for NVIDIA GPUs) or `systeminformation`. */
  source: 'nvidia-smi' | 'systeminformation';
}

/** Everything slmbench records about the device. */
export interface DeviceFingerprint {
  /**
   * Stable id of the hardware and OS family: the first 16 hex digits of the sha256 of the CPU brand,
   * physical and logical cores, memory rounded to whole GiB (so that a kernel update that reserves a few
   * MB more does not change it), OS platform and architecture, and GPU models. Results with the same id
   * come from the same kind of machine.
   */
  id: string;
  /** First 12 hex digits of the sha256 of the hostname; the hostname itself is never stored. */
  hostnameHash: string;
  /** The CPU. */
  cpu: CpuFingerprint;
  /** Main memory. */
  memory: {
    /** Total physical memory in bytes as the OS reports it. */
    totalBytes: number;
  };
  /** The operating system. */
  os: {
    /** Node's platform: `linux`, `darwin`, `win32`, … */
    platform: string;
    /** Distribution or product name, e.g. `Ubuntu`, `macOS`, `Microsoft Windows 11 Pro`. */
    distro: string;
    /** Distribution release, e.g. `22.04`. */
    release: string;
    /** Kernel version. */
    kernel: string;
    /** Node's architecture: `x64`, `arm64`, … */
    arch: string;
  };
  /** The JavaScript runtime. */
  runtime: {
    /** Node.js version, e.g. `20.19.1`. */
    node: string;
    /** V8 version. */
    v8: string;
  };
  /** GPUs; empty when there are none (or none could be found within the time limit). */
  gpus: GpuFingerprint[];
  /** Versions of the backend packages, as passed by the caller (`{}` when none were). */
  backendVersions: Record<string, string>;
}
