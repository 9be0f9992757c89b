/**
 * gate, compare and merge on real results: the committed baseline (a real quick-sweep result.json), copies
 * of it with a regression, another device or another backend version, shard files cut from it, and a
 * real sweep run by `gate --config`. The commands are called as the CLI calls them; the last block runs
 * the built CLI as a process.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compareCommand } from '../../harness/cli/compareCommand.js';
import { gateCommand } from '../../harness/cli/gateCommand.js';
import { mergeCommand } from '../../harness/cli/mergeCommand.js';
import { EXIT_GATE_FAILED, SlmbenchError } from '../../harness/errors.js';
import type { GateReport } from '../../harness/gate/GateReport.js';
import { deviceIdOf } from '../../harness/device/deviceIdOf.js';
import { selectShard, shardInfo } from '../../harness/matrix/selectShard.js';
import type { AnyRunResult } from '../../harness/result/AnyRunResult.js';
import { runCli } from '../helpers/cli.js';
import { seededUniform } from '../../harness/stats/seededUniform.js';
import { tempDir } from '../helpers/tempDir.js';

const BASELINE = fileURLToPath(new URL('../../bench/baselines/quick-ubuntu.json', import.meta.url));
const base = JSON.parse(readFileSync(BASELINE, 'utf8')) as AnyRunResult;
const f32 = base.entries.findIndex((e) => e.status === 'ok' && e.backend.id === 'llama-cpp' && e.model.quant === 'F32');

let dir: string;
let out: string[];
let restore: (() => void)[];

beforeEach(() => {
  dir = tempDir('gate');
  out = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  restore = [() => stdout.mockRestore(), () => stderr.mockRestore()];
});
afterEach(() => {
  for (const r of restore) r();
});

/** A copy of the baseline, changed by `edit`, written to the temp folder. */
function variant(name: string, edit: (r: AnyRunResult) => void): string {
  const copy = JSON.parse(JSON.stringify(base)) as AnyRunResult;
  edit(copy);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(copy));
  return path;
}

/** The baseline with the F32 llama.cpp entry's decode samples scaled by `factor`. */
const slowed = (factor: number) =>
  variant('slow.json', (r) => {
    const e = r.entries[f32]!;
    e.samples!.decodeTps = e.samples!.decodeTps.map((x) => x * factor);
  });

async function refusal(p: Promise<unknown>): Promise<SlmbenchError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(SlmbenchError);
    return error as SlmbenchError;
  }
  throw new Error('expected a refusal');
}

