/**
 * What a cascade's threshold buys: for one threshold sweep (a cascade family), the escalation rate (x, the
 * share of requests a later stage answered) against a quality metric, and against the median end-to-end
 * latency, one point per threshold joined in threshold order, with 95% intervals as whiskers and the
 * thresholds written beside the points. The escalation rate is the entry's `metrics.escalationRate`, over
 * the accuracy tasks' requests (those the quality is measured on). The latency is the measured loop's, whose one prompt either
 * escalates or not, so it steps between the stages' latencies rather than following the rate; the
 * description says so. Where the entries hold the oracle of the plotted task metric (`oracle`, from the
 * stages run alone), the quality panel adds the bound (dashed, green: the best any router escalating that
 * share of rows could score) and the per-row best (a cross): the gap to the sweep's line is its headroom.
 * A third panel draws the share answered on the device (requests, and their prompt tokens where recorded)
 * over the same requests as the escalation rate: below 100% where a later stage is served (`remote`).
 */
import type { TopLevelSpec } from 'vega-lite';
import { resolveMetric } from '../../../harness/ranking/resolveMetric.js';
import type { RouteOracle } from '../../../harness/oracle/oracleRouting.js';
import type { CascadeFamily } from '../../cascadeFamilies.js';
import type { ChartDefinition } from '../ChartDefinition.js';
import { CHART_CONFIG, NUMBER_FORMAT, TOOLTIP_FORMAT } from './chartConfig.js';
import type { ChartMetric } from './chartMetrics.js';

const WIDTH = 220;
const HEIGHT = 200;
const COLOR = '#8250df';
const E2E = 'metrics.e2eMs';
const ORACLE_COLOR = '#1a7f37';
const LOCAL_COLOR = '#0969da';

/** The oracle of the plotted task metric (`metrics.quality.<task>.<metric>`) from the family's first entry that holds it. */
function oracleOf(family: CascadeFamily, quality: ChartMetric): RouteOracle | null {
  const match = /^metrics\.quality\.(.+)\.([^.]+)$/.exec(quality.path);
  if (!match) return null;
  for (const { entry } of family.members) {
    const found = entry.entry.status === 'ok' ? entry.entry.oracle?.find((o) => o.task === match[1] && o.metric === match[2]) : undefined;
    if (found) return found;
  }
  return null;
}

/** One threshold of the sweep. */
interface TradeoffDatum {
  label: string;
  threshold: string;
  order: number;
  escalationRate: number;
  quality: number | null;
  qualityLo: number | null;
  qualityHi: number | null;
  e2e: number | null;
  e2eLo: number | null;
  e2eHi: number | null;
  /** Share of the requests a local stage answered (same requests as the escalation rate). */
  localRequests: number | null;
  /** Share of their prompt tokens; null where not recorded. */
  localTokens: number | null;
}

/**
 * @param quality the quality metric to plot (display scale applied)
 * @returns null when fewer than two thresholds have an escalation rate and the quality metric
 */
