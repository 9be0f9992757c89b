/**
 * One metric across entries: a bar per entry (the mean of a statistics object, else the value) with its
 * 95% interval as a whisker, best first, coloured by backend.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartDefinition } from '../ChartDefinition.js';
import { CHART_CONFIG, ENTRY_AXIS, fieldName, NUMBER_FORMAT } from './chartConfig.js';
import type { ChartMetric } from './chartMetrics.js';
import { entryTooltip, type EntryDatum } from './entryDatum.js';

export function metricBarsChart(id: string, data: readonly EntryDatum[], metric: ChartMetric, metrics: readonly ChartMetric[]): ChartDefinition {
  const f = fieldName(metric.path);
  const values = data.filter((d) => typeof d[`${f}_mean`] === 'number');
  const hasInterval = values.some((d) => d[`${f}_lo`] !== d[`${f}_hi`]);
  const sign = metric.direction === 'min' ? 1 : -1;
  const order = [...values].sort((a, b) => sign * ((a[`${f}_mean`] as number) - (b[`${f}_mean`] as number))).map((d) => d.label as string);
  const y = { field: 'label', type: 'nominal', sort: order, axis: ENTRY_AXIS };
  const methods = [...new Set(values.map((d) => d.energyMethod).filter((m): m is string => typeof m === 'string'))];
  const method = metric.path.startsWith('metrics.energy.') && methods.length ? ` Energy method: ${methods.join(', ')}.` : '';
  const better = metric.direction === 'min' ? 'shorter is better' : metric.direction === 'max' ? 'longer is better' : '';
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    width: 300,
    height: { step: 22 },
    data: { values },
    layer: [
      {
        name: 'bars',
        mark: { type: 'bar', cornerRadiusEnd: 2, height: { band: 0.7 } },
        encoding: {
          y,
          x: { field: `${f}_mean`, type: 'quantitative', title: metric.label, axis: { format: NUMBER_FORMAT } },
          color: { field: 'backend', type: 'nominal', title: 'backend', legend: null },
          tooltip: [
            { field: `${f}_mean`, title: `${metric.label} (mean)`, type: 'quantitative', format: ',.4~r' },
            { field: `${f}_lo`, title: '95% CI low', type: 'quantitative', format: ',.4~r' },
            { field: `${f}_hi`, title: '95% CI high', type: 'quantitative', format: ',.4~r' },
            ...entryTooltip(metrics),
          ],
        },
      },
      ...(hasInterval
        ? [
            {
              name: 'whiskers',
              mark: { type: 'rule', color: '#1f2328', strokeWidth: 1.2 },
              encoding: { y, x: { field: `${f}_lo`, type: 'quantitative' }, x2: { field: `${f}_hi` } },
            },
          ]
        : []),
    ],
  } as unknown as TopLevelSpec;
  return {
    id,
    section: 'metrics',
    title: metric.label,
    description: `${hasInterval ? 'Mean with its 95% confidence interval' : 'Value'} per entry, best first${better ? `; ${better}` : ''}.${method}`,
    spec,
    markName: 'bars_marks',
    expectedMarks: values.length,
  };
}
