/**
 * Collects the device fingerprint recorded with every result: CPU, memory, OS, runtime, GPUs.
 * systeminformation answers first; `/proc/cpuinfo` fills in what it reports as zero or empty (CPU speed
 * on VMs, model names on ARM); `nvidia-smi`, when on PATH, gives NVIDIA GPUs' exact memory and driver.
 * GPU probing is bounded by a short time limit so that a machine without a GPU answers quickly.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import type { Systeminformation } from 'systeminformation';
import type { CpuFingerprint, DeviceFingerprint, GpuFingerprint } from './DeviceFingerprint.js';
import { NVIDIA_SMI_ARGS, parseNvidiaSmiCsv } from './parseNvidiaSmiCsv.js';
import { parseCpuinfo, type CpuinfoSummary } from './parseCpuinfo.js';
import { runNvidiaSmi } from '../trackers/runNvidiaSmi.js';
import { deviceIdOf } from './deviceIdOf.js';

/** Options of {@link collectDeviceFingerprint}. */
export interface CollectDeviceFingerprintOptions {
  /** Versions of the backend packages, copied into the fingerprint. Default: `{}`. */
  backendVersions?: Record<string, string>;
  /** Time limit in ms for the GPU probes (systeminformation's graphics() and nvidia-smi). Default: 1500. */
  gpuTimeoutMs?: number;
}

/** x86 flags worth recording, as Linux spells them (`pni` is SSE3). */
const X86_FLAGS = new Set([
  'sse3', 'ssse3', 'sse4_1', 'sse4_2', 'avx', 'avx2', 'fma', 'f16c',
  'avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd', 'avx512ifma', 'avx512vbmi', 'avx512_vbmi2',
  'avx512_vnni', 'avx512_bf16', 'avx512_fp16', 'avx_vnni', 'avx_vnni_int8', 'avx_ne_convert',
  'amx_tile', 'amx_int8', 'amx_bf16', 'amx_fp16', 'amx_complex',
]);
/** ARM feature names as `/proc/cpuinfo` spells them → the names recorded. */
const ARM_FLAGS: ReadonlyMap<string, string> = new Map([
  ['neon', 'neon'],
  ['asimd', 'neon'],
  ['asimddp', 'dotprod'],
  ['asimdhp', 'fp16'],
  ['i8mm', 'i8mm'],
  ['bf16', 'bf16'],
  ['sve', 'sve'],
  ['sve2', 'sve2'],
  ['sme', 'sme'],
  ['sme2', 'sme2'],
]);
/** ARM `CPU implementer` codes → vendor names. */
const ARM_IMPLEMENTERS: Readonly<Record<string, string>> = {
  '0x41': 'ARM',
  '0x42': 'Broadcom',
  '0x43': 'Cavium',
  '0x46': 'Fujitsu',
  '0x48': 'HiSilicon',
  '0x4e': 'NVIDIA',
  '0x50': 'Applied Micro',
  '0x51': 'Qualcomm',
  '0x53': 'Samsung',
  '0x61': 'Apple',
  '0x6d': 'Microsoft',
  '0xc0': 'Ampere',
};

/** Collects the fingerprint of this device. Takes well under 2 s; never prints. */
export async function collectDeviceFingerprint(options: CollectDeviceFingerprintOptions = {}): Promise<DeviceFingerprint> {
  const gpuTimeoutMs = options.gpuTimeoutMs ?? 1500;
  const si = (await import('systeminformation')).default;
  const cpuinfo = readCpuinfo();
  const [siCpu, siMem, siOs, siGraphics, smiGpus] = await Promise.all([
    attempt(() => si.cpu()),
    attempt(() => si.mem()),
    attempt(() => si.osInfo()),
    withTimeout(attempt(() => si.graphics()), gpuTimeoutMs),
    queryNvidiaSmi(gpuTimeoutMs),
  ]);

  const cpu = buildCpu(siCpu, cpuinfo);
  const memoryBytes = siMem?.total || totalmem();
  const os = {
    platform: siOs?.platform || platform(),
    distro: siOs?.distro || '',
    release: siOs?.release || '',
    kernel: siOs?.kernel || release(),
    arch: siOs?.arch || arch(),
  };
  const gpus = mergeGpus(siGraphics?.controllers ?? [], smiGpus);
  const id = deviceIdOf({ cpu, memory: { totalBytes: memoryBytes }, os, gpus })!;
  return {
    id,
    hostnameHash: sha256(hostname()).slice(0, 12),
    cpu,
    memory: { totalBytes: memoryBytes },
    os,
    runtime: { node: process.versions.node, v8: process.versions.v8 },
    gpus,
    backendVersions: { ...(options.backendVersions ?? {}) },
  };
}

