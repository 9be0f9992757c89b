/**
 * The Pareto front seen through one pair of objectives: a scatter of every ranked entry with better up and
 * to the right (axes of lower-is-better objectives are reversed), the frontier of this pair as a step
 * line, entries on the front over all objectives filled and labelled (labels placed where they overlap
 * neither another label nor a point; a label that fits nowhere is left to the tooltip), point size = peak
 * memory, colour = backend, shape = model (or quantization when there is one model).
 *
 * Composite strategies (cascades, ensembles) are points beside the single models. When there are any,
 * shape says single model or composite (circle, diamond for a cascade, square for an ensemble) and the
 * tooltip lists kind, stages, threshold, signal and escalation rate. Each cascade threshold sweep with two
 * or more points on the chart is drawn as a line through them in threshold order (`-inf` first, `inf`
 * last); hovering a point of a sweep shows its thresholds beside its points.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RankedObjective } from '../../../harness/ranking/Ranking.js';
import type { ChartDefinition } from '../ChartDefinition.js';
import { axisTitle, CHART_CONFIG, fieldName, NUMBER_FORMAT, shortEntryLabel } from './chartConfig.js';
import { FRONT, KIND, KIND_SHAPE, entryTooltip, type EntryDatum } from './entryDatum.js';
import type { ChartMetric } from './chartMetrics.js';
import { sizeLegendValues } from './sizeLegendValues.js';

const WIDTH = 340;
const HEIGHT = 260;
/** Approximate width of one character of a 10 px label, and the longest label drawn (px). */
const CHAR_PX = 5.7;
const LABEL_LIMIT = 200;
/** Colour of the cascade threshold sweeps and their threshold labels. */
const SWEEP_COLOR = '#8250df';

