/**
 * Reliability of a sweep's output folder with the real CLI, the real llama.cpp backend and real
 * processes: one runner per folder (the lock, a stale lock taken over, a runner stopped when the process
 * that started it dies), a journal cut at every byte offset of its last record, resume semantics
 * (refused and applied changes, `--retry-errored`), preflight of inputs before anything runs, and exit 4
 * when nothing was measured.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EntryLog, TORN_SUFFIX } from '../../harness/result/EntryLog.js';
import type { EntryRecord } from '../../harness/result/EntryRecord.js';
import { LOCK_FILE, type LockOwner } from '../../harness/result/OutputLock.js';
import type { RunResult } from '../../harness/result/RunResult.js';
import { pidRunning } from '../../harness/util/processLiveness.js';
import { CLI, runCli, startCli } from '../helpers/cli.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

const gguf = () => sharedPath('models/stories260K/gguf/stories260K-f32.gguf');
/** A fast sweep: one measured repetition in one process, no warmup. */
const fast = ['--repetitions', '1', '--processes', '1', '--warmup-seconds', '0', '--prompt-tokens', '8', '--gen-tokens', '4'];
/** A sweep that runs for a while (several seconds per entry). */
const slow = ['--repetitions', '150', '--processes', '2', '--warmup-seconds', '0', '--prompt-tokens', '8', '--gen-tokens', '64'];

