/**
 * The GitHub Actions workflow and the committed baseline stay coherent: the workflow runs the quick sweep
 * as three shards, merges them, reports, and gates against a baseline that is a real result the gate
 * accepts, with rules and mismatch kinds the gate parses.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseAllowMismatch } from '../../harness/compare/parseAllowMismatch.js';
import { evaluateGate } from '../../harness/gate/evaluateGate.js';
import { parseGateRule } from '../../harness/gate/parseGateRule.js';
import { readResultFile } from '../../harness/result/readResultFile.js';
import { readMetric } from '../../harness/compare/readMetric.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string;
  strategy?: { matrix: { shard: number[] } };
  steps: Step[];
}

const workflow = parse(readFileSync(root('.github/workflows/bench.yml'), 'utf8')) as {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
};
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

describe('.github/workflows/bench.yml', () => {
  const sweep = workflow.jobs.sweep!;
  const gate = workflow.jobs.gate!;

  it('runs the quick sweep as three shards, caching the forge cache on the slmbench version', () => {
    expect(sweep.strategy!.matrix.shard).toEqual([1, 2, 3]);
    expect(runs(sweep)).toContain('npx slmbench run --shard ${{ matrix.shard }}/3 --out out/shard-${{ matrix.shard }}');
    const cache = sweep.steps.find((s) => s.uses?.startsWith('actions/cache@'))!;
    expect(cache.with).toEqual({ path: '~/.cache/slmbench', key: 'slmbench-forge-${{ runner.os }}-${{ steps.version.outputs.version }}' });
    expect(sweep.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!.with).toMatchObject({ name: 'shard-${{ matrix.shard }}', path: 'out/' });
  });

  it('merges the shards, reports, gates against the committed baseline and uploads report and JUnit', () => {
    expect(gate.needs).toBe('sweep');
    const script = runs(gate);
    expect(script).toContain('npx slmbench merge out/shard-1 out/shard-2 out/shard-3 -o merged.json');
    expect(script).toContain('npx slmbench report merged.json -o report.html');
    expect(script).toContain('baseline=bench/baselines/quick-ubuntu.json');
    expect(script).toMatch(/npx slmbench gate --baseline "\$baseline" --current merged\.json \\\n\s+--rule decodeTps:-10% \\\n\s+--allow-mismatch "\$SLMBENCH_ALLOW_MISMATCH" \\\n\s+--junit gate\.xml --verdicts gate\.json/);
    // A refusal (exit 2) passes with a notice; a regression (exit 3) fails the job.
    expect(script).toContain('if [ "$code" = 2 ]; then');
    expect(script).toContain('exit "$code"');
    const upload = gate.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.if).toBe('always()');
    expect(String(upload.with!.path).split('\n').filter(Boolean)).toEqual(['report.html', 'gate.xml', 'gate.json', 'merged.json']);
  });

  it('keys the recorded baseline on what makes the forged models, so a forge change re-baselines on main', () => {
    const key = "${{ hashFiles('harness/forge/**', 'suites/sweeps/quick.yaml', 'package-lock.json') }}";
    const restoreStep = gate.steps.find((s) => s.uses?.startsWith('actions/cache/restore@'))!;
    const saveStep = gate.steps.find((s) => s.uses?.startsWith('actions/cache/save@'))!;
    expect(restoreStep.with!.key).toBe(`slmbench-baseline-\${{ runner.os }}-${key}-\${{ github.sha }}`);
    expect(restoreStep.with!['restore-keys']).toBe(`slmbench-baseline-\${{ runner.os }}-${key}-`);
    expect(saveStep.with!.key).toBe(restoreStep.with!.key);
    expect(saveStep.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
  });

  it('on pull requests, gates the quick sweep interleaved against the base branch’s config', () => {
    const ab = workflow.jobs.ab!;
    expect((ab as Job & { if?: string }).if).toBe("github.event_name == 'pull_request'");
    expect(ab.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!.with).toEqual({ 'fetch-depth': 0 });
    expect(runs(ab)).toMatch(/npx slmbench gate --ab "origin\/\$\{\{ github\.base_ref \}\}:suites\/sweeps\/quick\.yaml" suites\/sweeps\/quick\.yaml \\\n\s+--rule decodeTps:-10% \\\n\s+--out out\/ab --junit ab\.xml --verdicts ab\.json/);
  });

  it('uses rules and mismatch kinds the gate understands', () => {
    expect(parseGateRule('decodeTps:-10%').fail).toEqual({ kind: 'relative', magnitude: 0.1, sign: '-', text: '-10%' });
    expect([...parseAllowMismatch(workflow.env.SLMBENCH_ALLOW_MISMATCH)]).toEqual(['device']);
  });
});

describe('bench/baselines/quick-ubuntu.json', () => {
  const baseline = readResultFile(root('bench/baselines/quick-ubuntu.json'));

  it('is a real result of the whole quick sweep (nothing pruned)', () => {
    const r = baseline.result;
    expect(r.config.source).toMatch(/suites\/sweeps\/quick\.yaml$/);
    expect(r.summary.entries).toBe(r.entries.length);
    // 12 pairs: 5 measured, 7 a backend cannot read (recorded as unpaired, not as entries).
    expect(r.entries.length).toBe(5);
    expect(r.unpaired).toHaveLength(7);
    expect(r.summary.ok).toBeGreaterThanOrEqual(5);
    for (const e of r.entries.filter((x) => x.status === 'ok')) {
      // Every measured repetition is kept: the statistics leave out the cold first one of each of the
      // 3 worker processes (reported as `cold`); the gate tests the processes.
      const stats = e.metrics!.decodeTps! as { n: number; cold?: number | null };
      const processes = new Set((e.samples as unknown as { process: number[] }).process).size;
      expect(processes).toBe(3);
      expect(e.samples!.decodeTps.length).toBe(stats.n + processes);
      expect(readMetric(e, 'metrics.decodeTps')!).toMatchObject({ kind: 'samples' });
      expect((readMetric(e, 'metrics.decodeTps') as { groups: number[][] }).groups.map((g) => g.length).reduce((s, x) => s + x, 0)).toBe(stats.n);
      expect(e.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('passes a gate against itself with the workflow rule', () => {
    const report = evaluateGate(baseline, baseline, { rules: [parseGateRule('decodeTps:-10%')] });
    expect(report.verdict).toBe('pass');
    expect(report.counts.pass).toBe(baseline.result.summary.ok);
  });
});