export function paretoChart(
  id: string,
  data: readonly EntryDatum[],
  x: RankedObjective,
  y: RankedObjective,
  metrics: readonly ChartMetric[],
): ChartDefinition {
  const fx = fieldName(x.metric);
  const fy = fieldName(y.metric);
  const points = data.filter((d) => d.frontIndex !== null && typeof d[fx] === 'number' && typeof d[fy] === 'number');
  const frontier = frontierOf(points, fx, x.direction, fy, y.direction);
  const models = new Set(points.map((d) => d.model));
  const composite = points.some((d) => d.kind !== KIND.single);
  const shapeField = composite ? 'kind' : models.size > 1 ? 'model' : 'quant';
  const kinds = Object.values(KIND).filter((k) => points.some((d) => d.kind === k));
  const sweep = sweepOf(points, fx, fy);
  const sweeps = new Set(sweep.map((d) => d.family)).size;
  const memory = metrics.find((m) => m.path === 'metrics.peakRssBytes');
  const memoryField = memory ? fieldName(memory.path) : null;
  const memoryValues = memoryField ? points.map((d) => d[memoryField]).filter((v): v is number => typeof v === 'number') : [];

  // Explicit domains make the pixel position of every point known here, for label placement.
  const xDomain = paddedDomain(points.map((d) => d[fx] as number));
  const yDomain = paddedDomain(points.map((d) => d[fy] as number));
  const px = (v: number) => ((v - xDomain[0]) / (xDomain[1] - xDomain[0])) * WIDTH;
  const py = (v: number) => HEIGHT - ((v - yDomain[0]) / (yDomain[1] - yDomain[0])) * HEIGHT;
  const toScreen = (d: EntryDatum) => ({
    sx: x.direction === 'min' ? WIDTH - px(d[fx] as number) : px(d[fx] as number),
    sy: y.direction === 'min' ? HEIGHT - py(d[fy] as number) : py(d[fy] as number),
  });
  const fromScreen = (sx: number, sy: number) => {
    const ux = x.direction === 'min' ? WIDTH - sx : sx;
    const uy = y.direction === 'min' ? HEIGHT - sy : sy;
    return {
      lx: xDomain[0] + (ux / WIDTH) * (xDomain[1] - xDomain[0]),
      ly: yDomain[0] + ((HEIGHT - uy) / HEIGHT) * (yDomain[1] - yDomain[0]),
    };
  };
  const labels = placeLabels(points, frontierPoints(points, fx, x.direction, fy, y.direction), toScreen, fromScreen);

  const xEnc = {
    field: fx,
    type: 'quantitative' as const,
    scale: { domain: xDomain, nice: false, zero: false, reverse: x.direction === 'min' },
    axis: { title: axisTitle(x.label, x.direction, 'x', x.direction === 'min'), format: NUMBER_FORMAT },
  };
  const yEnc = {
    field: fy,
    type: 'quantitative' as const,
    scale: { domain: yDomain, nice: false, zero: false, reverse: y.direction === 'min' },
    axis: { title: axisTitle(y.label, y.direction, 'y', y.direction === 'min'), format: NUMBER_FORMAT },
  };
  // A white halo under each label keeps it readable over grid and frontier lines.
  const labelLayers = (align: 'left' | 'right') =>
    (['halo', 'text'] as const).map((kind) => ({
      name: `labels_${align}_${kind}`,
      data: { values: labels.filter((l) => l.align === align) },
      mark: {
        type: 'text',
        align,
        baseline: 'middle',
        fontSize: 10,
        limit: LABEL_LIMIT,
        ...(kind === 'halo' ? { color: '#ffffff', stroke: '#ffffff', strokeWidth: 3, strokeJoin: 'round' } : { color: '#1f2328' }),
      },
      encoding: { x: { ...xEnc, field: 'lx' }, y: { ...yEnc, field: 'ly' }, text: { field: 'label', type: 'nominal' } },
    }));

  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    width: WIDTH,
    height: HEIGHT,
    data: { values: points },
    layer: [
      {
        name: 'frontier',
        data: { values: frontier },
        mark: { type: 'line', interpolate: 'step-before', color: '#8c959f', strokeDash: [5, 3], strokeWidth: 1.5, clip: true },
        encoding: { x: xEnc, y: yEnc, order: { field: 'order', type: 'quantitative' } },
      },
      ...(sweeps
        ? [
            {
              name: 'cascade_sweep',
              data: { values: sweep },
              mark: { type: 'line', color: SWEEP_COLOR, strokeWidth: 1.5, opacity: 0.75, clip: true },
              encoding: {
                x: xEnc,
                y: yEnc,
                detail: { field: 'family', type: 'nominal' },
                order: { field: 'order', type: 'quantitative' },
                tooltip: [
                  { field: 'familyLabel', title: 'cascade threshold sweep' },
                  { field: 'thresholds', title: 'thresholds' },
                ],
              },
            },
          ]
        : []),
      {
        name: 'points',
        ...(sweeps ? { params: [{ name: 'sweep_hover', select: { type: 'point', fields: ['family'], on: 'mouseover', clear: 'mouseout' } }] } : {}),
        mark: { type: 'point', filled: true, strokeWidth: 1.5, cursor: 'pointer' },
        encoding: {
          x: xEnc,
          y: yEnc,
          color: { field: 'backend', type: 'nominal', title: 'backend' },
          shape: composite
            ? { field: 'kind', type: 'nominal', title: 'single or composite', scale: { domain: kinds, range: kinds.map((k) => KIND_SHAPE[k]) } }
            : { field: shapeField, type: 'nominal', title: shapeField === 'model' ? 'model' : 'quantization' },
          ...(memoryField && memoryValues.length
            ? {
                size: {
                  field: memoryField,
                  type: 'quantitative',
                  title: 'peak RSS MiB',
                  scale: { range: [60, 420], zero: false },
                  legend: { values: sizeLegendValues(memoryValues), format: NUMBER_FORMAT, symbolFillColor: '#8c959f', symbolStrokeColor: '#8c959f' },
                },
              }
            : { size: { value: 120 } }),
          opacity: {
            field: 'front',
            type: 'ordinal',
            title: 'all objectives',
            sort: [FRONT.pareto, FRONT.dominated],
            scale: { domain: [FRONT.pareto, FRONT.dominated], range: [0.95, 0.28] },
          },
          tooltip: entryTooltip(metrics, composite),
        },
      },
      ...labelLayers('left'),
      ...labelLayers('right'),
      // Thresholds of the hovered point's sweep, over everything else, on a white halo.
      ...(sweeps
        ? (['halo', 'text'] as const).map((kind) => ({
            name: kind === 'halo' ? 'cascade_thresholds_halo' : 'cascade_thresholds',
            data: { values: sweep },
            mark: {
              type: 'text',
              align: 'center',
              baseline: 'bottom',
              dy: -9,
              fontSize: 10,
              fontWeight: 600,
              ...(kind === 'halo' ? { color: '#ffffff', stroke: '#ffffff', strokeWidth: 3, strokeJoin: 'round' } : { color: SWEEP_COLOR }),
            },
            encoding: {
              x: xEnc,
              y: yEnc,
              text: { field: 'thresholdLabel', type: 'nominal' },
              opacity: { condition: { param: 'sweep_hover', empty: false, value: 1 }, value: 0 },
            },
          }))
        : []),
    ],
  } as unknown as TopLevelSpec;
  const compositeText = composite
    ? ` Diamonds are cascades and squares ensembles (composite strategies), circles single models${sweeps ? '; the purple line joins a cascade\'s thresholds in order, from never escalating (-inf) to always escalating (inf): hover a point of it for the thresholds' : ''}.`
    : '';
  return {
    id,
    section: 'pareto',
    title: `${y.label} against ${x.label}`,
    description: `Better is up and to the right. Filled points are on the Pareto front over all objectives; the dashed line is the frontier of this pair.${compositeText}`,
    spec,
    markName: 'points_marks',
    expectedMarks: points.length,
    ...(sweeps
      ? {
          otherMarks: [
            { markName: 'cascade_sweep_marks', expected: sweeps },
            { markName: 'cascade_thresholds_marks', expected: sweep.length },
          ],
        }
      : {}),
  };
}

