/**
 * Inter-token latency over every gap of every repetition, as a box per entry: whisker min–max, box
 * p25–p75, white tick at the median, dot at p99. The axis is logarithmic: gaps of 0 ms (tokens handed over
 * together, as results written before a hand-over counted as one gap hold them) have no place on it and
 * are left off, counted in the description; an entry with no gap above 0 ms is named there.
 */
import type { TopLevelSpec } from 'vega-lite';
import { percentileSorted } from '../../../harness/stats/summarize.js';
import type { ReportEntry } from '../../buildReportModel.js';
import type { ChartDefinition } from '../ChartDefinition.js';
import { CHART_CONFIG, ENTRY_AXIS, NUMBER_FORMAT, TOOLTIP_FORMAT } from './chartConfig.js';

export function itlDistributionChart(id: string, entries: readonly ReportEntry[]): ChartDefinition | null {
  const boxes = [];
  let dropped = 0;
  const empty: string[] = [];
  for (const e of entries) {
    const all = e.entry.status === 'ok' ? (e.entry.samples?.itlMs ?? []).flat() : [];
    const gaps = all.filter((g) => Number.isFinite(g) && g > 0);
    dropped += all.length - gaps.length;
    if (gaps.length === 0) {
      if (all.length > 0) empty.push(e.label);
      continue;
    }
    const sorted = [...gaps].sort((a, b) => a - b);
    const p = (q: number) => percentileSorted(sorted, q);
    boxes.push({
      label: e.label,
      backend: e.entry.backend.id,
      n: sorted.length,
      min: sorted[0]!,
      p25: p(0.25),
      median: p(0.5),
      p75: p(0.75),
      p90: p(0.9),
      p99: p(0.99),
      max: sorted[sorted.length - 1]!,
    });
  }
  if (boxes.length === 0) return null;
  const y = { field: 'label', type: 'nominal', axis: ENTRY_AXIS };
  const tooltip = [
    { field: 'label', title: 'entry' },
    { field: 'n', title: 'gaps' },
    ...['min', 'p25', 'median', 'p75', 'p90', 'p99', 'max'].map((field) => ({ field, title: `${field} ms`, type: 'quantitative', format: TOOLTIP_FORMAT })),
  ];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    width: 340,
    height: { step: 30 },
    data: { values: boxes },
    encoding: { y },
    layer: [
      {
        name: 'whiskers',
        mark: { type: 'rule', color: '#8c959f' },
        encoding: { x: { field: 'min', type: 'quantitative', title: 'inter-token latency ms (log scale)', scale: { type: 'log', nice: false }, axis: { format: NUMBER_FORMAT } }, x2: { field: 'max' } },
      },
      {
        name: 'boxes',
        mark: { type: 'bar', height: 16, cornerRadius: 2 },
        encoding: {
          x: { field: 'p25', type: 'quantitative' },
          x2: { field: 'p75' },
          color: { field: 'backend', type: 'nominal', title: 'backend', legend: null },
          tooltip,
        },
      },
      { name: 'medians', mark: { type: 'tick', color: '#ffffff', thickness: 2, bandSize: 16 }, encoding: { x: { field: 'median', type: 'quantitative' }, tooltip } },
      { name: 'p99', mark: { type: 'point', shape: 'diamond', filled: true, color: '#1f2328', size: 36 }, encoding: { x: { field: 'p99', type: 'quantitative' }, tooltip } },
    ],
  } as unknown as TopLevelSpec;
  return {
    id,
    section: 'distributions',
    title: 'Inter-token latency',
    description: `Every gap of every repetition: whisker min to max, box p25 to p75, white tick median, diamond p99.${leftOff(dropped, empty)}`,
    spec,
    markName: 'boxes_marks',
    expectedMarks: boxes.length,
  };
}

/** What the log axis could not show, in words (empty when it showed everything). */
function leftOff(dropped: number, empty: readonly string[]): string {
  if (dropped === 0) return '';
  const gaps = `${dropped} ${dropped === 1 ? 'gap' : 'gaps'} of 0 ms (or not a number) left off the log axis`;
  return ` ${gaps}${empty.length ? `; no gap left to draw for ${empty.join(', ')}` : ''}.`;
}
