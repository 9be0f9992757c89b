/**
 * Stops a sweep when what the user started is gone. `npx slmbench run` is three processes: npm's `npm
 * exec`, a shell, and the runner. A SIGTERM to the npx process reaches the shell, which dies without
 * passing it on; a SIGKILL reaches neither. Either way the runner would go on, orphaned, and a `--resume`
 * would run beside it. When it was started by npm (npm sets `npm_command`), the runner watches the
 * processes between itself and npm and stops its sweep, as for SIGTERM, when one of them ends.
 */
import { commandLine, parentPid, processStart, sameProcessRunning } from '../util/processLiveness.js';

/** How often the launching processes are checked (ms). */
const WATCH_MS = 500;

/** The processes watched: the runner's ancestors up to and including npm's process, at most four. */
export function launcherAncestors(pid = process.pid): { pid: number; start: string | null }[] {
  const chain: { pid: number; start: string | null }[] = [];
  let current = parentPid(pid) ?? process.ppid;
  for (let depth = 0; depth < 4 && current > 1; depth++) {
    chain.push({ pid: current, start: processStart(current) });
    const command = commandLine(current) ?? '';
    if (/(^|[\s/])(npm|npx)([\s]|$)|npm-cli\.js|npx-cli\.js/.test(command)) break;
    const next = parentPid(current);
    if (next === null) break;
    current = next;
  }
  return chain;
}

/**
 * Calls `onGone` once when a process that launched this one through npm ends; returns a function that
 * stops watching. Does nothing (returns a no-op) when the runner was not started by npm.
 */
export function watchLauncherProcess(onGone: (reason: string) => void, env: NodeJS.ProcessEnv = process.env): () => void {
  if (!env.npm_command) return () => undefined;
  const parent = process.ppid;
  const watched = launcherAncestors();
  const timer = setInterval(() => {
    const gone = process.ppid !== parent ? { pid: parent } : watched.find((p) => !sameProcessRunning(p.pid, p.start));
    if (!gone) return;
    clearInterval(timer);
    onGone(`the end of process ${gone.pid} that started it (npx)`);
  }, WATCH_MS);
  timer.unref();
  return () => clearInterval(timer);
}
