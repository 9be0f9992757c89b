/**
 * gate, compare and merge on real results: the committed baseline (a real quick-sweep result.json), copies
 * of it with a regression, another device or another backend version, shard files cut from it, and a
 * real sweep run by `gate --config`. The commands are called as the CLI calls them; the last block runs
 * the built CLI as a process.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compareCommand } from '../../harness/cli/compareCommand.js';
import { gateCommand } from '../../harness/cli/gateCommand.js';
import { mergeCommand } from '../../harness/cli/mergeCommand.js';
import { EXIT_GATE_FAILED, SlmbenchError } from '../../harness/errors.js';
import type { GateReport } from '../../harness/gate/GateReport.js';
import { selectShard, shardInfo } from '../../harness/matrix/selectShard.js';
import type { AnyRunResult } from '../../harness/result/AnyRunResult.js';
import { runCli } from '../helpers/cli.js';
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
    expect(xml).toMatch(/<testcase classname="stories15M\/F32 · llama-cpp · pp64\+tg64" name="metrics.decodeTps" time="0">\n\s+<failure message="−20% passes the fail limit -10%; p (=|&lt;) /);
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
      (r.device as { id: string }).id = 'fedcba9876543210';
      for (const e of r.entries) if (e.samples) e.samples.decodeTps = e.samples.decodeTps.map((x) => x * 2);
    });
    const merged = join(dir, 'devices.json');
    expect(await mergeCommand({ results: [BASELINE, other], out: merged })).toBe(0);
    out.length = 0;
    expect(await compareCommand({ results: [merged], by: 'device', reference: String(base.device.id) })).toBe(0);
    const table = out.join('');
    expect(table).toMatch(/^## slmbench compare by device: reference AMD EPYC · 2 threads · linux x64 \[137741\]/);
    const row = table.split('\n').find((l) => l.startsWith(`| ${base.entries[f32]!.label} | decode tok/s |`))!;
    expect(row).toMatch(/\(×2\.00 \[\d\.\d+, \d\.\d+\], p [=<] [^)]+\) \*\*better\*\* \|$/);
  });

  it('compare A B shows ratios, intervals and significance, and lists unmatched entries', async () => {
    const fewer = variant('fewer.json', (r) => {
      r.entries = r.entries.filter((e) => e.backend.id !== 'transformers-js');
    });
    expect(await compareCommand({ results: [BASELINE, slowed(0.5)], metric: ['decodeTps'] })).toBe(0);
    expect(out.join('')).toMatch(/\| decode tok\/s \| [\d.]+ \| [\d.]+ \(×0\.500 \[[\d.]+, [\d.]+\], p [=<] [^)]+\) \*\*worse\*\* \|/);
    out.length = 0;
    expect(await compareCommand({ results: [BASELINE, fewer] })).toBe(0);
    expect(out.join('')).toMatch(/- stories15M\/onnx · transformers-js · pp64\+tg64 \(ok\) in .*quick-ubuntu\.json, not in .*fewer\.json/);
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
      'sweep:\n  models: ["forge:tiny/F32"]\n  backends: [{ id: llama-cpp, threads: 1 }]\n  workloads: [{ promptTokens: 8, genTokens: 8 }]\nmeasure:\n  warmupRuns: 1\n  warmupSeconds: 0\n  processes: 1\n  minRepetitions: 5\n  maxRepetitions: 5\n  minSeconds: 0\n',
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
    expect(report.verdicts.map((v) => [v.metric, v.comparison?.method])).toEqual([['metrics.decodeTps', 'mann-whitney']]);
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
