/**
 * TTFT and TPOT against the KV-cache depth, one line per depth family (the same model, backend, options and
 * workload at several depths), medians with their 95% intervals as error bars: how the first token and
 * every later one slow down as the history in the cache grows.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { DepthFamily } from '../../depthFamilies.js';
import type { SweepSource } from '../../sweepGroups.js';
import type { ChartDefinition } from '../ChartDefinition.js';
import { CHART_CONFIG, TOOLTIP_FORMAT } from './chartConfig.js';

const WIDTH = 300;
const HEIGHT = 210;

interface DepthDatum {
  family: string;
  depth: number;
  metric: string;
  median: number;
  low: number;
  high: number;
}

/** @returns null without a depth family */
export function depthChart(id: string, families: readonly DepthFamily<SweepSource>[]): ChartDefinition | null {
  if (families.length === 0) return null;
  const values: DepthDatum[] = families.flatMap((f) =>
    f.members.flatMap((m) =>
      (
        [
          ['TTFT', m.ttftMs],
          ['TPOT', m.tpotMs],
        ] as const
      ).flatMap(([metric, stats]) =>
        stats ? [{ family: f.label, depth: m.depth, metric, median: stats.median, low: stats.medianCi95?.[0] ?? stats.median, high: stats.medianCi95?.[1] ?? stats.median }] : [],
      ),
    ),
  );
  const panel = (metric: 'TTFT' | 'TPOT', title: string) => ({
    width: WIDTH,
    height: HEIGHT,
    transform: [{ filter: `datum.metric === '${metric}'` }],
    encoding: {
      x: { field: 'depth', type: 'quantitative', title: 'tokens already in the KV cache (depth)', scale: { zero: true, nice: true } },
      color: { field: 'family', type: 'nominal', title: 'entry' },
    },
    layer: [
      { name: `${metric.toLowerCase()}_lines`, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { y: { field: 'median', type: 'quantitative', title } } },
      { mark: { type: 'rule' }, encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } } },
      {
        name: `${metric.toLowerCase()}_points`,
        mark: { type: 'point', filled: true, size: 60, cursor: 'pointer' },
        encoding: {
          y: { field: 'median', type: 'quantitative' },
          tooltip: [
            { field: 'family', title: 'entry' },
            { field: 'depth', title: 'depth', type: 'quantitative' },
            { field: 'median', title: `${metric} ms, median`, type: 'quantitative', format: TOOLTIP_FORMAT },
            { field: 'low', title: '95% interval from', type: 'quantitative', format: TOOLTIP_FORMAT },
            { field: 'high', title: 'to', type: 'quantitative', format: TOOLTIP_FORMAT },
          ],
        },
      },
    ],
  });
  const ttftPoints = values.filter((v) => v.metric === 'TTFT').length;
  const tpotPoints = values.filter((v) => v.metric === 'TPOT').length;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    data: { values },
    hconcat: [panel('TTFT', 'time to first token ms, median (better ↓)'), ...(tpotPoints ? [panel('TPOT', 'time per output token ms, median (better ↓)')] : [])],
  } as unknown as TopLevelSpec;
  return {
    id,
    section: 'depth',
    title: 'Latency against context depth',
    description:
      'Each line is one entry measured with more and more history already in its KV cache (the history filled untimed; each repetition prefills only the prompt after it); bars are 95% intervals of the medians. A rising TPOT is the attention reading the cache at every step.',
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
