/**
 * Time to first token, every measured repetition as a point (spread vertically, deterministically, so that
 * equal values stay visible), with the median as a tick.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ReportEntry } from '../../buildReportModel.js';
import type { ChartDefinition } from '../ChartDefinition.js';
import { CHART_CONFIG, ENTRY_AXIS, NUMBER_FORMAT, TOOLTIP_FORMAT } from './chartConfig.js';

export function ttftDistributionChart(id: string, entries: readonly ReportEntry[]): ChartDefinition | null {
  const rows: { label: string; backend: string; ttftMs: number; repetition: number; jitter: number }[] = [];
  const medians: { label: string; backend: string; median: number }[] = [];
  for (const e of entries) {
    const samples = e.entry.status === 'ok' ? (e.entry.samples?.ttftMs ?? []) : [];
    if (samples.length === 0) continue;
    samples.forEach((ttftMs, i) => {
      // Golden-ratio sequence in (-0.35, 0.35): evenly spread, the same on every render.
      const jitter = (((i * 0.6180339887498949) % 1) - 0.5) * 0.7;
      rows.push({ label: e.label, backend: e.entry.backend.id, ttftMs, repetition: i + 1, jitter });
    });
    const median = e.entry.metrics?.ttftMs.median;
    if (typeof median === 'number') medians.push({ label: e.label, backend: e.entry.backend.id, median });
  }
  if (rows.length === 0) return null;
  const y = { field: 'label', type: 'nominal', axis: ENTRY_AXIS };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    width: 340,
    height: { step: 30 },
    layer: [
      {
        name: 'samples',
        data: { values: rows },
        mark: { type: 'circle', size: 38, opacity: 0.75 },
        encoding: {
          y,
          yOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-0.5, 0.5] } },
          x: { field: 'ttftMs', type: 'quantitative', title: 'TTFT ms per repetition', scale: { zero: false, nice: true }, axis: { format: NUMBER_FORMAT } },
          color: { field: 'backend', type: 'nominal', title: 'backend', legend: null },
          tooltip: [
            { field: 'label', title: 'entry' },
            { field: 'repetition', title: 'repetition' },
            { field: 'ttftMs', title: 'TTFT ms', type: 'quantitative', format: TOOLTIP_FORMAT },
          ],
        },
      },
      {
        name: 'medians',
        data: { values: medians },
        mark: { type: 'tick', color: '#1f2328', thickness: 2, bandSize: 22 },
        encoding: {
          y,
          x: { field: 'median', type: 'quantitative' },
          tooltip: [
            { field: 'label', title: 'entry' },
            { field: 'median', title: 'median TTFT ms', type: 'quantitative', format: TOOLTIP_FORMAT },
          ],
        },
      },
    ],
  } as unknown as TopLevelSpec;
  return {
    id,
    section: 'distributions',
    title: 'Time to first token, per repetition',
    description: 'Each point is one measured repetition; the dark tick is the median.',
    spec,
    markName: 'samples_marks',
    expectedMarks: rows.length,
  };
}