/** A row of a cascade threshold sweep line. */
interface SweepDatum {
  family: string;
  familyLabel: string;
  /** Position in threshold order. */
  order: number;
  threshold: string;
  /** `threshold -1.5`, drawn beside the point on hover. */
  thresholdLabel: string;
  /** Every threshold of the sweep on this chart, in order. */
  thresholds: string;
  [field: string]: string | number;
}

/** The points of every cascade family with two or more points on this chart, in threshold order. */
function sweepOf(points: readonly EntryDatum[], fx: string, fy: string): SweepDatum[] {
  const byFamily = new Map<string, EntryDatum[]>();
  for (const d of points) {
    if (typeof d.family !== 'string') continue;
    byFamily.set(d.family, [...(byFamily.get(d.family) ?? []), d]);
  }
  const out: SweepDatum[] = [];
  for (const [family, members] of byFamily) {
    if (members.length < 2) continue;
    const sorted = [...members].sort((a, b) => (a.sweepOrder as number) - (b.sweepOrder as number));
    const thresholds = sorted.map((d) => String(d.threshold)).join(', ');
    sorted.forEach((d, order) =>
      out.push({
        family,
        familyLabel: String(d.familyLabel),
        order,
        threshold: String(d.threshold),
        thresholdLabel: `threshold ${String(d.threshold)}`,
        thresholds,
        [fx]: d[fx] as number,
        [fy]: d[fy] as number,
      }),
    );
  }
  return out;
}