function buildCpu(si: Systeminformation.CpuData | null, info: CpuinfoSummary | null): CpuFingerprint {
  const nonEmpty = (value: string | undefined | null): string | null => (value && value.trim() !== '' ? value.trim() : null);
  const armVendor = info?.implementer ? ARM_IMPLEMENTERS[info.implementer.toLowerCase()] : undefined;
  const manufacturer =
    nonEmpty(si?.manufacturer) ?? vendorFromId(info?.vendorId ?? null) ?? armVendor ?? nonEmpty(info?.implementer) ?? 'unknown';
  const siBrand = nonEmpty(si?.brand);
  const brand =
    nonEmpty(info?.modelName) ??
    (siBrand ? (siBrand.startsWith(manufacturer) ? siBrand : `${manufacturer} ${siBrand}`) : null) ??
    (info?.part ? `${manufacturer} part ${info.part}` : 'unknown');
  const armStepping =
    info?.variant && info.revision ? `r${Number.parseInt(info.variant, 16)}p${Number.parseInt(info.revision, 10)}` : null;
  const logicalCores = si?.cores || cpus().length || info?.logicalCores || 1;
  const physicalCores = si?.physicalCores || info?.physicalCores || info?.logicalCores || logicalCores;
  const speedMHz = si?.speed ? Math.round(si.speed * 1000) : 0;
  const maxMHz = si?.speedMax ? Math.round(si.speedMax * 1000) : 0;
  const rawFlags = (nonEmpty(si?.flags) ?? '').split(/\s+/).filter((f) => f !== '');
  const flags = normalizeFlags(rawFlags.length > 0 ? rawFlags : (info?.flags ?? []));
  const cacheBytes = (value: number | undefined): number | null => (value && value > 0 ? value : null);
  return {
    manufacturer,
    brand,
    family: nonEmpty(si?.family) ?? info?.family ?? null,
    model: nonEmpty(si?.model) ?? info?.model ?? info?.part ?? null,
    stepping: nonEmpty(si?.stepping) ?? info?.stepping ?? armStepping,
    physicalCores,
    logicalCores,
    baseFrequencyMHz: speedMHz > 0 ? speedMHz : info?.mhz ? Math.round(info.mhz) : null,
    maxFrequencyMHz: maxMHz > 0 ? maxMHz : null,
    flags,
    cache: {
      l1dBytes: cacheBytes(si?.cache?.l1d),
      l1iBytes: cacheBytes(si?.cache?.l1i),
      l2Bytes: cacheBytes(si?.cache?.l2),
      l3Bytes: cacheBytes(si?.cache?.l3),
    },
  };
}

/** Keeps the inference-relevant flags, ARM ones under their common names; sorted, without duplicates. */
function normalizeFlags(raw: readonly string[]): string[] {
  const kept = new Set<string>();
  for (const flag of raw.map((f) => f.toLowerCase())) {
    const name = flag === 'pni' ? 'sse3' : flag;
    if (X86_FLAGS.has(name)) kept.add(name);
    const arm = ARM_FLAGS.get(flag);
    if (arm) kept.add(arm);
  }
  return [...kept].sort();
}

function vendorFromId(vendorId: string | null): string | null {
  if (vendorId === 'GenuineIntel') return 'Intel';
  if (vendorId === 'AuthenticAMD') return 'AMD';
  return vendorId;
}

/** NVIDIA GPUs from nvidia-smi replace systeminformation's NVIDIA entries; other vendors' entries stay. */
function mergeGpus(controllers: readonly Systeminformation.GraphicsControllerData[], smi: GpuFingerprint[]): GpuFingerprint[] {
  const gpus: GpuFingerprint[] = [...smi];
  for (const controller of controllers) {
    const vendor = (controller.vendor || '').trim();
    if (smi.length > 0 && /nvidia/i.test(vendor)) continue;
    const model = (controller.model || controller.name || '').trim();
    if (vendor === '' && model === '') continue;
    gpus.push({
      vendor: vendor || 'unknown',
      model: model || 'unknown',
      memoryBytes: controller.vram && controller.vram > 0 && !controller.vramDynamic ? controller.vram * 1024 * 1024 : null,
      driver: controller.driverVersion?.trim() || null,
      source: 'systeminformation',
    });
  }
  return gpus;
}

/** NVIDIA GPUs from nvidia-smi when it is on PATH; empty on any failure or after `timeoutMs`. */
async function queryNvidiaSmi(timeoutMs: number): Promise<GpuFingerprint[]> {
  try {
    return parseNvidiaSmiCsv(await runNvidiaSmi(NVIDIA_SMI_ARGS, { timeoutMs }));
  } catch {
    return [];
  }
}

function readCpuinfo(): CpuinfoSummary | null {
  if (process.platform !== 'linux' && process.platform !== 'android') return null;
  try {
    return parseCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return null;
  }
}

/** The value of `f()`, or null when it throws or rejects. */
async function attempt<T>(f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch {
    return null;
  }
}

/** `promise`'s value, or null when it has not settled after `ms`. */
async function withTimeout<T>(promise: Promise<T | null>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
