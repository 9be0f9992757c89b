/**
 * Shared look of every chart (fonts, colours, axes) and the helpers the chart builders share: field names,
 * number formats, axis titles that say which way is better.
 */
import type { Config } from 'vega-lite';
import type { ObjectiveDirection } from '../../../harness/ranking/Objective.js';

/** Vega-Lite config used by every chart. */
export const CHART_CONFIG: Config = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
  background: '#ffffff',
  padding: 8,
  view: { stroke: null },
  title: { fontSize: 13, fontWeight: 600, anchor: 'start', color: '#1f2328', subtitleColor: '#59636e', subtitleFontSize: 11 },
  axis: { labelColor: '#59636e', titleColor: '#1f2328', titleFontWeight: 500, titleFontSize: 11, labelFontSize: 10, gridColor: '#eef0f2', domainColor: '#d1d9e0', tickColor: '#d1d9e0' },
  legend: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 500, labelLimit: 220, symbolStrokeWidth: 1.5 },
  range: { category: ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac', '#eeca3b'] },
};

/** A field name safe in Vega-Lite (no dots or brackets): `metrics.quality.arc.acc` → `m_quality_arc_acc`. */
export function fieldName(path: string): string {
  return `m_${path.replace(/^metrics\./, '').replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Characters of an entry label an axis or legend shows; longer labels lose their middle. */
export const ENTRY_LABEL_CHARS = 56;

/**
 * Vega expression of an entry label as axes and legends show it (`datum.label` is the label's text):
 * a label longer than {@link ENTRY_LABEL_CHARS} keeps its start and its end with `…` between, since the end
 * holds what tells entries of one model apart (a cascade's threshold, an ensemble's weights, the workload),
 * where cutting the end (Vega's `labelLimit`) would leave several entries reading alike. Tooltips keep the
 * whole label.
 */
export const ENTRY_LABEL_EXPR = entryLabelExpr(ENTRY_LABEL_CHARS);

/** Characters kept at the start of a label shortened to `chars`; the end keeps the rest (one goes to `…`). */
function headChars(chars: number): number {
  return Math.min(16, Math.floor(chars / 3));
}

/** The Vega expression of {@link shortEntryLabel} for `chars`. */
export function entryLabelExpr(chars: number): string {
  const head = headChars(chars);
  return `length(datum.label) > ${chars} ? slice(datum.label, 0, ${head}) + '…' + slice(datum.label, ${-(chars - head - 1)}) : datum.label`;
}

/** `label` in at most `chars` characters, its middle left out (as {@link ENTRY_LABEL_EXPR} shows it in a chart). */
export function shortEntryLabel(label: string, chars: number = ENTRY_LABEL_CHARS): string {
  if (label.length <= chars) return label;
  const head = headChars(chars);
  return `${label.slice(0, head)}…${label.slice(-(chars - head - 1))}`;
}

/** The axis of entry labels (a nominal y axis): no title, labels shortened in the middle. */
export const ENTRY_AXIS = { title: null, labelExpr: ENTRY_LABEL_EXPR, labelLimit: 340 } as const;

/** d3 format for numbers in axes and tooltips: three significant digits, thousands separators. */
export const NUMBER_FORMAT = ',.3~r';

/** d3 format for tooltips: four significant digits. */
export const TOOLTIP_FORMAT = ',.4~r';

/** Axis title that says where better lies: `decode tok/s (better →)`. */
export function axisTitle(label: string, direction: ObjectiveDirection | null, axis: 'x' | 'y', reversed: boolean): string {
  if (!direction) return label;
  const arrow = axis === 'x' ? '→' : '↑';
  if (reversed) return `${label} (better ${arrow}, axis reversed)`;
  return direction === 'max' ? `${label} (better ${arrow})` : `${label} (lower is better)`;
}
