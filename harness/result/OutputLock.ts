/**
 * The exclusive lock of a sweep's output folder: one runner per folder. The lock file (`.slmbench.lock`)
 * is created atomically (`O_EXCL`) and holds its owner: PID, host, the process's start time (so that a
 * recycled PID is not taken for the owner), when it took the lock and its command line. It is released
 * when the sweep ends, however it ends (also from an `exit` handler). A lock whose owner is gone (same
 * host, PID not running or running another process) is taken over with a note; a lock held by a live
 * process, or by a process on another host (whose liveness cannot be checked from here), is refused
 * with {@link OutputLockedError} naming the owner.
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OutputError, OutputLockedError } from '../errors.js';
import { describeFsError } from '../util/makeDir.js';
import { processStart, sameProcessRunning } from '../util/processLiveness.js';

/** The lock's file name inside an output folder. */
export const LOCK_FILE = '.slmbench.lock';

/** Who holds a lock, as written in the lock file. */
export interface LockOwner {
  pid: number;
  host: string;
  /** The owner's start time in clock ticks since boot (`/proc/<pid>/stat` field 22); null where there is no /proc. */
  processStart: string | null;
  /** When the lock was taken (ISO time). */
  lockedAt: string;
  /** The owner's command line. */
  command: string;
}

/** A lock file that cannot be read is taken for one being written (not stale) for this long. */
const UNREADABLE_GRACE_MS = 10_000;

export class OutputLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(
    /** The lock file. */
    readonly path: string,
    readonly owner: LockOwner,
  ) {
    process.once('exit', this.onExit);
  }

  /**
   * Takes the lock of `dir` (which must exist); `onNote` hears about a stale lock taken over. Throws
   * OutputLockedError when another live process holds it.
   */
  static acquire(dir: string, onNote?: (message: string) => void): OutputLock {
    const path = join(dir, LOCK_FILE);
    const owner: LockOwner = {
      pid: process.pid,
      host: hostname(),
      processStart: processStart(process.pid),
      lockedAt: new Date().toISOString(),
      command: process.argv.slice(1).join(' '),
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      if (tryCreate(path, owner)) return new OutputLock(path, owner);
      const held = readOwner(path);
      if (held === 'gone') continue; // released meanwhile: try again
      const stale = held === 'unreadable' ? unreadableIsStale(path) : isStale(held);
      if (!stale) throw lockedError(dir, path, held === 'unreadable' ? null : held);
      if (takeOver(path, held)) {
        onNote?.(
          held === 'unreadable'
            ? `${path}: took over an unreadable lock left by a runner that died while taking it`
            : `${path}: took over the lock of slmbench process ${held.pid} on ${held.host} (since ${held.lockedAt}), which is no longer running`,
        );
      }
    }
    throw new OutputLockedError(`${dir}: could not take the output folder's lock (${path}); other runners keep taking it`);
  }

  /** Releases the lock (once; only while the file is still this process's). */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    const held = readOwner(this.path);
    if (typeof held === 'object' && held.pid === this.owner.pid && held.lockedAt === this.owner.lockedAt) rmSync(this.path, { force: true });
  }
}

function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new OutputError(`${path}: cannot create the output folder's lock (${describeFsError(error)})`);
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw new OutputError(`${path}: cannot write the output folder's lock (${describeFsError(error)})`);
  }
  closeSync(fd);
  return true;
}

function readOwner(path: string): LockOwner | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return 'unreadable';
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    if (typeof owner?.pid === 'number' && typeof owner.host === 'string') return owner;
  } catch {
    // written halfway
  }
  return 'unreadable';
}

/** True when the owner is on this host and its process is gone (or its PID now belongs to another process). */
function isStale(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  return !sameProcessRunning(owner.pid, owner.processStart);
}

function unreadableIsStale(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > UNREADABLE_GRACE_MS;
  } catch {
    return true;
  }
}

/**
 * Moves the stale lock aside under a name of our own (only one of several runners doing this at once
 * gets it), checks it is the one judged stale, and removes it; a live lock moved by mistake is put back.
 * True when the stale lock was removed.
 */
function takeOver(path: string, judged: LockOwner | 'unreadable'): boolean {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return false; // another runner moved it first
  }
  const moved = readOwner(aside);
  const same =
    judged === 'unreadable' ? moved === 'unreadable' : typeof moved === 'object' && moved.pid === judged.pid && moved.lockedAt === judged.lockedAt;
  if (!same) {
    try {
      linkSync(aside, path); // fails when a newer lock exists: then that one stands
    } catch {
      // a newer lock is in place
    }
    rmSync(aside, { force: true });
    return false;
  }
  rmSync(aside, { force: true });
  return true;
}

function lockedError(dir: string, path: string, owner: LockOwner | null): OutputLockedError {
  if (!owner) return new OutputLockedError(`${dir} is locked by a runner that is taking it now (${path}); choose another --out or try again`);
  const local = owner.host === hostname();
  return new OutputLockedError(
    `${dir} is in use by slmbench process ${owner.pid} on ${owner.host} since ${owner.lockedAt} (${owner.command}); ` +
      (local
        ? `wait for it to end or stop it (kill ${owner.pid}), or choose another --out`
        : `if that runner is gone, delete ${path}; or choose another --out`),
  );
}
