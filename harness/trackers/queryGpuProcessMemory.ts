/**
 * GPU memory used by one process, from
 * `nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits` (MiB per process and
 * GPU). A process using several GPUs has one line per GPU; they are summed. Inside a container with its
 * own PID namespace nvidia-smi may list host PIDs, which then do not match the worker's PID: the result
 * is then `found: false` rather than a wrong number.
 */
import { runNvidiaSmi, type RunNvidiaSmiOptions } from './runNvidiaSmi.js';

/** The nvidia-smi arguments whose output {@link parseNvidiaComputeApps} reads. */
export const NVIDIA_COMPUTE_APPS_ARGS = ['--query-compute-apps=pid,used_memory', '--format=csv,noheader,nounits'];

/** One line of the compute-apps listing. */
export interface ComputeAppMemory {
  pid: number;
  /** Used GPU memory in bytes (MiB × 2^20); null when nvidia-smi says `[N/A]` (e.g. under some vGPU/WDDM drivers). */
  usedBytes: number | null;
}

/** Per-process GPU memory of one process. */
export interface GpuProcessMemory {
  pid: number;
  /** Whether nvidia-smi listed the process at all. */
  found: boolean;
  /** Sum over its lines (GPUs) in bytes; null when not found or every line was `[N/A]`. */
  usedBytes: number | null;
  /** The matching lines. */
  entries: ComputeAppMemory[];
}

/** Parses `pid, used_memory` lines; lines whose pid is not an integer (headers, "No running processes found") are skipped. */
export function parseNvidiaComputeApps(text: string): ComputeAppMemory[] {
  const apps: ComputeAppMemory[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 2 || !/^\d+$/.test(fields[0]!)) continue;
    const mib = Number(fields[1]);
    apps.push({ pid: Number(fields[0]), usedBytes: fields[1] !== '' && Number.isFinite(mib) ? mib * 1024 * 1024 : null });
  }
  return apps;
}

/** The lines of `apps` for `pid`, summed. */
export function selectProcessMemory(apps: readonly ComputeAppMemory[], pid: number): GpuProcessMemory {
  const entries = apps.filter((a) => a.pid === pid);
  const known = entries.filter((a) => a.usedBytes !== null);
  return {
    pid,
    found: entries.length > 0,
    usedBytes: known.length === 0 ? null : known.reduce((sum, a) => sum + a.usedBytes!, 0),
    entries,
  };
}

/**
 * GPU memory of process `pid` (default: this process) by running nvidia-smi; null when nvidia-smi is
 * missing or fails.
 */
export async function queryGpuProcessMemory(pid: number = process.pid, options: RunNvidiaSmiOptions = {}): Promise<GpuProcessMemory | null> {
  let text: string;
  try {
    text = await runNvidiaSmi(NVIDIA_COMPUTE_APPS_ARGS, options);
  } catch {
    return null;
  }
  return selectProcessMemory(parseNvidiaComputeApps(text), pid);
}
