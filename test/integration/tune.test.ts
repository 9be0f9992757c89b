/**
 * `slmbench tune` end to end on stories260K (llama.cpp): every point of the backend's search space and
 * its defaults are measured in worker processes by successive halving, each setting's figures per round
 * and pooled are reported, a setting whose greedy ids differ from the defaults' is reported and never
 * chosen, the winner's gain over the defaults has an interval over processes, and `--write-config` writes
 * a config `run` accepts with the winning options. Timings decide the winner, so the test checks the
 * bookkeeping, not which setting won.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendRegistry } from '../../adapters/registry.js';
import { readConfigFile } from '../../harness/config/parseConfig.js';
import type { TuneResult } from '../../harness/tune/runTune.js';
import { runCli } from '../helpers/cli.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

describe.skipIf(!hasShared)(`slmbench tune ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('searches threads and flash attention by halving, checks greedy ids, and writes the winning config', async () => {
    const dir = tempDir('tune');
    const model = sharedPath('models/stories260K/gguf/stories260K-f32.gguf');
    const config = join(dir, 'tuned.yaml');
    const run = await runCli(['tune', model, '--backend', 'llama-cpp', '--budget', '12', '--prompt-tokens', '16', '--gen-tokens', '16', '--out', join(dir, 'rounds'), '--json', '--write-config', config]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as TuneResult;
    const cores = cpus().length;
    // The defaults, then threads 1 … cores × flash attention off and on.
    expect(result.tried.map((t) => t.options)).toEqual([
      {},
      ...Array.from({ length: cores }, (_, i) => [{ threads: i + 1, flashAttention: false }, { threads: i + 1, flashAttention: true }]).flat(),
    ]);
    expect(result.objective).toEqual({ metric: 'decodeTps', higherIsBetter: true, label: 'decode tok/s' });
    // Every setting ran in round 1, with three processes; the defaults in every round.
    for (const t of result.tried) expect(t.rounds[0]).toMatchObject({ round: 1, pooled: { processes: 3 } });
    expect(result.tried[0]!.rounds.map((r) => r.round)).toEqual(Array.from({ length: result.rounds }, (_, i) => i + 1));
    expect(result.tried[0]!.resolvedOptions).toMatchObject({ threads: Math.max(1, cores - 1), flashAttention: true });
    // A setting that changed the greedy ids is reported, never the winner.
    for (const t of result.tried.filter((x) => x.changesOutputs)) expect(t.outcome).toBe('changes outputs');
    const winner = result.tried.find((t) => t.outcome === 'winner')!;
    expect(winner.changesOutputs).toBe(false);
    expect(result.winner!.options).toEqual(winner.options);
    expect(result.gain!.processes[0]).toBeGreaterThanOrEqual(3);
    expect(result.gain!.low).toBeLessThanOrEqual(result.gain!.ratio);
    expect(result.gain!.high).toBeGreaterThanOrEqual(result.gain!.ratio);
    // Each round's sweep is kept, and the written config runs the model with the winning options.
    expect(readFileSync(join(dir, 'rounds', 'round-1', 'result.json'), 'utf8')).toContain('"schemaVersion": 1');
    const written = readConfigFile(config, backendRegistry);
    expect(written.sweep.backends).toEqual([{ id: 'llama-cpp', ...winner.options }]);
    expect(written.sweep.workloads).toEqual([{ promptTokens: 16, genTokens: 16 }]);
  }, 300_000);

  it('refuses a backend without a search space, in one line, exit 2', async () => {
    const run = await runCli(['tune', 'remote:x', '--backend', 'remote', '--json']);
    expect([run.code, run.stderr.trim()]).toEqual([2, 'slmbench: --backend: remote declares no settings to tune']);
  });
});