export function cascadeTradeoffChart(id: string, family: CascadeFamily, quality: ChartMetric): ChartDefinition | null {
  const values: TradeoffDatum[] = [];
  for (const { entry, fields } of family.members) {
    if (fields.escalationRate === null) continue;
    const q = resolveMetric(entry.entry, quality.path);
    const e2e = resolveMetric(entry.entry, E2E);
    values.push({
      label: entry.label,
      threshold: fields.threshold ?? '—',
      order: values.length,
      escalationRate: fields.escalationRate,
      quality: q ? q.value * quality.scale : null,
      qualityLo: q ? q.low * quality.scale : null,
      qualityHi: q ? q.high * quality.scale : null,
      e2e: e2e?.value ?? null,
      e2eLo: e2e?.low ?? null,
      e2eHi: e2e?.high ?? null,
      localRequests: fields.localShare?.requests ?? null,
      localTokens: fields.localShare?.promptTokens ?? null,
    });
  }
  const withQuality = values.filter((d) => d.quality !== null).length;
  if (withQuality < 2) return null;
  const withLatency = values.filter((d) => d.e2e !== null).length;
  const withLocal = values.filter((d) => d.localRequests !== null).length;
  const withLocalTokens = values.filter((d) => d.localTokens !== null).length;
  const allLocal = withLocal > 0 && values.every((d) => d.localRequests === null || (d.localRequests === 1 && (d.localTokens === null || d.localTokens === 1)));
  const oracle = oracleOf(family, quality);
  const boundRows = oracle ? oracle.bound.map((p) => ({ escalationRate: p.escalationRate, quality: p.score * quality.scale })) : [];
  const oracleRow = oracle ? [{ escalationRate: oracle.oracle.escalationRate, quality: oracle.oracle.score * quality.scale, rows: oracle.rows }] : [];
  const x = {
    field: 'escalationRate',
    type: 'quantitative',
    title: 'escalation rate (share answered by a later stage)',
    // 0–100% with room for the labels of the end points.
    scale: { domain: [-0.06, 1.06], nice: false },
    axis: { format: '.0%', values: [0, 0.25, 0.5, 0.75, 1] },
  };
  const tooltip = [
    { field: 'label', title: 'entry' },
    { field: 'threshold', title: 'threshold' },
    { field: 'escalationRate', title: 'escalation rate', type: 'quantitative', format: '.1%' },
    { field: 'quality', title: quality.label, type: 'quantitative', format: TOOLTIP_FORMAT },
    { field: 'e2e', title: 'end-to-end ms (median)', type: 'quantitative', format: TOOLTIP_FORMAT },
    { field: 'localRequests', title: 'requests answered on the device', type: 'quantitative', format: '.1%' },
    { field: 'localTokens', title: 'prompt tokens kept on the device', type: 'quantitative', format: '.1%' },
  ];
  const share = { type: 'quantitative', scale: { domain: [0, 1.08], nice: false }, axis: { format: '.0%', values: [0, 0.25, 0.5, 0.75, 1] } };
  // The share answered on the device: requests (solid, with points) and their prompt tokens (dashed).
  const localPanel = {
    width: WIDTH,
    height: HEIGHT,
    encoding: { x },
    layer: [
      {
        name: 'local_line',
        transform: [{ filter: 'isValid(datum.localRequests)' }],
        mark: { type: 'line', color: LOCAL_COLOR, strokeWidth: 1.5 },
        encoding: { y: { field: 'localRequests', ...share, title: 'answered on the device (more is private ↑)' }, order: { field: 'order', type: 'quantitative' } },
      },
      {
        name: 'local_points',
        transform: [{ filter: 'isValid(datum.localRequests)' }],
        mark: { type: 'point', filled: true, size: 60, color: LOCAL_COLOR, shape: 'square' },
        encoding: { y: { field: 'localRequests', ...share }, tooltip },
      },
      ...(withLocalTokens
        ? [
            {
              name: 'local_tokens_line',
              transform: [{ filter: 'isValid(datum.localTokens)' }],
              mark: { type: 'line', color: LOCAL_COLOR, strokeDash: [4, 3], strokeWidth: 1.2, point: false },
              encoding: { y: { field: 'localTokens', ...share }, order: { field: 'order', type: 'quantitative' } },
            },
          ]
        : []),
    ],
  };
  const panel = (prefix: string, field: string, title: string, zero: boolean, extra: object[] = []) => ({
    width: WIDTH,
    height: HEIGHT,
    encoding: { x },
    layer: [
      ...extra,
      {
        name: `${prefix}_whiskers`,
        transform: [{ filter: `isValid(datum.${field})` }],
        mark: { type: 'rule', color: '#8c959f' },
        encoding: { y: { field: `${field}Lo`, type: 'quantitative' }, y2: { field: `${field}Hi` } },
      },
      {
        name: `${prefix}_line`,
        transform: [{ filter: `isValid(datum.${field})` }],
        mark: { type: 'line', color: COLOR, strokeWidth: 1.5 },
        encoding: {
          y: { field, type: 'quantitative', title, scale: { zero, nice: true }, axis: { format: NUMBER_FORMAT } },
          order: { field: 'order', type: 'quantitative' },
        },
      },
      {
        name: `${prefix}_points`,
        transform: [{ filter: `isValid(datum.${field})` }],
        mark: { type: 'point', filled: true, size: 70, color: COLOR, shape: 'diamond', cursor: 'pointer' },
        encoding: { y: { field, type: 'quantitative' }, tooltip },
      },
      {
        name: `${prefix}_thresholds`,
        transform: [{ filter: `isValid(datum.${field})` }],
        mark: { type: 'text', align: 'center', baseline: 'bottom', dy: -7, fontSize: 10, color: '#59636e' },
        encoding: { y: { field, type: 'quantitative' }, text: { field: 'threshold', type: 'nominal' } },
      },
    ],
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    data: { values },
    // Two panels a row: the third (the local share) wraps under the first, inside the figure's width.
    columns: 2,
    concat: [
      panel('quality', 'quality', `${quality.label}${quality.direction === 'max' ? ' (better ↑)' : quality.direction === 'min' ? ' (lower is better)' : ''}`, false, oracle ? [
        {
          name: 'oracle_bound',
          data: { values: boundRows },
          mark: { type: 'line', color: ORACLE_COLOR, strokeDash: [4, 3], strokeWidth: 1.2 },
          encoding: { y: { field: 'quality', type: 'quantitative' } },
        },
        {
          name: 'oracle_point',
          data: { values: oracleRow },
          mark: { type: 'point', shape: 'cross', filled: true, size: 90, color: ORACLE_COLOR },
          encoding: {
            y: { field: 'quality', type: 'quantitative' },
            tooltip: [
              { field: 'quality', title: `oracle ${quality.label} (per-row best)`, type: 'quantitative', format: TOOLTIP_FORMAT },
              { field: 'escalationRate', title: 'its escalation rate', type: 'quantitative', format: '.1%' },
              { field: 'rows', title: 'rows' },
            ],
          },
        },
      ] : []),
      ...(withLatency ? [panel('latency', 'e2e', 'end-to-end ms, median (lower is better)', true)] : []),
      ...(withLocal ? [localPanel] : []),
    ],
  } as unknown as TopLevelSpec;
  return {
    id,
    section: 'composites',
    title: `Cascade trade-off: ${family.label}`,
    description:
      `One point per threshold (written above it), joined from -inf (never escalate) to inf (always escalate); whiskers are 95% intervals. ` +
      `The escalation rate is over the accuracy tasks' requests, those the quality is measured on; the latency is the measured loop's median, whose single prompt is either escalated or not, so it steps between the stages' latencies rather than following the rate.` +
      (oracle
        ? ` Dashed green: the oracle bound over ${oracle.rows} rows of ${oracle.task} (the best score escalating that share of rows could reach, from the stages run alone); the cross is the per-row best.`
        : '') +
      (withLocal
        ? allLocal
          ? ' Below: every stage runs on the device, so every request and prompt token stayed on it.'
          : ` Below: the share of those requests a stage on the device answered (squares)${withLocalTokens ? ' and of their prompt tokens (dashed)' : ''}; the rest went to a served stage.`
        : ''),
    spec,
    markName: 'quality_points_marks',
    expectedMarks: withQuality,
    otherMarks: [
      { markName: 'quality_line_marks', expected: 1 },
      ...(withLatency ? [{ markName: 'latency_points_marks', expected: withLatency }, { markName: 'latency_line_marks', expected: 1 }] : []),
      ...(oracle ? [{ markName: 'oracle_bound_marks', expected: 1 }, { markName: 'oracle_point_marks', expected: 1 }] : []),
      ...(withLocal ? [{ markName: 'local_points_marks', expected: withLocal }, { markName: 'local_line_marks', expected: 1 }] : []),
      ...(withLocalTokens ? [{ markName: 'local_tokens_line_marks', expected: 1 }] : []),
    ],
  };
}
