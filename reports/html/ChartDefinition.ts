/** One chart of a report: a Vega-Lite spec with its data inline, and what the browser test counts. */
import type { TopLevelSpec } from 'vega-lite';

export interface ChartDefinition {
  /** Element id in the HTML page (`chart-…`), unique in the report. */
  id: string;
  /** Section the chart belongs to (`pareto`, `composites`, `metrics`, `distributions`, `sequence`, `size`, `devices`). */
  section: string;
  /** Heading above the chart. */
  title: string;
  /** One line under the heading: how to read the chart. */
  description: string;
  /** The Vega-Lite spec, data inline. */
  spec: TopLevelSpec;
  /** Vega mark name that draws one mark per data point (`points_marks`, `bars_marks`, …). */
  markName: string;
  /** How many marks of `markName` the chart must draw (one per data point, or one per series for lines). */
  expectedMarks: number;
  /**
   * Other marks the browser test counts, each with how many items it must draw (e.g. one line per
   * cascade threshold sweep). Default: none.
   */
  otherMarks?: { markName: string; expected: number }[];
  /** Spans the full row of the chart grid. Default: false. */
  wide?: boolean;
}
