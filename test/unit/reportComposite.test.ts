/**
 * Composite strategies in the reports: cascades and ensembles beside single models on the Pareto charts
 * (their own point shapes, a tooltip with kind, stages, threshold and escalation rate), each cascade
 * threshold sweep as a line in threshold order, the cascade trade-off chart, the who-answered tables of
 * the HTML and Markdown reports, and the composite columns of the CSV and console tables.
 */
import { describe, expect, it } from 'vitest';
import type { EntryRecord } from '../../harness/result/EntryRecord.js';
import { buildReportModel, type ReportModel } from '../../reports/buildReportModel.js';
import { cascadeFamilies } from '../../reports/cascadeFamilies.js';
import { compositeFields } from '../../reports/compositeFields.js';
import { renderEntriesTable } from '../../reports/console/renderEntriesTable.js';
import { renderCsvReport } from '../../reports/csv/renderCsvReport.js';
import { flattenEntry } from '../../reports/flattenEntry.js';
import { buildCharts } from '../../reports/html/buildCharts.js';
import type { ChartDefinition } from '../../reports/html/ChartDefinition.js';
import { renderHtmlReport } from '../../reports/html/renderHtmlReport.js';
import { renderMarkdownReport } from '../../reports/markdown/renderMarkdownReport.js';
import { fixtureResultA, fixtureResultComposite, LEGACY_ZERO_GAPS, LONG_PROMPT, SHORT_PROMPT } from '../browser/reportFixture.js';
import { itlDistributionChart } from '../../reports/html/charts/itlDistributionChart.js';

/** Ids of the composite fixture's entries. */
const ID = {
  small: 'cccc00000001',
  big: 'cccc00000002',
  inf: 'cccc00000003',
  mid: 'cccc00000004',
  negInf: 'cccc00000005',
  ensemble: 'cccc00000006',
} as const;

const FAMILY_LABEL = 'stories260K → stories15M · meanLogprob over 16 tokens';

const compositeModel = (): ReportModel => buildReportModel([{ result: fixtureResultComposite(), source: 'c/result.json' }], { generatedAt: 'T' });

/** The fixture's entry by id. */
const entry = (id: string): EntryRecord => fixtureResultComposite().entries.find((e) => e.id === id)!;

/** A layer of a layered Vega-Lite spec by name. */
interface Layer {
  name: string;
  mark: { type: string } & Record<string, unknown>;
  data?: { values: Record<string, unknown>[] };
  encoding: Record<string, { field?: string; scale?: Record<string, unknown>; title?: string; condition?: unknown; value?: unknown }> & { tooltip?: { field: string; title: string }[] };
  params?: { name: string; select: Record<string, unknown> }[];
}
const layers = (chart: ChartDefinition) => (chart.spec as unknown as { layer: Layer[] }).layer;
const layer = (chart: ChartDefinition, name: string) => layers(chart).find((l) => l.name === name);
const points = (chart: ChartDefinition) => (chart.spec as unknown as { data: { values: Record<string, unknown>[] } }).data.values;

