/** Resident-memory figures of a process from `/proc/<pid>/status` (Linux); null elsewhere. */
import { readFileSync } from 'node:fs';

/** Current and peak resident set size in bytes. */
export interface ProcMemory {
  /** VmRSS: resident now. */
  rssBytes: number;
  /** VmHWM: peak resident ("high water mark") since the process started. */
  hwmBytes: number;
}

/** Parses the VmRSS and VmHWM lines of a /proc status text; null when either is missing. */
export function parseProcStatus(text: string): ProcMemory | null {
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(text);
  if (!rss || !hwm) return null;
  return { rssBytes: Number(rss[1]) * 1024, hwmBytes: Number(hwm[1]) * 1024 };
}

/** Reads `/proc/<pid>/status`; null when it is not there (not Linux, or the process ended). */
export function readProcMemory(pid: number | 'self' = 'self'): ProcMemory | null {
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}
