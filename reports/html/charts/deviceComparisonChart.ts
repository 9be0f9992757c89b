/**
 * The same configurations on several devices: for one metric, bars grouped by configuration (model,
 * backend, options, workload), one bar per device, with the 95% interval as a whisker.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartDefinition } from '../ChartDefinition.js';
import { CHART_CONFIG, fieldName, NUMBER_FORMAT, TOOLTIP_FORMAT } from './chartConfig.js';
import type { ChartMetric } from './chartMetrics.js';
import type { EntryDatum } from './entryDatum.js';

export function deviceComparisonChart(
  id: string,
  data: readonly (EntryDatum & { config: string })[],
  metric: ChartMetric,
): ChartDefinition | null {
  const f = fieldName(metric.path);
  const values = data.filter((d) => typeof d[`${f}_mean`] === 'number');
  if (new Set(values.map((d) => d.device)).size < 2) return null;
  const y = { field: 'config', type: 'nominal', axis: { title: null, labelLimit: 260 } };
  const yOffset = { field: 'device', type: 'nominal' };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    width: 300,
    height: { step: 16 },
    data: { values },
    layer: [
      {
        name: 'bars',
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          y,
          yOffset,
          x: { field: `${f}_mean`, type: 'quantitative', title: metric.label, axis: { format: NUMBER_FORMAT } },
          color: { field: 'device', type: 'nominal', title: 'device', legend: { orient: 'bottom', columns: 1 } },
          tooltip: [
            { field: 'config', title: 'configuration' },
            { field: 'device', title: 'device' },
            { field: `${f}_mean`, title: `${metric.label} (mean)`, type: 'quantitative', format: TOOLTIP_FORMAT },
            { field: `${f}_lo`, title: '95% CI low', type: 'quantitative', format: TOOLTIP_FORMAT },
            { field: `${f}_hi`, title: '95% CI high', type: 'quantitative', format: TOOLTIP_FORMAT },
          ],
        },
      },
      {
        name: 'whiskers',
        mark: { type: 'rule', color: '#1f2328' },
        encoding: { y, yOffset, x: { field: `${f}_lo`, type: 'quantitative' }, x2: { field: `${f}_hi` } },
      },
    ],
  } as unknown as TopLevelSpec;
  return {
    id,
    section: 'devices',
    title: `${metric.label} by device`,
    description: 'The same configuration on each device; whiskers are 95% intervals of the mean.',
    spec,
    markName: 'bars_marks',
    expectedMarks: values.length,
  };
}