describe('compositeFields and cascadeFamilies', () => {
  it('reads kind, stages, threshold, signal, escalation rate and local share; null for a single model', () => {
    expect(compositeFields(entry(ID.small))).toBeNull();
    expect(compositeFields(entry(ID.mid))).toEqual({
      kind: 'cascade',
      stages: ['stories260K', 'stories15M'],
      stagesText: 'stories260K → stories15M',
      threshold: '-1.5',
      thresholdValue: -1.5,
      signal: 'meanLogprob',
      signalTokens: 16,
      combine: null,
      weights: null,
      escalationRate: 0.4,
      // Stage 1 is served: the 40% of requests it answers leave the device. They are the first 800 of 2,000
      // questions, whose prompts are 60 tokens against the rest's 20: 800·60 of 1,000·60 + 1,000·20 tokens leave.
      localShare: { requests: 0.6, promptTokens: 1 - (800 * LONG_PROMPT) / (1000 * LONG_PROMPT + 1000 * SHORT_PROMPT) },
    });
    expect(compositeFields(entry(ID.mid))!.localShare!.promptTokens).toBeCloseTo(0.4, 12);
    expect(compositeFields(entry(ID.negInf))).toMatchObject({ threshold: '-inf', thresholdValue: -Infinity, escalationRate: 0, localShare: { requests: 1, promptTokens: 1 } });
    expect(compositeFields(entry(ID.inf))).toMatchObject({ threshold: 'inf', thresholdValue: Infinity, escalationRate: 1, localShare: { requests: 0, promptTokens: 0 } });
    expect(compositeFields(entry(ID.ensemble))).toMatchObject({ kind: 'ensemble', stagesText: 'stories260K + stories15M', threshold: null, signal: null, combine: 'mean', weights: [1, 1], escalationRate: null, localShare: { requests: 1, promptTokens: 1 } });
    // An entry that failed before measuring has no composite section: kind and stages come from its options.
    const failed = { ...entry(ID.mid), status: 'errored', composite: undefined, metrics: undefined, model: { spec: 'cascade:x', path: 'cascade:x', name: 'x' } } as EntryRecord;
    expect(compositeFields(failed)).toMatchObject({ kind: 'cascade', stages: ['stories260K', 'stories15M'], threshold: '-1.5', escalationRate: null, localShare: null });
  });

  it('groups the cascade thresholds into one family ordered -inf, -1.5, inf (the fixture lists them inf, -1.5, -inf)', () => {
    const model = compositeModel();
    const families = cascadeFamilies(model.entries);
    expect(families.map((f) => [f.id, f.label, f.signal, f.signalTokens, f.workload])).toEqual([['cascade-1', FAMILY_LABEL, 'meanLogprob', 16, 'pp32+tg16']]);
    expect(families[0]!.members.map((m) => [m.entry.key, m.fields.threshold])).toEqual([
      [ID.negInf, '-inf'],
      [ID.mid, '-1.5'],
      [ID.inf, 'inf'],
    ]);
  });

  it('splits families by device, signal and stages; a lone threshold is no family', () => {
    const result = fixtureResultComposite();
    const cascades = result.entries.filter((e) => e.backend.id === 'cascade');
    const other = (e: EntryRecord, id: string, options: Record<string, unknown>): EntryRecord => ({ ...e, id, backend: { ...e.backend, options: { ...e.backend.options, ...options } } });
    // The same thresholds with another signal; and one threshold with other signal tokens.
    result.entries = [
      ...result.entries,
      ...cascades.map((e, i) => other(e, `dddd0000000${i}`, { signal: 'entropy' })),
      other(cascades[0]!, 'eeee00000001', { signalTokens: 4 }),
    ];
    const onB = fixtureResultComposite();
    onB.device = { ...onB.device, id: 'devicedddd000004', cpu: { brand: 'Test CPU D', logicalCores: 8 } };
    const model = buildReportModel([
      { result, source: 'c' },
      { result: onB, source: 'd' },
    ]);
    expect(cascadeFamilies(model.entries).map((f) => [f.label, f.members.map((m) => m.fields.threshold).join(' ')])).toEqual([
      ['stories260K → stories15M · meanLogprob over 16 tokens · Test CPU C', '-inf -1.5 inf'],
      ['stories260K → stories15M · entropy over 16 tokens · Test CPU C', '-inf -1.5 inf'],
      ['stories260K → stories15M · meanLogprob over 16 tokens · Test CPU D', '-inf -1.5 inf'],
    ]);
  });

  it('labels composite entries by their model name and threshold, never their stages', () => {
    const result = fixtureResultComposite();
    const mid = result.entries.find((e) => e.id === ID.mid)!;
    const stages = [...(mid.backend.options.stages as unknown[])].reverse();
    result.entries.push({ ...mid, id: 'ffff00000001', model: { ...mid.model, name: 'stories15M → stories260K' }, backend: { ...mid.backend, options: { ...mid.backend.options, stages } } } as EntryRecord);
    const model = buildReportModel([{ result, source: 'c' }]);
    expect(model.entries.map((e) => e.label)).toEqual([
      'stories260K · llama-cpp',
      'stories15M · llama-cpp',
      'stories260K → stories15M · cascade threshold=inf',
      'stories260K → stories15M · cascade threshold=-1.5',
      'stories260K → stories15M · cascade threshold=-inf',
      'stories260K + stories15M · ensemble',
      'stories15M → stories260K · cascade threshold=-1.5',
    ]);
    expect(model.entries.map((e) => e.row.options)).toEqual(['', '', 'threshold=inf', 'threshold=-1.5', 'threshold=-inf', '', 'threshold=-1.5']);
  });
});

