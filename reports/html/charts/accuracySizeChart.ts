/**
 * A quality metric against model size (parameters, log scale), with the metric's 95% interval as a
 * whisker: where a bigger model stops paying for itself.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartDefinition } from '../ChartDefinition.js';
import { CHART_CONFIG, fieldName, NUMBER_FORMAT } from './chartConfig.js';
import type { ChartMetric } from './chartMetrics.js';
import { entryTooltip, type EntryDatum } from './entryDatum.js';

export function accuracySizeChart(id: string, data: readonly EntryDatum[], metric: ChartMetric, metrics: readonly ChartMetric[]): ChartDefinition | null {
  const f = fieldName(metric.path);
  const sizeField = data.some((d) => typeof d.params === 'number' && d.params > 0) ? 'params' : 'sizeMiB';
  const scored = data.filter((d) => typeof d[f] === 'number');
  // The axis is logarithmic: an entry without a size above 0 has no place on it (left off, and said so).
  const values = scored.filter((d) => typeof d[sizeField] === 'number' && (d[sizeField] as number) > 0);
  if (values.length === 0) return null;
  const unsized = scored.length - values.length;
  const x = {
    field: sizeField,
    type: 'quantitative',
    title: sizeField === 'params' ? 'parameters (log scale)' : 'model size MiB (log scale)',
    scale: { type: 'log', nice: false, padding: 24 },
    // d3's SI prefix G (giga) reads as B (billion) for parameter counts.
    axis: { labelExpr: sizeField === 'params' ? "replace(format(datum.value, '.2~s'), 'G', 'B')" : "format(datum.value, '.2~s')", tickCount: 5 },
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    width: 340,
    height: 280,
    data: { values },
    layer: [
      {
        name: 'whiskers',
        mark: { type: 'rule', color: '#8c959f' },
        encoding: { x, y: { field: `${f}_lo`, type: 'quantitative' }, y2: { field: `${f}_hi` } },
      },
      {
        name: 'points',
        mark: { type: 'point', filled: true, size: 90 },
        encoding: {
          x,
          y: { field: f, type: 'quantitative', title: `${metric.label} (better ↑)`, scale: { zero: false, nice: true }, axis: { format: NUMBER_FORMAT } },
          color: { field: 'backend', type: 'nominal', title: 'backend' },
          shape: { field: 'quant', type: 'nominal', title: 'quantization' },
          tooltip: entryTooltip(metrics),
        },
      },
    ],
  } as unknown as TopLevelSpec;
  return {
    id,
    section: 'size',
    title: `${metric.label} against model size`,
    description: `Each point is an entry; the whisker is the 95% interval of the metric.${
      unsized > 0 ? ` ${unsized} ${unsized === 1 ? 'entry' : 'entries'} without a ${sizeField === 'params' ? 'parameter count' : 'model size'} left off the log axis.` : ''
    }`,
    spec,
    markName: 'points_marks',
    expectedMarks: values.length,
  };
}
