/** Resident-memory figures of a process from `/proc/<pid>/status` (Linux); null elsewhere. */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

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

/**
 * A cheap reader of another process's resident memory for a 10 ms sampler: `/proc/<pid>/statm` read
 * through one open descriptor (about 1.5 µs a read, against about 15 µs for opening and formatting
 * `/proc/<pid>/status`), so the sampler takes as little CPU as possible from the measured process.
 * Returns null where /proc is missing.
 */
export function openRssReader(pid: number): { read(): number | null; close(): void } | null {
  let fd: number;
  try {
    fd = openSync(`/proc/${pid}/statm`, 'r');
  } catch {
    return null;
  }
  const buffer = Buffer.alloc(128);
  const pageSize = PAGE_SIZE;
  return {
    read() {
      try {
        const n = readSync(fd, buffer, 0, buffer.length, 0);
        // statm: size resident shared text lib data dt (pages)
        const resident = Number(buffer.toString('latin1', 0, n).split(' ')[1]);
        return Number.isFinite(resident) ? resident * pageSize : null;
      } catch {
        return null;
      }
    },
    close() {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    },
  };
}

/** The page size statm counts in (4 KiB on the platforms slmbench runs on; read from getconf when it differs). */
const PAGE_SIZE = (() => {
  try {
    const value = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8', timeout: 1000 }).trim());
    return Number.isInteger(value) && value > 0 ? value : 4096;
  } catch {
    return 4096;
  }
})();