describe('Pareto charts with composites', () => {
  const charts = buildCharts(compositeModel());
  const pareto = charts.filter((c) => c.section === 'pareto');

  it('draws a chart per objective pair, composites among the points', () => {
    expect(pareto.map((c) => c.title)).toEqual([
      'arc_easy acc against decode tok/s',
      'arc_easy acc against TTFT ms',
      'arc_easy acc against end-to-end ms',
      'arc_easy acc against peak RSS MiB',
      'arc_easy acc against energy J/output token',
    ]);
    for (const chart of pareto) {
      expect(points(chart).map((d) => [d.key, d.kind])).toEqual([
        [ID.small, 'single model'],
        [ID.big, 'single model'],
        [ID.inf, 'composite: cascade'],
        [ID.mid, 'composite: cascade'],
        [ID.negInf, 'composite: cascade'],
        [ID.ensemble, 'composite: ensemble'],
      ]);
      expect(chart.expectedMarks).toBe(6);
    }
  });

  it('gives composites their own shape, with a single-or-composite legend', () => {
    const shape = layer(pareto[0]!, 'points')!.encoding.shape!;
    expect(shape).toEqual({
      field: 'kind',
      type: 'nominal',
      title: 'single or composite',
      scale: { domain: ['single model', 'composite: cascade', 'composite: ensemble'], range: ['circle', 'diamond', 'square'] },
    });
  });

  it('lists kind, stages, threshold, signal and escalation rate in the tooltip', () => {
    const tooltip = layer(pareto[0]!, 'points')!.encoding.tooltip!;
    expect(tooltip.slice(0, 6)).toEqual([
      { field: 'label', title: 'entry' },
      { field: 'kind', title: 'kind' },
      { field: 'stages', title: 'stages' },
      { field: 'threshold', title: 'threshold' },
      { field: 'signal', title: 'signal' },
      { field: 'escalation', title: 'escalation rate' },
    ]);
    const byKey = new Map(points(pareto[0]!).map((d) => [d.key, d]));
    const pick = (key: string) => {
      const d = byKey.get(key)!;
      return [d.kind, d.stages, d.threshold, d.signal, d.escalation, d.escalationRate];
    };
    expect(pick(ID.small)).toEqual(['single model', '—', '—', '—', '—', null]);
    expect(pick(ID.mid)).toEqual(['composite: cascade', 'stories260K → stories15M', '-1.5', 'meanLogprob over 16 tokens', '40%', 0.4]);
    expect(pick(ID.ensemble)).toEqual(['composite: ensemble', 'stories260K + stories15M', '—', '—', 'n/a (ensemble)', null]);
  });

  it('draws the cascade sweep as a line through its points in threshold order, with the exact values', () => {
    const ordered = [ID.negInf, ID.mid, ID.inf].map(entry);
    const thresholds = ['-inf', '-1.5', 'inf'];
    const expected: Record<string, [string, (e: EntryRecord) => number]> = {
      'arc_easy acc against decode tok/s': ['m_decodeTps', (e) => e.metrics!.decodeTps!.median],
      'arc_easy acc against TTFT ms': ['m_ttftMs', (e) => e.metrics!.ttftMs.median],
      // Composites in the run: end-to-end time is an objective (COMPOSITE_E2E_OBJECTIVE).
      'arc_easy acc against end-to-end ms': ['m_e2eMs', (e) => e.metrics!.e2eMs.median],
      'arc_easy acc against peak RSS MiB': ['m_peakRssBytes', (e) => e.metrics!.peakRssBytes / (1024 * 1024)],
      'arc_easy acc against energy J/output token': ['m_energy_joulesPerOutputToken', (e) => e.metrics!.energy!.joulesPerOutputToken!],
    };
    for (const chart of pareto) {
      const sweep = layer(chart, 'cascade_sweep')!;
      expect(sweep.mark).toMatchObject({ type: 'line' });
      expect(sweep.encoding.order).toEqual({ field: 'order', type: 'quantitative' });
      expect(sweep.encoding.detail).toEqual({ field: 'family', type: 'nominal' });
      const [field, value] = expected[chart.title]!;
      expect(sweep.data!.values).toEqual(
        ordered.map((e, order) => ({
          family: 'cascade-1',
          familyLabel: FAMILY_LABEL,
          order,
          threshold: thresholds[order],
          thresholdLabel: `threshold ${thresholds[order]}`,
          thresholds: '-inf, -1.5, inf',
          [field]: value(e),
          m_quality_arc_easy_acc: [0.25, 0.31, 0.33][order],
        })),
      );
      // The line lies under the points; the threshold labels over them.
      const names = layers(chart).map((l) => l.name);
      expect(names.indexOf('cascade_sweep')).toBeLessThan(names.indexOf('points'));
      expect(names.indexOf('cascade_thresholds')).toBeGreaterThan(names.indexOf('points'));
      expect(chart.otherMarks).toEqual([
        { markName: 'cascade_sweep_marks', expected: 1 },
        { markName: 'cascade_thresholds_marks', expected: 3 },
      ]);
    }
  });

  it('shows the thresholds of the hovered sweep only', () => {
    const chart = pareto[0]!;
    expect(layer(chart, 'points')!.params).toEqual([{ name: 'sweep_hover', select: { type: 'point', fields: ['family'], on: 'mouseover', clear: 'mouseout' } }]);
    const labels = layer(chart, 'cascade_thresholds')!;
    expect(labels.mark).toMatchObject({ type: 'text' });
    expect(labels.encoding.text).toEqual({ field: 'thresholdLabel', type: 'nominal' });
    expect(labels.encoding.opacity).toEqual({ condition: { param: 'sweep_hover', empty: false, value: 1 }, value: 0 });
    expect(labels.data!.values.map((d) => d.thresholdLabel)).toEqual(['threshold -inf', 'threshold -1.5', 'threshold inf']);
  });

  it('draws no sweep and keeps the model shapes without composites', () => {
    const plain = buildCharts(buildReportModel([{ result: fixtureResultA(), source: 'a' }])).filter((c) => c.section === 'pareto');
    expect(plain.length).toBeGreaterThan(0);
    for (const chart of plain) {
      expect(layers(chart).map((l) => l.name)).toEqual(['frontier', 'points', 'labels_left_halo', 'labels_left_text', 'labels_right_halo', 'labels_right_text']);
      expect(layer(chart, 'points')!.encoding.shape!.field).toBe('model');
      expect(layer(chart, 'points')!.params).toBeUndefined();
      expect(chart.otherMarks).toBeUndefined();
    }
    expect(buildCharts(buildReportModel([{ result: fixtureResultA(), source: 'a' }])).some((c) => c.section === 'composites')).toBe(false);
  });

  it('draws no line for a cascade with one threshold', () => {
    const result = fixtureResultComposite();
    result.entries = result.entries.filter((e) => e.id !== ID.inf && e.id !== ID.negInf);
    const chart = buildCharts(buildReportModel([{ result, source: 'c' }])).find((c) => c.section === 'pareto')!;
    expect(layer(chart, 'cascade_sweep')).toBeUndefined();
    expect(layer(chart, 'points')!.encoding.shape!.field).toBe('kind');
    expect(points(chart).find((d) => d.key === ID.mid)!.family).toBeNull();
  });
});

