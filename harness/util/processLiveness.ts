/**
 * Whether a process is still the one it was: running (signal 0 reaches it) and, where `/proc` exists,
 * started at the same time (a recycled PID belongs to another process). Used by the output folder's
 * lock and by the command line's watch on the npx process that started it.
 */
import { existsSync, readFileSync } from 'node:fs';

/**
 * True when a process with this PID runs (also when it belongs to another user). A zombie (ended, not yet
 * reaped by its parent: an orphan under a PID 1 that does not reap) does not run.
 */
export function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return statFields(pid)?.[0] !== 'Z';
}

/** A process's `/proc/<pid>/stat` fields after its command name (index 0 is field 3, the state); null without /proc. */
function statFields(pid: number): string[] | null {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return null;
  try {
    const text = readFileSync(stat, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The process's start time in clock ticks since boot (field 22 of `/proc/<pid>/stat`); null without /proc. */
export function processStart(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

/** The process's parent PID (field 4 of `/proc/<pid>/stat`); null without /proc. */
export function parentPid(pid: number): number | null {
  const field = statFields(pid)?.[1];
  return field === undefined ? null : Number(field);
}

/** The process's command line (NUL-separated arguments joined by spaces); null without /proc. */
export function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return null;
  }
}

/** True when the process `pid`, which had start time `start` (null: unknown), still runs. */
export function sameProcessRunning(pid: number, start: string | null): boolean {
  if (!pidRunning(pid)) return false;
  const now = processStart(pid);
  return start === null || now === null || now === start;
}
