/** Side-by-side comparison of results, by file and by device. */
import { describe, expect, it } from 'vitest';
import { compareResults } from '../../harness/compare/compareResults.js';
import { renderComparisonMarkdown } from '../../harness/compare/renderComparisonMarkdown.js';
import { mergeResults } from '../../harness/merge/mergeResults.js';
import { entry, fingerprint, loaded, normalSamples, result } from './gateFixtures.js';

const devA = fingerprint('dev-a-0123456789');
const devB = fingerprint('dev-b-0123456789', { brand: 'Apple M2', logicalCores: 8 });
const devC = fingerprint('dev-c-0123456789', { brand: 'Intel Xeon', logicalCores: 2 });

function run(device: Record<string, unknown>, decodeMean: number, seed: number, extra: Parameters<typeof entry>[0][] = []) {
  return result(
    [
      entry({ model: 'x', index: 0, samples: { decodeTps: normalSamples(seed, 20, decodeMean, 0.03), ttftMs: normalSamples(seed + 1, 20, 10, 0.03) }, peakRssBytes: 100 * 1024 ** 2 }),
      ...extra.map((spec, i) => entry({ index: i + 1, ...spec })),
    ],
    device,
  );
}

describe('compareResults by source', () => {
  const a = loaded(run(devA, 100, 1, [{ model: 'only-a', samples: { decodeTps: [1, 2] } }]), 'a.json');
  const b = loaded(run(devA, 80, 3, [{ model: 'only-b', samples: { decodeTps: [1, 2] } }]), 'b.json');
  const c = loaded(run(devA, 101, 5), 'c.json');
  const comparison = compareResults([a, b, c]);

  it('one row per (entry, metric), one cell per file, ratios to the first', () => {
    expect(comparison.groups.map((g) => g.label)).toEqual(['a.json', 'b.json', 'c.json']);
    expect(comparison.reference).toBe(0);
    expect(comparison.metrics).toEqual(['metrics.decodeTps', 'metrics.ttftMs', 'metrics.peakRssBytes']);
    const decode = comparison.rows.find((r) => r.entry.startsWith('x ') && r.metric === 'metrics.decodeTps')!;
    expect(decode.direction).toBe('higher');
    expect(decode.cells[0]!.comparison).toBeNull();
    const slower = decode.cells[1]!.comparison!;
    expect(slower.ratio!).toBeGreaterThan(0.75);
    expect(slower.ratio!).toBeLessThan(0.85);
    expect(slower.interval!.confidence).toBeCloseTo(0.95, 15);
    expect(slower.interval!.high).toBeLessThan(1);
    expect(slower.significant).toBe(true);
    expect(slower.change).toBe('worse');
    expect(decode.cells[2]!.comparison!.change).toBeNull();
    const rss = comparison.rows.find((r) => r.metric === 'metrics.peakRssBytes')!;
    expect(rss.cells[1]!.comparison).toMatchObject({ ratio: 1, method: 'none', significant: null });
  });

  it('lists unmatched entries on both sides', () => {
    expect(comparison.unmatched.map((u) => `${u.entry.split(' ')[0]} in ${u.group}, not in ${u.missingFrom}`)).toEqual([
      'only-b in b.json, not in a.json',
      'only-a in a.json, not in b.json',
      'only-a in a.json, not in c.json',
    ]);
  });

  it('a chosen reference: by number or path', () => {
    expect(compareResults([a, b, c], { reference: '2' }).reference).toBe(1);
    expect(compareResults([a, b, c], { reference: 'c.json' }).reference).toBe(2);
    expect(() => compareResults([a, b], { reference: 'z.json' })).toThrow('--reference z.json: no such group; groups: 1 = a.json, 2 = b.json');
  });

  it('notes device and backend-version differences', () => {
    const other = loaded(result([entry({ model: 'x', samples: { decodeTps: [1, 2] }, versions: { 'node-llama-cpp': '9' } })], devB), 'o.json');
    const notes = compareResults([a, other]).notes;
    expect(notes).toEqual([
      'o.json vs a.json: device differs: cpu brand "AMD EPYC 7763 64-Core Processor" vs "Apple M2", logical cores 4 vs 8 (device dev-a-0123456789 vs dev-b-0123456789)',
      'o.json vs a.json: backend-version differs: llama-cpp: llama.cpp b1 vs absent, node-llama-cpp 3.21.1 vs 9',
    ]);
  });

  it('needs two results; one merged multi-device result asks for --by device', () => {
    expect(() => compareResults([a])).toThrow('compare: give at least two results (or one merged result with --by device)');
    const merged = mergeResults([loaded(run(devA, 100, 1), 'a.json'), loaded(run(devB, 100, 2), 'b.json')]);
    expect(() => compareResults([loaded(merged, 'm.json'), a])).toThrow(/use --by device/);
  });

  it('--metric names metrics as gate rules do; unknown ones are refused', () => {
    expect(compareResults([a, b], { metrics: ['ttftMs'] }).metrics).toEqual(['metrics.ttftMs']);
    expect(() => compareResults([a, b], { metrics: ['nope'] })).toThrow('--metric nope: no entry has this metric');
  });
});