describe('charts on a log axis with zero values', () => {
  it('the ITL chart leaves 0 ms gaps off (a legacy batched hand-over), says how many, and still draws every entry', () => {
    const model = compositeModel();
    const chart = buildCharts(model).find((c) => c.id === 'chart-itl')!;
    const boxes = points(chart) as { label: string; min: number; n: number }[];
    expect(boxes).toHaveLength(6);
    expect(chart.expectedMarks).toBe(6);
    expect(boxes.every((b) => b.min > 0)).toBe(true);
    const legacy = boxes.find((b) => b.label.endsWith('threshold=-inf'))!;
    const reps = entry(ID.negInf).samples!.itlMs.length;
    expect(legacy.n).toBe(reps * (15 - LEGACY_ZERO_GAPS));
    expect(chart.description).toMatch(new RegExp(`${reps * LEGACY_ZERO_GAPS} gaps of 0 ms \\(or not a number\\) left off the log axis\\.$`));
  });

  it('an entry with only 0 ms gaps is named, not drawn as NaN', () => {
    const model = compositeModel();
    const only = model.entries.map((e) => (e.entry.id === ID.mid && e.entry.status === 'ok' ? { ...e, entry: { ...e.entry, samples: { ...e.entry.samples!, itlMs: [[0, 0]] } } } : e));
    const chart = itlDistributionChart('chart-itl', only)!;
    expect(points(chart)).toHaveLength(5);
    expect(chart.description).toContain('no gap left to draw for stories260K → stories15M · cascade threshold=-1.5.');
  });
});