/** [min, max] widened by 12% of the range on each side (or by 10% of the value when all are equal). */
function paddedDomain(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = hi > lo ? (hi - lo) * 0.12 : Math.abs(lo) * 0.1 || 1;
  return [lo - pad, hi + pad];
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Greedy label placement for the points on the front: for each (left to right), the first of right, left,
 * above-right, above-left, below-right, below-left whose box stays inside the plot and overlaps no point
 * and no label placed before. Positions are returned in data units with the text alignment.
 */
function placeLabels(
  points: readonly EntryDatum[],
  frontier: readonly EntryDatum[],
  toScreen: (d: EntryDatum) => { sx: number; sy: number },
  fromScreen: (sx: number, sy: number) => { lx: number; ly: number },
): { label: string; lx: number; ly: number; align: 'left' | 'right' }[] {
  const placed: Box[] = [];
  const obstacles: Box[] = points.map((d) => {
    const { sx, sy } = toScreen(d);
    return { x0: sx - 7, y0: sy - 7, x1: sx + 7, y1: sy + 7 };
  });
  const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
  const out: { label: string; lx: number; ly: number; align: 'left' | 'right' }[] = [];
  // Points on this pair's frontier first (they carry the trade-off), then the rest, left to right.
  const onFrontier = new Set(frontier);
  const front = points
    .filter((d) => d.front === FRONT.pareto)
    .map((d) => ({ d, first: onFrontier.has(d) ? 0 : 1, ...toScreen(d) }))
    .sort((a, b) => a.first - b.first || a.sx - b.sx || a.sy - b.sy);
  for (const { d, sx, sy } of front) {
    // The end of a label tells a cascade's thresholds apart: shortened in the middle, not cut at the end.
    const label = shortEntryLabel(String(d.label), Math.floor(LABEL_LIMIT / CHAR_PX));
    const w = Math.min(label.length * CHAR_PX, LABEL_LIMIT);
    const candidates: [number, number, 'left' | 'right'][] = [
      [sx + 10, sy, 'left'],
      [sx - 10, sy, 'right'],
      [sx + 6, sy - 13, 'left'],
      [sx - 6, sy - 13, 'right'],
      [sx + 6, sy + 13, 'left'],
      [sx - 6, sy + 13, 'right'],
      [sx + 6, sy + 26, 'left'],
      [sx - 6, sy + 26, 'right'],
    ];
    for (const [ax, ay, align] of candidates) {
      const box = align === 'left' ? { x0: ax, y0: ay - 6, x1: ax + w, y1: ay + 6 } : { x0: ax - w, y0: ay - 6, x1: ax, y1: ay + 6 };
      if (box.x0 < 0 || box.x1 > WIDTH || box.y0 < 0 || box.y1 > HEIGHT) continue;
      if (placed.some((p) => overlaps(p, box)) || obstacles.some((o) => overlaps(o, box))) continue;
      placed.push(box);
      out.push({ label, ...fromScreen(ax, ay), align });
      break;
    }
  }
  return out;
}

/** The frontier as line data: `order` and the two values. */
function frontierOf(
  points: readonly EntryDatum[],
  fx: string,
  dx: 'max' | 'min',
  fy: string,
  dy: 'max' | 'min',
): { order: number; [field: string]: number }[] {
  return frontierPoints(points, fx, dx, fy, dy).map((d, order) => ({ order, [fx]: d[fx] as number, [fy]: d[fy] as number }));
}

/** The non-dominated points of one pair (by value), ordered from best-on-y to best-on-x. */
function frontierPoints(points: readonly EntryDatum[], fx: string, dx: 'max' | 'min', fy: string, dy: 'max' | 'min'): EntryDatum[] {
  const gx = (d: EntryDatum) => (dx === 'max' ? 1 : -1) * (d[fx] as number);
  const gy = (d: EntryDatum) => (dy === 'max' ? 1 : -1) * (d[fy] as number);
  const sorted = [...points].sort((a, b) => gx(b) - gx(a) || gy(b) - gy(a));
  const kept: EntryDatum[] = [];
  let best = -Infinity;
  for (const d of sorted) {
    if (gy(d) > best) {
      kept.push(d);
      best = gy(d);
    }
  }
  return kept.reverse();
}