const readJournal = (dir: string): EntryRecord[] =>
  readFileSync(join(dir, 'entries.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as EntryRecord);

/** Waits (polling) until `condition` holds; fails after `seconds` (a guard against hanging, not a timing). */
async function waitFor(condition: () => boolean, what: string, seconds = 60): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!hasShared)(`one runner per output folder ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('a second runner on a locked folder exits 2 naming the owner; a killed runner\'s lock is taken over on --resume', async () => {
    const out = join(tempDir('lock'), 'out');
    const first = startCli(['run', '--model', gguf(), ...slow, '--out', out]);
    await waitFor(() => existsSync(join(out, LOCK_FILE)) && existsSync(join(out, 'sweep.json')), 'the first runner to lock its folder');
    const owner = JSON.parse(readFileSync(join(out, LOCK_FILE), 'utf8')) as LockOwner;
    expect(owner.pid).toBe(first.child.pid);

    const second = await runCli(['run', '--resume', '--out', out]);
    expect(second.code).toBe(2);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toContain(`${out} is in use by slmbench process ${owner.pid} on ${owner.host}`);

    // kill -9 of the runner: its lock stays behind, its worker leaves when the IPC channel closes.
    first.child.kill('SIGKILL');
    await first.done;
    expect(existsSync(join(out, LOCK_FILE))).toBe(true);
    const third = await runCli(['run', '--resume', '--out', out]);
    expect(third.stderr).toContain(`took over the lock of slmbench process ${owner.pid} on ${owner.host}`);
    expect(third.code).toBe(0);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    expect(readJournal(out).map((r) => r.status)).toEqual(['ok']);
  });

  it('a runner whose launching process is killed (npx\'s shell, kill -9) stops its sweep, its worker and releases the lock', async () => {
    const out = join(tempDir('npx'), 'out');
    // npm runs `sh -c slmbench …`; `; true` keeps the shell as the runner's parent, as npm's does.
    const line = [process.execPath, CLI, 'run', '--model', gguf(), ...slow, '--out', out].map((a) => `'${a}'`).join(' ');
    const shell = spawn('sh', ['-c', `${line} 2>/dev/null; true`], { stdio: 'ignore', env: { ...process.env, npm_command: 'exec' } });
    await waitFor(() => existsSync(join(out, LOCK_FILE)) && existsSync(join(out, 'sweep.json')), 'the runner to lock its folder');
    const runner = (JSON.parse(readFileSync(join(out, LOCK_FILE), 'utf8')) as LockOwner).pid;
    shell.kill('SIGKILL');
    await waitFor(() => !pidRunning(runner), 'the orphaned runner to stop');
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    expect(existsSync(join(out, 'entries.jsonl'))).toBe(false); // the running entry is not recorded
    const resumed = await runCli(['run', '--resume', '--out', out]);
    expect(resumed.stderr).not.toContain('took over');
    expect(resumed.code).toBe(0);
  });
});

describe.skipIf(!hasShared)(`Ctrl-C and SIGTERM stop a sweep ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('SIGTERM during run: exit 130, the worker gone, the lock released, --resume named', async () => {
    const out = join(tempDir('run-sigterm'), 'out');
    let worker = 0;
    const run = startCli(['run', '--model', gguf(), ...slow, '--out', out], {
      onStderr: (text, child) => {
        const m = /start .* \(worker pid (\d+)\)/.exec(text);
        if (m && !worker) {
          worker = Number(m[1]);
          child.kill('SIGTERM');
        }
      },
    });
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(`slmbench: interrupted by SIGTERM; finished entries are in ${join(out, 'entries.jsonl')}; continue with --resume --out ${out}`);
    expect(pidRunning(worker)).toBe(false);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });

  it('SIGINT during the sweep of gate --config: exit 130, the lock released, --resume named', async () => {
    const dir = tempDir('gate-sigint');
    const baseline = join(dir, 'baseline');
    expect((await runCli(['run', '--model', gguf(), ...fast, '--out', baseline])).code).toBe(0);
    const config = join(dir, 'config.yaml');
    writeFileSync(config, `sweep:\n  models: [${JSON.stringify(gguf())}]\nmeasure: { processes: 2, minRepetitions: 150, maxRepetitions: 150, minSeconds: 0, warmupSeconds: 0 }\n`);
    const out = join(dir, 'gated');
    let sent = false;
    const gate = startCli(['gate', '--baseline', baseline, '--config', config, '--out', out], {
      onStderr: (text, child) => {
        if (!sent && /start .* \(worker pid \d+\)/.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    const result = await gate.done;
    expect(sent).toBe(true);
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(`slmbench: interrupted by SIGINT; finished entries are in ${join(out, 'entries.jsonl')}; continue with --resume --out ${out}`);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });
});

describe.skipIf(!hasShared)(`a journal cut anywhere ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  let sweep: string;
  let journal: Buffer;
  let records: EntryRecord[];
  beforeAll(async () => {
    sweep = join(tempDir('torn'), 'out');
    const run = await runCli(['run', '--model', gguf(), ...fast, '--out', sweep]);
    expect(run.code).toBe(0);
    // The last record: a real record of another entry (another workload), from a second sweep.
    const other = join(tempDir('torn-b'), 'out');
    expect((await runCli(['run', '--model', gguf(), ...fast, '--gen-tokens', '6', '--out', other])).code).toBe(0);
    journal = Buffer.concat([readFileSync(join(sweep, 'entries.jsonl')), readFileSync(join(other, 'entries.jsonl'))]);
    records = journal.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as EntryRecord);
    expect(records).toHaveLength(2);
  });

  it('at every byte offset of its last record: the torn line is set aside, never read, and the next append starts a fresh line', () => {
    const dir = tempDir('torn-offsets');
    const start = journal.lastIndexOf(0x0a, journal.length - 2) + 1;
    const last = journal.subarray(start);
    const [first, second] = records as [EntryRecord, EntryRecord];
    for (let cut = 0; cut <= last.length; cut++) {
      const path = join(dir, `entries-${cut}.jsonl`);
      writeFileSync(path, journal.subarray(0, start + cut));
      const log = new EntryLog(path);
      const { notes, records: recovered } = log.recover();
      const torn = cut > 0 && cut < last.length - 1; // cut at length-1: the whole record without its newline
      expect(notes.length, `cut ${cut}`).toBe(torn ? 1 : 0);
      expect(existsSync(path + TORN_SUFFIX), `cut ${cut}`).toBe(torn);
      if (torn) expect(readFileSync(path + TORN_SUFFIX).equals(Buffer.concat([last.subarray(0, cut), Buffer.from('\n')]))).toBe(true);
      expect(log.read().map((r) => r.id), `cut ${cut}`).toEqual(cut >= last.length - 1 ? [first.id, second.id] : [first.id]);
      // What recover() parsed on its way is what the journal now holds.
      expect(recovered, `cut ${cut}`).toEqual(log.read());
      // The entry runs again and its record is appended: the journal is whole again, byte for byte.
      if (cut < last.length - 1) log.append(second);
      expect(readFileSync(path).equals(journal), `cut ${cut}`).toBe(true);
    }
  });

  it('a resumed sweep after a torn write measures the torn entry again, once', async () => {
    const copy = join(tempDir('torn-resume'), 'out');
    mkdirSync(copy);
    copyFileSync(join(sweep, 'sweep.json'), join(copy, 'sweep.json'));
    const whole = readFileSync(join(sweep, 'entries.jsonl'));
    writeFileSync(join(copy, 'entries.jsonl'), whole.subarray(0, Math.floor(whole.length / 2)));
    const resumed = await runCli(['run', '--resume', '--out', copy]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/its last line was cut short \(\d+ bytes: a runner stopped while writing it\); set aside in .*entries\.jsonl\.torn/);
    expect(readJournal(copy).map((r) => r.id)).toEqual([records[0]!.id]);
    const again = await runCli(['run', '--resume', '--out', copy]);
    expect(again.stderr).not.toContain('cut short');
    expect(readJournal(copy)).toHaveLength(1);
  });
});

describe.skipIf(!hasShared)(`resume semantics and exit 4 ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('refuses a flag that changes the sweep, applies --timeout, and --retry-errored runs the errored entry again keeping its error', async () => {
    const out = join(tempDir('retry'), 'out');
    // Every entry times out: nothing was measured, exit 4.
    const failed = await runCli(['run', '--model', gguf(), ...fast, '--timeout', '0.05', '--out', out]);
    expect(failed.code).toBe(4);
    expect(failed.stderr).toMatch(/nothing was measured: all 1 entry errored \(first: TIMEOUT: /);
    expect(readJournal(out).map((r) => r.status)).toEqual(['errored']);

    const changed = await runCli(['run', '--resume', '--out', out, '--repetitions', '5']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/^slmbench: --resume: measure\.minRepetitions is 5 here but 1 in the sweep in /);
    const workload = await runCli(['run', '--resume', '--out', out, '--gen-tokens', '9']);
    expect(workload.code).toBe(2);
    expect(workload.stderr).toContain('--resume: sweep.workloads is');

    // Resuming a finished sweep runs nothing: still nothing measured.
    const same = await runCli(['run', '--resume', '--out', out]);
    expect(same.code).toBe(4);

    const retried = await runCli(['run', '--retry-errored', '--out', out, '--timeout', '600']);
    expect(retried.stderr).toContain('--resume: measure.timeoutSeconds is 600 for the entries still to run (was 0.05)');
    expect(retried.code).toBe(0);
    const journal = readJournal(out);
    expect(journal.map((r) => r.status)).toEqual(['errored', 'ok']);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    expect(result.entries).toHaveLength(1);
    expect(result.entries[0]!.status).toBe('ok');
    expect(result.entries[0]!.attempts).toEqual([
      { status: 'errored', startedAt: journal[0]!.startedAt, endedAt: journal[0]!.endedAt, error: journal[0]!.error },
    ]);
    expect(result.entries[0]!.attempts![0]!.error.code).toBe('TIMEOUT');
  });
});

describe.skipIf(!hasShared)(`preflight: nothing runs on bad input ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('a transformers.js folder without tokenizer.json: exit 2 naming the file, no output folder', async () => {
    const dir = tempDir('no-tokenizer');
    const folder = join(dir, 'model');
    const source = sharedPath('models/stories260K/transformersjs');
    mkdirSync(join(folder, 'onnx'), { recursive: true });
    for (const name of readdirSync(source)) if (name !== 'tokenizer.json' && name !== 'onnx') copyFileSync(join(source, name), join(folder, name));
    for (const name of readdirSync(join(source, 'onnx'))) copyFileSync(join(source, 'onnx', name), join(folder, 'onnx', name));
    const out = join(dir, 'out');
    const result = await runCli(['run', '--model', folder, '--backend', 'transformers-js', ...fast, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`slmbench: ${join(folder, 'tokenizer.json')}: missing: a transformers.js model folder needs config.json, tokenizer.json, tokenizer_config.json\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('a suite whose shared datasets are not configured: exit 2 naming every missing task and where to set it, no output folder', async () => {
    const out = join(tempDir('no-data'), 'out');
    const result = await runCli(['run', '--model', gguf(), ...fast, '--suite', 'commonsense', '--out', out], { env: { SLMBENCH_SHARED: '' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^slmbench: quality: datasets missing, nothing was run: .*hellaswag.*shared public-benchmark folder is not configured: set SLMBENCH_SHARED/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('a shared datasets folder without the files: each missing file is named with where it was looked for', async () => {
    const dir = tempDir('empty-data');
    mkdirSync(join(dir, 'datasets'));
    const result = await runCli(['run', '--model', gguf(), ...fast, '--task', 'arc_easy', '--out', join(dir, 'out')], { env: { SLMBENCH_SHARED: dir } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`arc_easy (shared:arc_easy/`);
    expect(result.stderr).toContain(`looked for ${join(dir, 'datasets', 'arc_easy')}`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('without --out, the sweep goes under slmbench-results/, made with a .gitignore that keeps it out of git', async () => {
    const cwd = tempDir('default-out');
    const result = await runCli(['run', '--model', gguf(), ...fast], { cwd });
    expect(result.code).toBe(0);
    const root = join(cwd, 'slmbench-results');
    expect(readFileSync(join(root, '.gitignore'), 'utf8').split('\n')).toContain('*');
    const sweeps = readdirSync(root).filter((name) => name !== '.gitignore');
    expect(sweeps).toHaveLength(1);
    expect(result.stdout).toContain(`result: ${join(root, sweeps[0]!, 'result.json')}`);
  });
});