describe('cascade trade-off chart', () => {
  const chart = buildCharts(compositeModel()).find((c) => c.id === 'chart-cascade-1')!;

  it('plots escalation rate against the quality objective and the median end-to-end latency, in threshold order', () => {
    expect(chart.section).toBe('composites');
    expect(chart.title).toBe(`Cascade trade-off: ${FAMILY_LABEL}`);
    const values = points(chart);
    expect(values.map((d) => [d.threshold, d.order, d.escalationRate, d.quality, d.e2e])).toEqual(
      [ID.negInf, ID.mid, ID.inf].map((id, i) => [['-inf', '-1.5', 'inf'][i], i, [0, 0.4, 1][i], [0.25, 0.31, 0.33][i], entry(id).metrics!.e2eMs.median]),
    );
    // 95% intervals: the accuracy's (value ± 1.96·stderr) and the median's bootstrap interval.
    const mid = values[1]!;
    expect(mid.qualityLo).toBeCloseTo(0.31 - 1.959963984540054 * 0.0103, 12);
    expect([mid.e2eLo, mid.e2eHi]).toEqual(entry(ID.mid).metrics!.e2eMs.medianCi95);
    const spec = chart.spec as unknown as { concat: { layer: Layer[]; encoding: { x: { field: string; scale: unknown } } }[] };
    expect(spec.concat.map((p) => p.layer.map((l) => l.name))).toEqual([
      ['oracle_bound', 'oracle_point', 'quality_whiskers', 'quality_line', 'quality_points', 'quality_thresholds'],
      ['latency_whiskers', 'latency_line', 'latency_points', 'latency_thresholds'],
      ['local_line', 'local_points', 'local_tokens_line'],
    ]);
    expect(spec.concat[0]!.encoding.x.field).toBe('escalationRate');
    expect(spec.concat[0]!.layer[3]!.encoding.y!.field).toBe('quality');
    expect(spec.concat[1]!.layer[1]!.encoding.y!.field).toBe('e2e');
    expect([chart.markName, chart.expectedMarks, chart.otherMarks]).toEqual([
      'quality_points_marks',
      3,
      [
        { markName: 'quality_line_marks', expected: 1 },
        { markName: 'latency_points_marks', expected: 3 },
        { markName: 'latency_line_marks', expected: 1 },
        { markName: 'oracle_bound_marks', expected: 1 },
        { markName: 'oracle_point_marks', expected: 1 },
        { markName: 'local_points_marks', expected: 3 },
        { markName: 'local_line_marks', expected: 1 },
        { markName: 'local_tokens_line_marks', expected: 1 },
      ],
    ]);
  });

  it('draws the share answered on the device per threshold: requests and prompt tokens, 100% to 0% as the served stage takes over', () => {
    const values = points(chart);
    expect(values.map((d) => [d.threshold, d.localRequests])).toEqual([['-inf', 1], ['-1.5', 0.6], ['inf', 0]]);
    expect(values.map((d) => d.localTokens)).toEqual([1, compositeFields(entry(ID.mid))!.localShare!.promptTokens, 0]);
    const spec = chart.spec as unknown as { concat: { layer: Layer[] }[] };
    expect(spec.concat[2]!.layer.map((l) => l.encoding.y!.field)).toEqual(['localRequests', 'localRequests', 'localTokens']);
    expect(chart.description).toContain('the share of those requests a stage on the device answered (squares) and of their prompt tokens (dashed)');
  });

  it('says every request stayed on the device when no stage is served', () => {
    const result = fixtureResultComposite();
    result.entries = result.entries.map((e) =>
      e.composite ? ({ ...e, composite: { ...e.composite, tasks: e.composite.tasks && { ...e.composite.tasks, local: { requests: 1, promptTokens: 1 } } } } as EntryRecord) : e,
    );
    const local = buildCharts(buildReportModel([{ result, source: 'c' }])).find((c) => c.id === 'chart-cascade-1')!;
    expect(points(local).map((d) => d.localRequests)).toEqual([1, 1, 1]);
    expect(local.description).toContain('every stage runs on the device, so every request and prompt token stayed on it');
  });

  it('draws the oracle bound and the per-row best from the entries\' oracle of the plotted task', () => {
    const oracle = (entry(ID.mid) as { oracle?: { bound: { escalationRate: number; score: number }[]; oracle: { score: number; escalationRate: number }; rows: number }[] }).oracle![0]!;
    const spec = chart.spec as unknown as { concat: { layer: (Layer & { data?: { values: Record<string, number>[] } })[] }[] };
    const [bound, best] = spec.concat[0]!.layer;
    expect(bound!.data!.values).toEqual(oracle.bound.map((p) => ({ escalationRate: p.escalationRate, quality: p.score })));
    expect(bound!.data!.values).toHaveLength(101);
    // Stage 0 right on every 4th of 2,000 rows, stage 1 on every 3rd: the best of both is right on half.
    expect(best!.data!.values).toEqual([{ escalationRate: oracle.oracle.escalationRate, quality: 0.5, rows: 2000 }]);
    expect(chart.description).toContain('Dashed green: the oracle bound over 2000 rows of arc_easy');
  });

  it('is left out without quality metrics', () => {
    const result = fixtureResultComposite();
    result.entries = result.entries.map((e) => ({ ...e, metrics: { ...e.metrics!, quality: undefined } }) as EntryRecord);
    const charts = buildCharts(buildReportModel([{ result, source: 'c' }]));
    expect(charts.some((c) => c.section === 'composites')).toBe(false);
    // The sweep is still drawn on the Pareto charts.
    expect(layer(charts.find((c) => c.section === 'pareto')!, 'cascade_sweep')).toBeDefined();
  });
});

