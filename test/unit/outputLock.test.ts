/**
 * The output folder's lock: taken atomically, released once and only by its owner, a dead or recycled
 * owner's lock taken over with a note, a live one's, another host's or a half-written fresh one refused
 * with OutputLockedError naming the owner.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputLockedError } from '../../harness/errors.js';
import { LOCK_FILE, OutputLock, type LockOwner } from '../../harness/result/OutputLock.js';
import { processStart } from '../../harness/util/processLiveness.js';
import { tempDir } from '../helpers/tempDir.js';

/** The PID of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

const owner = (fields: Partial<LockOwner>): LockOwner => ({
  pid: process.pid,
  host: hostname(),
  processStart: processStart(process.pid),
  lockedAt: '2026-01-01T00:00:00.000Z',
  command: 'slmbench run',
  ...fields,
});

describe('OutputLock', () => {
  it('writes its owner, refuses a second taker in the same process, and removes the file on release', () => {
    const dir = tempDir('lock-unit');
    const lock = OutputLock.acquire(dir);
    const written = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockOwner;
    expect(written).toEqual(lock.owner);
    expect(written.pid).toBe(process.pid);
    expect(written.host).toBe(hostname());
    expect(() => OutputLock.acquire(dir)).toThrow(OutputLockedError);
    expect(() => OutputLock.acquire(dir)).toThrow(`${dir} is in use by slmbench process ${process.pid} on ${hostname()} since ${lock.owner.lockedAt}`);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lock.release(); // twice is harmless
    OutputLock.acquire(dir).release();
  });

  it('does not remove a lock that is no longer its own', () => {
    const dir = tempDir('lock-unit');
    const lock = OutputLock.acquire(dir);
    const other = owner({ pid: process.pid, lockedAt: '2030-01-01T00:00:00.000Z' });
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(other));
    lock.release();
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toEqual(other);
  });

  it('takes over the lock of a process that has ended, with a note', () => {
    const dir = tempDir('lock-unit');
    const pid = deadPid();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(owner({ pid, processStart: null })));
    const notes: string[] = [];
    const lock = OutputLock.acquire(dir, (n) => notes.push(n));
    expect(notes).toEqual([`${join(dir, LOCK_FILE)}: took over the lock of slmbench process ${pid} on ${hostname()} (since 2026-01-01T00:00:00.000Z), which is no longer running`]);
    expect(lock.owner.pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose PID now belongs to another process (its start time differs)', () => {
    const dir = tempDir('lock-unit');
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(owner({ processStart: '1' })));
    const notes: string[] = [];
    OutputLock.acquire(dir, (n) => notes.push(n)).release();
    expect(notes).toHaveLength(1);
  });

  it("refuses another host's lock (its process cannot be checked from here), saying how to clear it", () => {
    const dir = tempDir('lock-unit');
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(owner({ host: 'elsewhere', pid: deadPid() })));
    expect(() => OutputLock.acquire(dir)).toThrow(`on elsewhere since 2026-01-01T00:00:00.000Z (slmbench run); if that runner is gone, delete ${join(dir, LOCK_FILE)}`);
  });

  it('refuses a half-written lock while it is fresh, takes it over once it is old', () => {
    const dir = tempDir('lock-unit');
    const file = join(dir, LOCK_FILE);
    writeFileSync(file, '{"pid":12');
    expect(() => OutputLock.acquire(dir)).toThrow(/is locked by a runner that is taking it now/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const notes: string[] = [];
    OutputLock.acquire(dir, (n) => notes.push(n)).release();
    expect(notes).toEqual([`${file}: took over an unreadable lock left by a runner that died while taking it`]);
  });
});