describe('compareResults by device', () => {
  const merged = mergeResults([loaded(run(devA, 100, 1), 'a.json'), loaded(run(devB, 200, 3), 'b.json'), loaded(run(devC, 50, 5), 'c.json')]);

  it('groups the entries of a merged result by device, ratios to a chosen reference device', () => {
    const comparison = compareResults([loaded(merged, 'merged.json')], { by: 'device', reference: 'dev-c' });
    expect(comparison.groups.map((g) => g.label)).toEqual([
      'AMD EPYC 7763 64-Core Processor · 4 logical cores · linux x64 [dev-a-]',
      'Apple M2 · 8 logical cores · linux x64 [dev-b-]',
      'Intel Xeon · 2 logical cores · linux x64 [dev-c-]',
    ]);
    expect(comparison.reference).toBe(2);
    const decode = comparison.rows.find((r) => r.metric === 'metrics.decodeTps')!;
    expect(decode.cells[0]!.comparison!.ratio!).toBeGreaterThan(1.8);
    expect(decode.cells[1]!.comparison!.ratio!).toBeGreaterThan(3.6);
    expect(decode.cells[1]!.comparison!.change).toBe('better');
    // Device differences are the point of the comparison: not noted.
    expect(comparison.notes).toEqual([]);
  });

  it('the same by grouping several single-device files', () => {
    const files = [loaded(run(devA, 100, 1), 'a.json'), loaded(run(devB, 200, 3), 'b.json')];
    expect(compareResults(files, { by: 'device' }).groups.map((g) => g.key)).toEqual(['dev-a-0123456789', 'dev-b-0123456789']);
  });

  it('one device is not a comparison', () => {
    expect(() => compareResults([loaded(run(devA, 100, 1), 'a.json')], { by: 'device' })).toThrow('compare --by device: the inputs hold 1 device; at least two are needed');
  });

  it('renders a Markdown table with a column per device', () => {
    const md = renderComparisonMarkdown(compareResults([loaded(merged, 'merged.json')], { by: 'device' }));
    const lines = md.split('\n');
    expect(lines[0]).toBe('## slmbench compare by device: reference AMD EPYC 7763 64-Core Processor · 4 logical cores · linux x64 [dev-a-]');
    expect(lines).toContain(
      '| entry | metric | AMD EPYC 7763 64-Core Processor · 4 logical cores · linux x64 [dev-a-] (reference) | Apple M2 · 8 logical cores · linux x64 [dev-b-] | Intel Xeon · 2 logical cores · linux x64 [dev-c-] |',
    );
    const decode = lines.find((l) => l.includes('| decode tok/s |'))!;
    expect(decode).toMatch(/\| x · llama-cpp threads=1 · pp64\+tg64 \| decode tok\/s \| \d+(\.\d+)? \| \d+(\.\d+)? \(×2\.\d+ \[\d\.\d+, \d\.\d+\]\) \*\*better\*\* \| \d+(\.\d+)? \(×0\.\d+ \[0\.\d+, 0\.\d+\]\) \*\*worse\*\* \|/);
    expect(lines.find((l) => l.includes('peak RSS MiB'))).toBe('| x · llama-cpp threads=1 · pp64+tg64 | peak RSS MiB | 100 | 100 (×1.00, no test) | 100 (×1.00, no test) |');
  });
});

describe('quality estimates', () => {
  it('are compared by a two-sided z-test on the difference', () => {
    const q = (value: number) => ({ arc_easy: { acc: { value, stderr: 0.01, n: 500, higherIsBetter: true } } });
    const a = loaded(result([entry({ samples: { decodeTps: [1, 2] }, quality: q(0.6) })]), 'a.json');
    const b = loaded(result([entry({ samples: { decodeTps: [1, 2] }, quality: q(0.65) })]), 'b.json');
    const comparison = compareResults([a, b], { metrics: ['acc'] });
    const cell = comparison.rows[0]!.cells[1]!.comparison!;
    expect(cell.method).toBe('z-test');
    expect(cell.difference).toBeCloseTo(0.05, 15);
    expect(cell.change).toBe('better');
    expect(renderComparisonMarkdown(comparison)).toMatch(/\| 0\.6 \| 0\.65 \(\+0\.05 \[\+0\.0223, \+0\.0777\], p = 0\.00041\) \*\*better\*\* \|/);
  });
});

describe('a setting change', () => {
  const threads = (n: number, mean: number, seed: number) =>
    loaded(result([entry({ options: { threads: n }, samples: { decodeTps: normalSamples(seed, 12, mean, 0.01) } })]), `threads-${n}.json`);

  it('entries that differ only in backend options do not match, and the note says how to compare them', () => {
    const comparison = compareResults([threads(1, 100, 1), threads(2, 50, 2)]);
    expect(comparison.rows.every((r) => r.cells[1] === null)).toBe(true);
    expect(comparison.notes).toEqual([
      'threads-2.json vs threads-1.json: 1 unmatched entry differs from the reference only in backend options: pass --match model,backend,workload to compare the settings',
    ]);
  });

  it('--match model,backend,workload pairs them; the cell says what differs, and worse only when the interval excludes no change', () => {
    const comparison = compareResults([threads(1, 100, 1), threads(2, 50, 2)], { match: ['model', 'backend', 'workload'], metrics: ['decodeTps'] });
    const cell = comparison.rows[0]!.cells[1]!;
    expect(cell.setting).toBe('threads 1 → 2');
    expect(cell.comparison!.interval!.high).toBeLessThan(1);
    expect(cell.comparison!.change).toBe('worse');
    expect(renderComparisonMarkdown(comparison)).toMatch(/\*\*worse\*\* — threads 1 → 2 \|$/m);
    // Within noise: no verdict word.
    const same = compareResults([threads(1, 100, 1), threads(2, 100, 2)], { match: ['model', 'backend', 'workload'], metrics: ['decodeTps'] });
    const c = same.rows[0]!.cells[1]!.comparison!;
    expect(c.interval!.low).toBeLessThan(1);
    expect(c.interval!.high).toBeGreaterThan(1);
    expect(c.change).toBeNull();
  });
});