describe('CSV and flat rows with composites', () => {
  it('adds composite, threshold and escalationRate columns after tokenHandover', () => {
    const csv = renderCsvReport(compositeModel());
    const [header, ...rows] = csv.split('\r\n').filter(Boolean).map((l) => l.split(','));
    const at = (name: string) => header!.indexOf(name);
    expect(header!.slice(at('tokenHandover'), at('tokenHandover') + 5)).toEqual(['tokenHandover', 'firstHandoverTokens', 'composite', 'threshold', 'escalationRate']);
    expect(rows.map((r) => [r[0], r[at('composite')], r[at('threshold')], r[at('escalationRate')]])).toEqual([
      [ID.small, '', '', ''],
      [ID.big, '', '', ''],
      [ID.inf, 'cascade', 'inf', '1'],
      [ID.mid, 'cascade', '-1.5', '0.4'],
      [ID.negInf, 'cascade', '-inf', '0'],
      [ID.ensemble, 'ensemble', '', ''],
    ]);
    expect(header!.filter((c) => c === 'escalationRate')).toHaveLength(1);
  });

  it('keeps a finite threshold a number and writes -inf/inf as text that no formula guard touches', () => {
    expect([ID.negInf, ID.mid, ID.inf, ID.ensemble, ID.small].map((id) => {
      const row = flattenEntry(entry(id));
      return [row.composite, row.threshold, row.escalationRate];
    })).toEqual([
      ['cascade', '-inf', 0],
      ['cascade', -1.5, 0.4],
      ['cascade', 'inf', 1],
      ['ensemble', null, null],
      [null, null, null],
    ]);
    // A text cell that merely starts like a number is still defused.
    const result = fixtureResultComposite();
    result.entries = [{ ...result.entries[0]!, model: { ...result.entries[0]!.model, name: '-2+cmd|x' } } as EntryRecord];
    expect(renderCsvReport(buildReportModel([{ result, source: 'c' }]))).toContain(`,'-2+cmd|x,`);
  });
});