describe('slmbench gate on real results', () => {
  it('the baseline against itself passes (exit 0) with a verdict per entry and metric', async () => {
    const verdicts = join(dir, 'verdicts.json');
    expect(await gateCommand({ baseline: BASELINE, current: BASELINE, rule: ['decodeTps:-10%', 'peakRssBytes:+5%'], verdicts })).toBe(0);
    const report = JSON.parse(readFileSync(verdicts, 'utf8')) as GateReport;
    expect(report.verdict).toBe('pass');
    expect(report.counts).toEqual({ pass: 2 * base.summary.ok, warn: 0, fail: 0, skip: 0 });
    expect(out.join('')).toMatch(/^## slmbench gate: ✅ PASS\n/);
  });

  it('a 20% slower decode fails (exit 3): Markdown, JUnit, JSON verdicts and the GitHub step summary', async () => {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const previous = process.env.GITHUB_STEP_SUMMARY;
    process.env.GITHUB_STEP_SUMMARY = summary;
    restore.push(() => (previous === undefined ? delete process.env.GITHUB_STEP_SUMMARY : (process.env.GITHUB_STEP_SUMMARY = previous)));
    const junit = join(dir, 'reports', 'gate.xml');
    const code = await gateCommand({ baseline: BASELINE, current: slowed(0.8), rule: ['decodeTps:-10%'], junit, markdown: join(dir, 'gate.md') });
    expect(code).toBe(EXIT_GATE_FAILED);
    const markdown = out.join('');
    expect(markdown).toMatch(/^## slmbench gate: ❌ FAIL\n\n1 fail · 0 warn · 4 pass · 0 skip/);
    expect(markdown).toContain(`| ❌ fail | ${base.entries[f32]!.label} | decode tok/s |`);
    expect(readFileSync(summary, 'utf8')).toBe(`# earlier step\n${markdown}\n`);
    expect(readFileSync(join(dir, 'gate.md'), 'utf8')).toBe(markdown);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuites name="slmbench gate" tests="5" failures="1" errors="0" skipped="0">');
    expect(xml).toMatch(/<testcase classname="stories15M\/F32 · llama-cpp · pp64\+tg64" name="metrics.decodeTps" time="0">\n\s+<failure message="−20% passes the fail limit -10%; 90% interval of the ratio over 3 \+ 3 processes \[/);
  });

  it('a refusal (exit 2) still writes the JUnit file and the step summary, saying why', async () => {
    const summary = join(dir, 'refused.md');
    const previous = process.env.GITHUB_STEP_SUMMARY;
    process.env.GITHUB_STEP_SUMMARY = summary;
    restore.push(() => (previous === undefined ? delete process.env.GITHUB_STEP_SUMMARY : (process.env.GITHUB_STEP_SUMMARY = previous)));
    const other = variant('other-models.json', (r) => {
      for (const e of r.entries) e.model.sha256 = `other-${e.model.sha256}`;
    });
    const junit = join(dir, 'refused.xml');
    const error = await refusal(gateCommand({ baseline: other, current: BASELINE, junit }));
    expect(error.code).toBe('NOT_COMPARABLE');
    expect(error.exitCode).toBe(2);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuites name="slmbench gate" tests="1" failures="0" errors="1" skipped="0">');
    expect(xml).toContain(`<error message="no entry of ${BASELINE} matches an entry of the baseline ${other} (entries match by model sha256, backend id, backend options, workload)" type="NOT_COMPARABLE"/>`);
    expect(readFileSync(summary, 'utf8')).toBe(`## slmbench gate: REFUSED\n\n${error.message}\n\n`);
  });

  it('the same regression under a looser rule warns (exit 0)', async () => {
    expect(await gateCommand({ baseline: BASELINE, current: slowed(0.8), rule: ['decodeTps:-10%,-30%'] })).toBe(0);
    expect(out.join('')).toMatch(/^## slmbench gate: ⚠️ WARN/);
  });

  it('a baseline from another device is refused naming the difference; --allow-mismatch device accepts it', async () => {
    const other = variant('other-device.json', (r) => {
      const d = r.device as { id: string; cpu: { brand: string; logicalCores: number } };
      d.id = '0123456789abcdef';
      d.cpu.brand = 'AMD EPYC 7763 64-Core Processor';
      d.cpu.logicalCores = 4;
    });
    const error = await refusal(gateCommand({ baseline: BASELINE, current: other }));
    expect(error.code).toBe('NOT_COMPARABLE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      `the baseline ${BASELINE} is not comparable with ${other}: device differs: cpu brand "AMD EPYC" vs "AMD EPYC 7763 64-Core Processor", ` +
        `logical cores 2 vs 4 (device ${String(base.device.id)} vs 0123456789abcdef); pass --allow-mismatch device to gate anyway`,
    );
    expect(await gateCommand({ baseline: BASELINE, current: other, allowMismatch: ['device'] })).toBe(0);
    expect(out.join('')).toContain('Accepted differences (`--allow-mismatch device`):');
  });

  it('a baseline from another backend version is refused naming the package and versions', async () => {
    const upgraded = variant('upgraded.json', (r) => {
      for (const e of r.entries) if (e.backend.versions['node-llama-cpp']) e.backend.versions['node-llama-cpp'] = '9.9.9';
    });
    const error = await refusal(gateCommand({ baseline: BASELINE, current: upgraded }));
    expect(error.message).toMatch(/: backend version differs: llama-cpp: node-llama-cpp 3\.21\.1 vs 9\.9\.9; pass --allow-mismatch backend-version to gate anyway$/);
    expect(await gateCommand({ baseline: BASELINE, current: upgraded, allowMismatch: 'backend-version' })).toBe(0);
  });

  it('usage errors: a missing --current/--config, a bad rule, an unknown metric, a bad mismatch kind', async () => {
    await expect(gateCommand({ baseline: BASELINE })).rejects.toThrow('gate: give exactly one of --current FILE');
    await expect(gateCommand({ baseline: BASELINE, current: BASELINE, rule: ['decodeTps:+5%'] })).rejects.toThrow(/higher-is-better/);
    await expect(gateCommand({ baseline: BASELINE, current: BASELINE, rule: ['decodeTsp:-5%'] })).rejects.toThrow(/did you mean "decodeTps"/);
    await expect(gateCommand({ baseline: BASELINE, current: BASELINE, allowMismatch: ['gpu'] })).rejects.toThrow(/unknown kind "gpu"/);
    await expect(gateCommand({ baseline: join(dir, 'none.json'), current: BASELINE })).rejects.toThrow(/none\.json: cannot read result \(no such file\)/);
  });

  it('a rules file', async () => {
    const rules = join(dir, 'rules.yaml');
    writeFileSync(rules, 'alpha: 0.01\nrules:\n  - decodeTps:-5%,-10%\n  - { metric: ttftMs, fail: "+20%" }\n');
    const verdicts = join(dir, 'v.json');
    expect(await gateCommand({ baseline: BASELINE, current: slowed(0.8), rules, verdicts })).toBe(EXIT_GATE_FAILED);
    const report = JSON.parse(readFileSync(verdicts, 'utf8')) as GateReport;
    expect(report.options.alpha).toBe(0.01);
    expect(report.options.rules).toEqual(['decodeTps:-5%,-10%', 'ttftMs:fail=+20%']);
  });
});

describe('slmbench merge and compare on real results', () => {
  it('shards cut from the baseline merge back to exactly its entries; the merge passes a gate against it', async () => {
    const shards = [1, 2, 3].map((k) =>
      variant(`shard-${k}.json`, (r) => {
        const entries = selectShard(base.entries, k, 3);
        r.entries = entries;
        r.shard = shardInfo(base.entries, k, 3);
        r.summary = { entries: entries.length, ok: entries.filter((e) => e.status === 'ok').length, errored: 0, skipped: entries.filter((e) => e.status === 'skipped').length };
      }),
    );
    const merged = join(dir, 'merged.json');
    expect(await mergeCommand({ results: [shards[2]!, shards[0]!, shards[1]!], out: merged })).toBe(0);
    const m = JSON.parse(readFileSync(merged, 'utf8')) as AnyRunResult;
    expect(m.entries.map((e) => e.id)).toEqual(base.entries.map((e) => e.id));
    expect(m.entries.every((e) => e.device === base.device.id)).toBe(true);
    expect(m.summary).toEqual(base.summary);
    expect(Object.keys(m.devices!)).toEqual([base.device.id]);
    expect(await gateCommand({ baseline: BASELINE, current: merged, rule: ['decodeTps:-10%'] })).toBe(0);
    await expect(mergeCommand({ results: [shards[0]!, shards[2]!], out: join(dir, 'partial.json') })).rejects.toThrow(/incomplete sharded sweep: shard 2\/3/);
    expect(existsSync(join(dir, 'partial.json'))).toBe(false);
  });

  it('a device comparison: merged runs of two devices, compared by device', async () => {
    const other = variant('other.json', (r) => {
      // Another device: a field the id is made of differs, and the id is the one those fields give.
      const device = r.device as { id: string; cpu: { brand: string } };
      device.cpu.brand = 'Other CPU';
      device.id = deviceIdOf(device)!;
      for (const e of r.entries) if (e.samples) e.samples.decodeTps = e.samples.decodeTps.map((x) => x * 2);
    });
    const merged = join(dir, 'devices.json');
    expect(await mergeCommand({ results: [BASELINE, other], out: merged })).toBe(0);
    out.length = 0;
    expect(await compareCommand({ results: [merged], by: 'device', reference: String(base.device.id) })).toBe(0);
    const table = out.join('');
    expect(table).toMatch(/^## slmbench compare by device: reference AMD EPYC · 2 logical cores · linux x64 \[137741\]/);
    const row = table.split('\n').find((l) => l.startsWith(`| ${base.entries[f32]!.label} | decode tok/s |`))!;
    expect(row).toMatch(/\(×2\.00 \[\d\.\d+, \d\.\d+\]\) \*\*better\*\* \|$/);
  });

  it('compare A B shows ratios, intervals and significance, and lists unmatched entries', async () => {
    const fewer = variant('fewer.json', (r) => {
      r.entries = r.entries.filter((e) => e.backend.id !== 'transformers-js');
    });
    expect(await compareCommand({ results: [BASELINE, slowed(0.5)], metric: ['decodeTps'] })).toBe(0);
    expect(out.join('')).toMatch(/\| decode tok\/s \| [\d.]+ \| [\d.]+ \(×0\.500 \[[\d.]+, [\d.]+\]\) \*\*worse\*\* \|/);
    out.length = 0;
    expect(await compareCommand({ results: [BASELINE, fewer] })).toBe(0);
    expect(out.join('')).toMatch(/- stories15M\/onnx · transformers-js · pp64\+tg64 \(ok\) in .*quick-ubuntu\.json, not in .*fewer\.json/);
  });
});

/** A one-entry sweep of the forged tiny model on llama.cpp: 2 processes × 4 repetitions. */
function tinyConfig(threads: number): string {
  return `sweep:\n  models: ["forge:tiny/F32"]\n  backends: [{ id: llama-cpp, threads: ${threads} }]\n  workloads: [{ promptTokens: 8, genTokens: 8 }]\nmeasure:\n  warmupRuns: 1\n  warmupSeconds: 0\n  processes: 2\n  minRepetitions: 4\n  maxRepetitions: 4\n  minSeconds: 0\n`;
}

/** Forged models go into the test's own cache. */
function ownCache(): void {
  const previous = process.env.SLMBENCH_CACHE;
  process.env.SLMBENCH_CACHE = join(dir, 'cache');
  restore.push(() => (previous === undefined ? delete process.env.SLMBENCH_CACHE : (process.env.SLMBENCH_CACHE = previous)));
}

/** The pair orders seed `seed` gives the two sides (as InterleavedTurns draws them). */
function expectedSides(seed: number, pairs: number): string[] {
  const u = seededUniform(seed);
  const out: string[] = [];
  for (let i = 0; i < pairs; i++) out.push(...(Math.floor(u() * 2) === 0 ? ['current', 'baseline'] : ['baseline', 'current']));
  return out;
}

describe('slmbench gate --ab: both sides run here, processes interleaved', () => {
  it('a thread-count change gated directly with --match: both settings shown, the order recorded with its seed', async () => {
    ownCache();
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    writeFileSync(a, tinyConfig(1));
    writeFileSync(b, tinyConfig(2));
    const verdicts = join(dir, 'ab.json');
    const abOut = join(dir, 'ab');
    // Timings decide pass or fail: the test checks what ran, in which order, and what the report says.
    const code = await gateCommand({ ab: [a, b], out: abOut, orderSeed: 11, match: 'model,backend,workload', rule: ['decodeTps:-50%'], verdicts });
    const report = JSON.parse(readFileSync(verdicts, 'utf8')) as GateReport;
    expect(code).toBe(report.verdict === 'fail' ? EXIT_GATE_FAILED : 0);
    for (const side of ['baseline', 'current']) expect(existsSync(join(abOut, side, 'result.json'))).toBe(true);
    expect(existsSync(join(abOut, 'report.html'))).toBe(true);
    expect(report.evidence.mode).toBe('interleaved');
    const launches = report.evidence.interleaving!.launches;
    expect(report.evidence.interleaving!.seed).toBe(11);
    expect(launches.map((l) => l.side)).toEqual(expectedSides(11, 2));
    expect(launches.filter((l) => l.side === 'baseline').map((l) => l.process)).toEqual([0, 1]);
    expect(launches.filter((l) => l.side === 'current').map((l) => l.process)).toEqual([0, 1]);
    const v = report.verdicts.find((x) => x.metric === 'metrics.decodeTps')!;
    expect(v.setting).toBe('threads 1 → 2');
    expect(v.comparison!.method).toBe('processes');
    expect(v.comparison!.processes).toEqual([2, 2]);
    expect(out.join('')).toContain('Evidence: interleaved (order seed 11, 4 processes)');
  });

  it('BASE may be a config as committed at a git ref (GITREF:PATH), read with git in the working directory', async () => {
    const repo = join(dir, 'repo');
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    mkdirSync(repo);
    git('init', '-q');
    writeFileSync(join(repo, 'ci.yaml'), tinyConfig(1));
    git('add', 'ci.yaml');
    git('commit', '-q', '-m', 'one thread');
    writeFileSync(join(repo, 'ci.yaml'), tinyConfig(2));
    const r = await runCli(['gate', '--ab', 'HEAD:ci.yaml', 'ci.yaml', '--match', 'model,backend,workload', '--order-seed', '5', '--rule', 'decodeTps:-90%', '--out', 'ab', '--json'], {
      cwd: repo,
      env: { SLMBENCH_CACHE: join(dir, 'cache') },
    });
    expect(r.stderr).not.toMatch(/error/i);
    expect([0, 3]).toContain(r.code);
    const report = JSON.parse(r.stdout) as GateReport;
    expect(report.verdicts.find((x) => x.metric === 'metrics.decodeTps')!.setting).toBe('threads 1 → 2');
    expect(readFileSync(join(repo, 'ab', 'baseline-config.yaml'), 'utf8')).toBe(tinyConfig(1));
    const missing = await runCli(['gate', '--ab', 'HEAD:nope.yaml', 'ci.yaml'], { cwd: repo });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/gate --ab: HEAD:nope\.yaml: git cannot show it \(fatal: /);
  });

  it('a side that cannot run stops the other, and its own error is the one reported (either side)', async () => {
    const ok = join(dir, 'ok.yaml');
    const broken = join(dir, 'broken.yaml');
    writeFileSync(ok, tinyConfig(1));
    writeFileSync(broken, tinyConfig(1).replace('forge:tiny/F32', 'no-such-model.gguf'));
    for (const [sides, name] of [[[ok, broken], 'current-broken'], [[broken, ok], 'baseline-broken']] as const) {
      const r = await runCli(['gate', '--ab', ...sides, '--order-seed', '2', '--rule', 'decodeTps:-90%', '--out', name], {
        cwd: dir,
        env: { SLMBENCH_CACHE: join(dir, 'cache') },
      });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/model not found: no-such-model\.gguf/);
      expect(r.stderr).not.toMatch(/interrupted|EPIPE/);
      // The side that was stopped recorded no entry as errored: nothing was measured, nothing is blamed.
      const entries = join(dir, name, 'baseline', 'entries.jsonl');
      if (existsSync(entries)) expect(readFileSync(entries, 'utf8')).toBe('');
    }
  });

  it('--calibrate N: N interleaved A/A gates, the false-alarm rate and the minimum detectable change per metric', async () => {
    ownCache();
    const config = join(dir, 'aa.yaml');
    writeFileSync(config, tinyConfig(1));
    const calOut = join(dir, 'cal');
    expect(await gateCommand({ calibrate: 2, config, out: calOut, orderSeed: 3, json: true })).toBe(0);
    const printed = JSON.parse(out.join('')) as { falseAlarmRate: number; runs: number; minimumDetectable: Record<string, number>; gates: { seed: number }[] };
    expect(JSON.parse(readFileSync(join(calOut, 'calibration.json'), 'utf8'))).toEqual(printed);
    expect(printed.runs).toBe(2);
    expect([0, 0.5, 1]).toContain(printed.falseAlarmRate);
    expect(printed.gates.map((g) => g.seed)).toEqual([3, 4]);
    expect(printed.minimumDetectable.decodeTps!).toBeLessThan(1);
    expect(printed.minimumDetectable.ttftMs!).toBeGreaterThan(1);
    for (const i of [1, 2]) expect(existsSync(join(calOut, `aa-${i}`, 'current', 'result.json'))).toBe(true);
    // A later gate reads the calibration.
    const base = join(calOut, 'aa-1', 'baseline');
    const cur = join(calOut, 'aa-1', 'current');
    const verdicts = join(dir, 'calibrated.json');
    await gateCommand({ baseline: base, current: cur, calibration: join(calOut, 'calibration.json'), rule: ['decodeTps:-90%'], verdicts });
    const report = JSON.parse(readFileSync(verdicts, 'utf8')) as GateReport;
    const v = report.verdicts.find((x) => x.metric === 'metrics.decodeTps')!;
    expect(v.minimumDetectable!).toBeLessThanOrEqual(printed.minimumDetectable.decodeTps! + 1e-12);
  });
});

describe('slmbench gate --config: run the sweep now, then gate', () => {
  it('runs a small sweep into --out and gates its result against a baseline of the same sweep', async () => {
    const cache = join(dir, 'cache');
    const previous = process.env.SLMBENCH_CACHE;
    process.env.SLMBENCH_CACHE = cache;
    restore.push(() => (previous === undefined ? delete process.env.SLMBENCH_CACHE : (process.env.SLMBENCH_CACHE = previous)));
    const config = join(dir, 'tiny.yaml');
    writeFileSync(
      config,
      tinyConfig(1),
    );
    const { runCommand } = await import('../../harness/cli/runCommand.js');
    expect(await runCommand({ config, out: join(dir, 'base-run') })).toBe(0);
    const verdicts = join(dir, 'tiny-verdicts.json');
    // Timings on this machine decide pass or fail: the test checks that the gate ran, not its verdict.
    const code = await gateCommand({ baseline: join(dir, 'base-run'), config, out: join(dir, 'gated-run'), rule: ['decodeTps:-50%'], verdicts });
    const report = JSON.parse(readFileSync(verdicts, 'utf8')) as GateReport;
    expect(code).toBe(report.verdict === 'fail' ? EXIT_GATE_FAILED : 0);
    expect(existsSync(join(dir, 'gated-run', 'result.json'))).toBe(true);
    expect(report.current.source).toBe(join(dir, 'gated-run', 'result.json'));
    expect(report.verdicts.map((v) => [v.metric, v.comparison?.method])).toEqual([['metrics.decodeTps', 'processes']]);
    expect(report.verdicts[0]!.comparison!.processes).toEqual([2, 2]);
    expect(report.evidence.mode).toBe('separate runs');
    // The samples the statistics summarise (without the cold first repetition, which they report apart).
    const measured = JSON.parse(readFileSync(join(dir, 'base-run', 'result.json'), 'utf8')) as AnyRunResult;
    expect(report.verdicts[0]!.comparison!.baseline.n).toBe(measured.entries[0]!.metrics!.decodeTps!.n);
  });
});

// The built CLI, with gate, compare and merge registered.

describe('the slmbench CLI (gate, compare, merge wired)', () => {
  it('gate exits 3 on a regression and 0 on the baseline itself; merge writes a result; compare prints a table', async () => {
    const fail = await runCli(['gate', '--baseline', BASELINE, '--current', slowed(0.8), '--rule', 'decodeTps:-10%', '--junit', join(dir, 'g.xml')]);
    expect(fail.code).toBe(3);
    expect(fail.stdout).toMatch(/^## slmbench gate: ❌ FAIL/);
    expect(readFileSync(join(dir, 'g.xml'), 'utf8')).toContain('<failure ');
    const pass = await runCli(['gate', '--baseline', BASELINE, '--current', BASELINE, '--rule', 'decodeTps:-10%']);
    expect(pass.code).toBe(0);
    const refused = await runCli(['gate', '--baseline', BASELINE, '--current', variant('dev.json', (r) => ((r.device as { id: string }).id = 'x'))]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/device differs: .*pass --allow-mismatch device/);
    const copy = join(dir, 'copy.json');
    copyFileSync(BASELINE, copy);
    const merged = await runCli(['merge', BASELINE, '-o', join(dir, 'm.json')]);
    expect(merged.code).toBe(0);
    const compared = await runCli(['compare', BASELINE, copy]);
    expect(compared.code).toBe(0);
    expect(compared.stdout).toContain('| decode tok/s |');
  });
});
