/**
 * Workers that crash or time out become errored entries and the sweep goes on; a runner killed mid-sweep
 * resumes without repeating or losing entries. Real CLI, real llama.cpp backend, real processes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EntryRecord } from '../../harness/result/EntryRecord.js';
import type { RunResult } from '../../harness/result/RunResult.js';
import { runCli, startCli } from '../helpers/cli.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

const readJsonl = (file: string): EntryRecord[] =>
  readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as EntryRecord);

/** A config of three entries (three prompt lengths) whose entries each take a few seconds. */
function threeEntryConfig(dir: string, repetitions: number): string {
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    [
      'sweep:',
      `  models: [${JSON.stringify(sharedPath('models/stories260K/gguf/stories260K-f32.gguf'))}]`,
      '  backends: [{ id: llama-cpp, threads: 1 }]',
      '  workloads: [{ promptTokens: [8, 16, 24], genTokens: 64 }]',
      'measure:',
      '  warmupRuns: 0',
      '  warmupSeconds: 0',
      '  processes: 1',
      `  minRepetitions: ${repetitions}`,
      `  maxRepetitions: ${repetitions}`,
      '  minSeconds: 0',
      '',
    ].join('\n'),
  );
  return file;
}

describe.skipIf(!hasShared)(`sweeps survive crashes, timeouts and a killed runner ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('a worker killed with SIGKILL mid-sweep becomes an errored entry and the others complete', async () => {
    const dir = tempDir('crash');
    const out = join(dir, 'out');
    let killed = false;
    const { done } = startCli(['run', '--config', threeEntryConfig(dir, 150), '--out', out], {
      onStderr: (text) => {
        const m = /\[2\/3\] start .* \(worker pid (\d+)\)/.exec(text);
        if (m && !killed) {
          killed = true;
          // Let the worker load and start measuring, then kill it.
          setTimeout(() => process.kill(Number(m[1]), 'SIGKILL'), 700);
        }
      },
    });
    const result = await done;
    expect(killed).toBe(true);
    expect(result.code).toBe(0);
    const run = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    expect(run.entries.map((e) => e.status)).toEqual(['ok', 'errored', 'ok']);
    expect(run.entries[1]!.error!.code).toBe('WORKER_CRASHED');
    expect(run.entries[1]!.error!.message).toMatch(/SIGKILL/);
    expect(run.summary).toEqual({ entries: 3, ok: 2, errored: 1, skipped: 0 });
    expect(result.stdout).toMatch(/errored: WORKER_CRASHED/);
  });

  it('an entry past its timeout is killed, recorded as TIMEOUT, and the sweep goes on', async () => {
    const dir = tempDir('timeout');
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({
      sweep: {
        models: [sharedPath('models/stories260K/gguf/stories260K-f32.gguf')],
        backends: [{ id: 'llama-cpp', threads: 1 }],
        workloads: [{ promptTokens: 8, genTokens: [256, 4] }],
      },
      measure: { warmupRuns: 0, warmupSeconds: 0, minRepetitions: 1, minSeconds: 3600, maxRepetitions: 1000000, timeoutSeconds: 2, processes: 1 },
    }));
    const started = Date.now();
    const result = await runCli(['run', '--config', config, '--out', join(dir, 'out'), '--json']);
    // Both entries errored: nothing was measured (exit 4), and the result still says why.
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('slmbench: nothing was measured: all 2 entries errored (first: TIMEOUT: entry exceeded its timeout of 2 s and was killed)');
    const run = JSON.parse(result.stdout) as RunResult;
    expect(run.entries.map((e) => [e.status, e.error?.code])).toEqual([['errored', 'TIMEOUT'], ['errored', 'TIMEOUT']]);
    expect(run.entries[0]!.error!.message).toBe('entry exceeded its timeout of 2 s and was killed');
    // Two 2-second timeouts, not an hour.
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('a runner killed mid-sweep resumes with every entry exactly once', async () => {
    const dir = tempDir('resume');
    const out = join(dir, 'out');
    const config = threeEntryConfig(dir, 60);
    let killedRunner = false;
    const first = startCli(['run', '--config', config, '--out', out], {
      onStderr: (text, child) => {
        if (!killedRunner && /\[2\/3\] start/.test(text)) {
          killedRunner = true;
          setTimeout(() => child.kill('SIGKILL'), 500);
        }
      },
    });
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(join(out, 'result.json'))).toBe(false);
    const before = readJsonl(join(out, 'entries.jsonl'));
    expect(before.map((e) => e.status)).toEqual(['ok']);

    // A new sweep into the same folder is refused: nothing measured is overwritten.
    const refused = await runCli(['run', '--config', config, '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(`slmbench: ${out} already holds a sweep; continue it with --resume or choose another --out`);

    const resumed = await runCli(['run', '--resume', '--out', out, '--json']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('resuming: 1 of 3 entries already finished');
    const run = JSON.parse(resumed.stdout) as RunResult;
    expect(run.entries.map((e) => e.status)).toEqual(['ok', 'ok', 'ok']);
    expect(new Set(run.entries.map((e) => e.id)).size).toBe(3);
    expect(run.entries[0]).toEqual(before[0]);
    const after = readJsonl(join(out, 'entries.jsonl'));
    expect(after.map((e) => e.id)).toEqual(run.entries.map((e) => e.id));
  });
});