describe('Markdown report with composites', () => {
  it('adds a composite section: the cascade sweep table and who answered', async () => {
    const { markdown } = await renderMarkdownReport(compositeModel());
    const section = markdown.slice(markdown.indexOf('## Composite strategies'), markdown.indexOf('## All entries'));
    const lines = section.split('\n');
    expect(lines).toContain(`**Cascade sweep: ${FAMILY_LABEL}.**`);
    // Stage 0 right on every 4th row, stage 1 on every 3rd: the best of both on half, 500 of 2,000 rows
    // needing stage 1; the bound at 40% escalated is 0.5, at 0% stage 0's 0.25.
    expect(lines).toContain(
      "Oracle bound, arc\\_easy acc over 2000 rows: per-row best 0.5 at 25% escalated; alone: stories260K 0.25, stories15M 0.3335; headroom to the bound at each threshold's escalation rate: -inf +0, -1.5 +0.2165, inf +0.1665.",
    );
    const sweep = lines.slice(lines.indexOf(`**Cascade sweep: ${FAMILY_LABEL}.**`) + 2, lines.indexOf(`**Cascade sweep: ${FAMILY_LABEL}.**`) + 7);
    expect(sweep).toEqual([
      '| threshold | escalation rate | answered on the device | arc\\_easy acc ↑ | decode tok/s ↑ | TTFT ms ↓ | end-to-end ms ↓ | peak RSS MiB ↓ | energy J/output token ↓ | front |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      '| -inf | 0% | 100% | 0.25 [0.231, 0.269] | 2,056 [1,998, 2,091] | 8.468 [8.181, 8.855] | 15.78 [15.48, 16.19] | 248 | 0.0105 | 1 |',
      '| -1.5 | 40% | 60% · 40% of prompt tokens | 0.31 [0.2898, 0.3302] | 1,983 [1,951, 1,997] | 8.744 [8.331, 8.988] | 16.31 [15.87, 16.54] | 250 | 0.011 | **0** ★ |',
      '| inf | 100% | 0% | 0.33 [0.3094, 0.3506] | 255.6 [248.6, 260] | 79.5 [77.36, 80.48] | 138 [136.2, 139.5] | 250 | 0.0185 | 1 |',
    ]);
    expect(lines).toContain('### Who answered');
    expect(lines).toContain('| entry | phase | answered by | requests | share | median ms | median CPU ms | J/request (apportioned, estimated) |');
    // The -1.5 threshold: its one measured prompt stays with stage 0; the tasks escalate 40%.
    const mid = lines.findIndex((l) => l.startsWith('| stories260K → stories15M · cascade threshold=-1.5 |'));
    expect(lines.slice(mid, mid + 3)).toEqual([
      '| stories260K → stories15M · cascade threshold=-1.5 | measured loop: 5 requests, 0 escalated (0%) | stage 0: stories260K | 5 | 100% | 16.31 | 15.65 | 0.25 |',
      '|  | accuracy tasks: 8000 requests, 3200 escalated (40%), 6000 cached decisions | stage 0: stories260K | 4800 | 60% | 0.9225 | 0.8764 | 0.02173 |',
      '|  |  | stage 1: stories15M | 3200 | 40% | 5.228 | 4.967 | 0.1231 |',
    ]);
    const ensemble = lines.findIndex((l) => l.startsWith('| stories260K + stories15M · ensemble |'));
    expect(lines[ensemble]).toBe('| stories260K + stories15M · ensemble | measured loop: 5 requests | all stages: stories260K + stories15M | 5 | 100% | 77.14 | 74.05 | 0.255 |');
    expect(section).toContain('Energy apportioned from: stories260K → stories15M · cascade threshold=inf: apportioned by CPU time from rapl;');
  });

  it('marks composite rows by kind and shows the escalation rate in the entries table', async () => {
    const { markdown } = await renderMarkdownReport(compositeModel());
    const lines = markdown.slice(markdown.indexOf('## All entries')).split('\n');
    const head = lines.find((l) => l.startsWith('| entry |'))!;
    expect(head.startsWith('| entry | model | kind | quant | backend | options | status | front | escalation rate |')).toBe(true);
    const cells = (label: string) => lines.find((l) => l.startsWith(`| ${label} |`))!.split(' | ').slice(1, 9);
    expect(cells('stories260K · llama-cpp')).toEqual(['stories260K', 'single', 'F32', 'llama-cpp', '—', 'ok', '**0** ★', '—']);
    expect(cells('stories260K → stories15M · cascade threshold=-1.5')).toEqual(['stories260K → stories15M', 'cascade', '—', 'cascade', 'threshold=-1.5', 'ok', '**0** ★', '40%']);
    expect(cells('stories260K + stories15M · ensemble')).toEqual(['stories260K + stories15M', 'ensemble', '—', 'ensemble', '—', 'ok', '1', '—']);
  });

  it('links the trade-off chart image in the composite section', async () => {
    const { markdown, images } = await renderMarkdownReport(compositeModel(), { images: { base: 'charts' } });
    expect(images.map((i) => i.file)).toEqual(['pareto-1.svg', 'pareto-2.svg', 'pareto-3.svg', 'pareto-4.svg', 'pareto-5.svg', 'cascade-1.svg', 'metric-1.svg', 'metric-2.svg', 'metric-5.svg', 'metric-7.svg', 'metric-8.svg', 'metric-10.svg']);
    const section = markdown.slice(markdown.indexOf('## Composite strategies'), markdown.indexOf('## All entries'));
    expect(section).toContain(`![Cascade trade-off: ${FAMILY_LABEL}](charts/cascade-1.svg)`);
    // The static SVG of a Pareto chart draws the sweep line.
    expect(images.find((i) => i.file === 'pareto-1.svg')!.svg).toContain('cascade_sweep_marks');
  });

  it('has no composite section or kind column without composites', async () => {
    const { markdown } = await renderMarkdownReport(buildReportModel([{ result: fixtureResultA(), source: 'a' }]));
    expect(markdown).not.toContain('## Composite strategies');
    expect(markdown).not.toContain('| kind |');
    expect(markdown).not.toContain('escalation rate');
  });
});

