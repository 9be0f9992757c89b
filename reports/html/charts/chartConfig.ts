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
