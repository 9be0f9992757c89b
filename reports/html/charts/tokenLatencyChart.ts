/**
 * Latency of each generated token over the sequence: at every position, the median over repetitions of the
 * gap to the previous token, one line per entry. Shows warm-up, KV-cache growth and periodic stalls.
 */
import type { TopLevelSpec } from 'vega-lite';
import { percentileSorted } from '../../../harness/stats/summarize.js';
import type { ReportEntry } from '../../buildReportModel.js';
import type { ChartDefinition } from '../ChartDefinition.js';
import { CHART_CONFIG, ENTRY_LABEL_EXPR, NUMBER_FORMAT, TOOLTIP_FORMAT } from './chartConfig.js';

export function tokenLatencyChart(id: string, entries: readonly ReportEntry[]): ChartDefinition | null {
  const rows: { label: string; token: number; itlMs: number; repetitions: number }[] = [];
  let series = 0;
  for (const e of entries) {
    const reps = e.entry.status === 'ok' ? (e.entry.samples?.itlMs ?? []).filter((r) => r.length > 0) : [];
    if (reps.length === 0) continue;
    series++;
    const length = Math.max(...reps.map((r) => r.length));
    for (let i = 0; i < length; i++) {
      const at = reps.map((r) => r[i]).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
      if (at.length) rows.push({ label: e.label, token: i + 1, itlMs: percentileSorted(at, 0.5), repetitions: at.length });
    }
  }
  if (rows.length === 0) return null;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    width: 820,
    height: 260,
    data: { values: rows },
    layer: [
      {
        name: 'lines',
        mark: { type: 'line', strokeWidth: 1.6, interpolate: 'linear' },
        encoding: {
          x: { field: 'token', type: 'quantitative', title: 'generated token (position after the first)', scale: { nice: false } },
          y: { field: 'itlMs', type: 'quantitative', title: 'ms since the previous token (median over repetitions)', scale: { zero: false }, axis: { format: NUMBER_FORMAT } },
          color: { field: 'label', type: 'nominal', title: 'entry', legend: { orient: 'bottom', columns: 2, labelLimit: 420, labelExpr: ENTRY_LABEL_EXPR } },
        },
      },
      {
        name: 'hover',
        mark: { type: 'point', size: 30, opacity: 0 },
        encoding: {
          x: { field: 'token', type: 'quantitative' },
          y: { field: 'itlMs', type: 'quantitative' },
          tooltip: [
            { field: 'label', title: 'entry' },
            { field: 'token', title: 'token' },
            { field: 'itlMs', title: 'median ms', type: 'quantitative', format: TOOLTIP_FORMAT },
            { field: 'repetitions', title: 'repetitions' },
          ],
        },
      },
    ],
  } as unknown as TopLevelSpec;
  return {
    id,
    section: 'sequence',
    title: 'Per-token latency over the generated sequence',
    description: 'At each position, the median over repetitions of the time since the previous token; one line per entry.',
    spec,
    markName: 'lines_marks',
    expectedMarks: series,
    wide: true,
  };
}