describe('HTML report with composites', () => {
  const html = renderHtmlReport(compositeModel());

  it('adds the composite section with the sweep table and who answered', () => {
    expect(html).toContain('<a href="#composites">Composite strategies</a>');
    expect(html).toContain('<section id="composites">');
    expect(html).toContain('id="chart-cascade-1"');
    const sweep = /<table class="cascade-sweep" data-family="cascade-1">[\s\S]*?<\/table>/.exec(html)![0];
    expect(sweep).toContain('<th>escalation rate</th><th>answered on the device</th>');
    const cell = '\\s*<td class="num" data-sort="([^"]*)">([^<]+)<\\/td>';
    expect([...sweep.matchAll(new RegExp(`<tr data-key="([^"]+)">\\s*<td class="num">([^<]+)<\\/td>${cell}${cell}`, 'g'))].map((m) => m.slice(1))).toEqual([
      [ID.negInf, '-inf', '0', '0%', '1', '100%'],
      [ID.mid, '-1.5', '0.4', '40%', '0.6', '60% · 40% of prompt tokens'],
      [ID.inf, 'inf', '1', '100%', '0', '0%'],
    ]);
    const table = /<table id="composite-table">[\s\S]*?<\/table>/.exec(html)![0];
    expect(table).toContain('<th>J/request (apportioned, estimated)</th>');
    // A row per branch and phase: -1.5 answers the measured loop with stage 0 and the tasks with both stages.
    const rows = (key: string) => [...table.matchAll(new RegExp(`<tr data-key="${key}"[^>]*data-phase="([^"]+)">([\\s\\S]*?)</tr>`, 'g'))];
    expect(rows(ID.mid).map((m) => m[1])).toEqual(['measured loop', 'accuracy tasks', 'accuracy tasks']);
    const cells = (row: string) => [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]).slice(-6);
    expect(rows(ID.mid).map((m) => cells(m[2]!))).toEqual([
      ['stage 0: stories260K', '5', '100%', '16.31', '15.65', '0.25'],
      ['stage 0: stories260K', '4800', '60%', '0.9225', '0.8764', '0.02173'],
      ['stage 1: stories15M', '3200', '40%', '5.228', '4.967', '0.1231'],
    ]);
    expect(rows(ID.mid)[1]![2]).toContain('<td class="num" rowspan="2">3200 (40%)</td>');
    expect(rows(ID.ensemble).map((m) => cells(m[2]!)[0])).toEqual(['all stages: stories260K + stories15M', 'all stages: stories260K + stories15M']);
    expect(table).toContain('title="apportioned by CPU time from rapl"');
  });

  it('marks composite rows in the entries table, with the escalation rate', () => {
    const table = /<table class="sortable" id="entries-table">[\s\S]*?<\/table>/.exec(html)![0];
    expect(table).toContain('<th>kind</th>');
    expect(table).toContain('<th>escalation rate</th>');
    expect([...table.matchAll(/<tr data-key="([^"]+)"(?: class="composite-row" data-composite="([^"]+)")?>/g)].map((m) => [m[1], m[2] ?? null])).toEqual([
      [ID.small, null],
      [ID.big, null],
      [ID.inf, 'cascade'],
      [ID.mid, 'cascade'],
      [ID.negInf, 'cascade'],
      [ID.ensemble, 'ensemble'],
    ]);
  });

  it('has no composite section without composites', () => {
    const plain = renderHtmlReport(buildReportModel([{ result: fixtureResultA(), source: 'a' }]));
    expect(plain).not.toContain('id="composites"');
    expect(plain).not.toContain('<th>kind</th>');
    expect(plain).not.toContain('data-other-marks');
  });
});

describe('console table with composites', () => {
  it('tags composite models with their kind and shows the escalation rate of cascades', () => {
    const text = renderEntriesTable(fixtureResultComposite().entries);
    const rows = text.split('\n').filter((l) => l.startsWith('│'));
    const cells = rows.map((r) => r.split('│').slice(1, -1).map((c) => c.trim()));
    const head = cells[0]!;
    const col = (name: string) => head.indexOf(name);
    expect(head.slice(0, 5)).toEqual(['model', 'backend', 'options', 'status', 'escalated']);
    expect(cells.slice(1, 7).map((c) => [c[col('model')], c[col('options')], c[col('escalated')]])).toEqual([
      ['stories260K', '', '—'],
      ['stories15M', '', '—'],
      ['stories260K → stories15M [cascade]', 'threshold=inf', '100%'],
      ['stories260K → stories15M [cascade]', 'threshold=-1.5', '40%'],
      ['stories260K → stories15M [cascade]', 'threshold=-inf', '0%'],
      ['stories260K + stories15M [ensemble]', '', '—'],
    ]);
    expect(renderEntriesTable(fixtureResultA().entries)).not.toContain('escalated');
  });
});
