/**
 * Throughput against latency, one line per concurrency family (the same model, backend, options and
 * workload at several concurrencies): the output rate over all requests on x, each request's median TTFT
 * and TPOT up the two panels, points labelled with their number of requests. Up and to the right a
 * backend serves more at the cost of each request's wait.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ConcurrencyFamily } from '../../concurrencyFamilies.js';
import type { SweepSource } from '../../sweepGroups.js';
import type { ChartDefinition } from '../ChartDefinition.js';
import { CHART_CONFIG, TOOLTIP_FORMAT } from './chartConfig.js';

const WIDTH = 300;
const HEIGHT = 210;

interface ThroughputDatum {
  family: string;
  concurrency: number;
  batching: string;
  outputTps: number;
  metric: string;
  median: number;
}

/** @returns null without a concurrency family */
export function throughputLatencyChart(id: string, families: readonly ConcurrencyFamily<SweepSource>[]): ChartDefinition | null {
  if (families.length === 0) return null;
  const values: ThroughputDatum[] = families.flatMap((f) =>
    f.members.flatMap((m) =>
      (
        [
          ['TTFT', m.ttftMs],
          ['TPOT', m.tpotMs],
        ] as const
      ).flatMap(([metric, stats]) => (stats ? [{ family: f.label, concurrency: m.concurrency, batching: m.batching, outputTps: m.outputTps.median, metric, median: stats.median }] : [])),
    ),
  );
  const panel = (metric: 'TTFT' | 'TPOT', title: string) => {
    const name = metric.toLowerCase();
    return {
      width: WIDTH,
      height: HEIGHT,
      transform: [{ filter: `datum.metric === '${metric}'` }],
      encoding: {
        x: { field: 'outputTps', type: 'quantitative', title: 'output tok/s over all requests, median (better →)', scale: { zero: false, nice: true } },
        y: { field: 'median', type: 'quantitative', title, scale: { zero: false, nice: true } },
        color: { field: 'family', type: 'nominal', title: 'entry' },
      },
      layer: [
        { name: `${name}_lines`, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { order: { field: 'concurrency', type: 'quantitative' } } },
        {
          name: `${name}_points`,
          mark: { type: 'point', filled: true, size: 60, cursor: 'pointer' },
          encoding: {
            tooltip: [
              { field: 'family', title: 'entry' },
              { field: 'concurrency', title: 'requests together', type: 'quantitative' },
              { field: 'batching', title: 'batching' },
              { field: 'outputTps', title: 'output tok/s', type: 'quantitative', format: TOOLTIP_FORMAT },
              { field: 'median', title: `${metric} ms, median per request`, type: 'quantitative', format: TOOLTIP_FORMAT },
            ],
          },
        },
        { mark: { type: 'text', dy: -9, fontSize: 10, color: '#59636e' }, encoding: { text: { field: 'concurrency', type: 'quantitative' } } },
      ],
    };
  };
  const ttftPoints = values.filter((v) => v.metric === 'TTFT').length;
  const tpotPoints = values.filter((v) => v.metric === 'TPOT').length;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    data: { values },
    hconcat: [panel('TTFT', 'time to first token ms, median per request (better ↓)'), ...(tpotPoints ? [panel('TPOT', 'time per output token ms, median per request (better ↓)')] : [])],
  } as unknown as TopLevelSpec;
  return {
    id,
    section: 'concurrency',
    title: 'Throughput against latency',
    description:
      'Each line is one entry with more and more requests in flight together (numbers at the points): the output rate over all of them against what each request waits for its first token and between tokens. How the backend batched is in the tooltip.',
    spec,
    markName: 'ttft_points_marks',
    expectedMarks: ttftPoints,
    otherMarks: [
      { markName: 'ttft_lines_marks', expected: families.length },
      ...(tpotPoints ? [{ markName: 'tpot_points_marks', expected: tpotPoints }, { markName: 'tpot_lines_marks', expected: families.length }] : []),
    ],
    wide: true,
  };
}
