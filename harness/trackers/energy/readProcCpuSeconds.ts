/** CPU seconds (user + system, all threads) of a process from Linux `/proc/<pid>/stat`. */
import { readFileSync } from 'node:fs';

/**
 * utime + stime (fields 14 and 15 of `/proc/<pid>/stat`, in clock ticks) ÷ `ticksPerSecond`. The
 * command name (field 2) may contain spaces and parentheses, so fields are counted after its last `)`.
 * Null when the text does not parse.
 */
export function parseProcStatCpuSeconds(text: string, ticksPerSecond = 100): number | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  // After ")": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
  const fields = text.slice(close + 1).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return (utime + stime) / ticksPerSecond;
}

/**
 * CPU seconds of process `pid` from `/proc/<pid>/stat`; null when it cannot be read (not Linux, process
 * gone). `ticksPerSecond` is the kernel's USER_HZ, 100 on every mainstream Linux (`getconf CLK_TCK`).
 */
export function readProcCpuSeconds(pid: number, ticksPerSecond = 100): number | null {
  try {
    return parseProcStatCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'), ticksPerSecond);
  } catch {
    return null;
  }
}
