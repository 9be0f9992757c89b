/**
 * Folders that cannot be made: every case ends in one OutputError line (exit 2) instead of Node 20's
 * recursive mkdir spinning forever under /proc; a full disk leaves no half-written record in the journal.
 * Real file systems: /proc, /sys, a file in the path, a read-only bind mount and a full tmpfs where this
 * test may mount them (it runs as root here), else a non-writable folder and /dev/full.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError } from '../../harness/errors.js';
import { EntryLog } from '../../harness/result/EntryLog.js';
import type { EntryRecord } from '../../harness/result/EntryRecord.js';
import { makeDir } from '../../harness/util/makeDir.js';
import { CLI } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempDir.js';

const mounted: string[] = [];
/** Mounts (as root, where the machine allows); false when it cannot. */
function tryMount(args: string[], target: string): boolean {
  try {
    execFileSync('mount', [...args, target], { stdio: 'ignore' });
    mounted.push(target);
    return true;
  } catch {
    return false;
  }
}
afterAll(() => {
  for (const target of mounted.reverse()) spawnSync('umount', [target]);
});

const record = (id: string): EntryRecord => ({ id, status: 'errored', label: id, error: { code: 'X', message: 'y'.repeat(3000) } }) as unknown as EntryRecord;

describe('makeDir', () => {
  it('makes missing parents and accepts an existing folder', () => {
    const dir = join(tempDir('mkdir'), 'a', 'b', 'c');
    makeDir(dir);
    makeDir(dir);
    expect(existsSync(dir)).toBe(true);
  });

  it.runIf(existsSync('/proc/self'))('under /proc: OutputError at once (Node 20 recursive mkdir spins forever there)', () => {
    expect(() => makeDir('/proc/slmbench-x/y')).toThrow(OutputError);
    expect(() => makeDir('/proc/slmbench-x')).toThrow(/^\/proc\/slmbench-x: cannot create the folder: the file system does not allow new folders there .*\(ENOENT\)$/);
  });

  it.runIf(existsSync('/sys/kernel'))('under /sys: OutputError', () => {
    expect(() => makeDir('/sys/slmbench-x/y')).toThrow(OutputError);
  });

  it('through a file: names the file', () => {
    const file = join(tempDir('mkdir-file'), 'plain');
    writeFileSync(file, '');
    expect(() => makeDir(join(file, 'x', 'y'), 'output folder')).toThrow(`${join(file, 'x', 'y')}: cannot create the output folder: ${file} exists and is not a folder`);
  });

  it('on a read-only file system (a read-only bind mount; else a folder without write permission)', () => {
    const dir = tempDir('mkdir-ro');
    const target = join(dir, 'ro');
    mkdirSync(target);
    if (tryMount(['--bind', '-o', 'ro', dir], target)) {
      expect(() => makeDir(join(target, 'x'))).toThrow(/cannot create the folder: read-only file system \(EROFS\)$/);
    } else {
      chmodSync(target, 0o555);
      if (process.getuid?.() === 0) return; // root writes anyway and mount is refused: nothing to test here
      expect(() => makeDir(join(target, 'x'))).toThrow(/permission denied \(EACCES\)$/);
    }
  });

  it('slmbench run --out under /proc exits 2 within seconds, one line', () => {
    const result = spawnSync(process.execPath, [CLI, 'run', '--model', 'forge:tiny', '--out', '/proc/slmbench-x'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.signal).toBeNull(); // not killed by the guard: it did not hang
    expect(result.status).toBe(2);
    // The model is forged first (once, into the test cache; a line of its own), then the folder is refused.
    expect(result.stderr.trim().split('\n').pop()).toMatch(/^slmbench: \/proc\/slmbench-x: cannot create the output folder: .*\(ENOENT\)$/);
  });

  it('slmbench forge -o under /proc exits 2 within seconds, one line', () => {
    const result = spawnSync(process.execPath, [CLI, 'forge', '-o', '/proc/slmbench-x'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^slmbench: \/proc\/slmbench-x: cannot create the forge output folder: .*\n$/);
  });
});

describe('a full disk', () => {
  it('a journal append that does not fit leaves the journal as it was (a small tmpfs; else /dev/full)', () => {
    const dir = tempDir('full');
    const disk = join(dir, 'disk');
    mkdirSync(disk);
    if (tryMount(['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs'], disk)) {
      const log = new EntryLog(join(disk, 'entries.jsonl'));
      log.append(record('a'));
      const before = readFileSync(log.path);
      // Fill the rest of the disk, then append a record that cannot fit.
      try {
        writeFileSync(join(disk, 'filler'), Buffer.alloc(64 * 1024));
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      }
      expect(() => log.append(record('b'))).toThrow(/entries\.jsonl: cannot record entry b \(no space left on the device \(ENOSPC\)\); the entries before it are kept/);
      expect(readFileSync(log.path).equals(before)).toBe(true);
      expect(log.read().map((r) => r.id)).toEqual(['a']);
    } else {
      const log = new EntryLog('/dev/full');
      expect(() => log.append(record('b'))).toThrow(/cannot record entry b \(no space left on the device \(ENOSPC\)\)/);
    }
  });

  it('slmbench run --out on a full disk: exit 2, one line, nothing half-written', () => {
    const dir = tempDir('full-run');
    const disk = join(dir, 'disk');
    mkdirSync(disk);
    if (!tryMount(['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs'], disk)) return; // needs a mount: the journal case above covers ENOSPC
    writeFileSync(join(disk, 'filler'), Buffer.alloc(0));
    try {
      writeFileSync(join(disk, 'filler'), Buffer.alloc(64 * 1024));
    } catch {
      // full now
    }
    const result = spawnSync(process.execPath, [CLI, 'run', '--model', 'forge:tiny', '--out', join(disk, 'out')], { encoding: 'utf8', timeout: 120_000 });
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n').filter((l) => !l.startsWith('slmbench: forging '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/no space left on the device \(ENOSPC\)/);
    const left = existsSync(join(disk, 'out')) ? execFileSync('ls', ['-A', join(disk, 'out')], { encoding: 'utf8' }).trim() : '';
    expect(left).toBe('');
  });
});
