/**
 * Writes the HTML report of one or more results to a file (through writeFileAtomic, so a reader never
 * sees half a report). `slmbench run` calls it to put `report.html` beside `result.json`.
 */
import { writeFileAtomic } from '../../harness/util/writeFileAtomic.js';
import { buildReportModel, type ReportOptions, type ReportSource } from '../buildReportModel.js';
import { renderHtmlReport, type HtmlReportOptions } from './renderHtmlReport.js';

/** Renders and writes the report; returns the path written. */
export function writeHtmlReport(sources: readonly ReportSource[], file: string, options: ReportOptions & HtmlReportOptions = {}): string {
  const html = renderHtmlReport(buildReportModel(sources, options), options);
  writeFileAtomic(file, html);
  return file;
}
