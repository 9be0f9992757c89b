/**
 * Writes the HTML report of one or more results to a file (temporary file, then rename, so a reader never
 * sees half a report). `slmbench run` calls it to put `report.html` beside `result.json`.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { buildReportModel, type ReportOptions, type ReportSource } from '../buildReportModel.js';
import { renderHtmlReport, type HtmlReportOptions } from './renderHtmlReport.js';

/** Renders and writes the report; returns the path written. */
export function writeHtmlReport(sources: readonly ReportSource[], file: string, options: ReportOptions & HtmlReportOptions = {}): string {
  const html = renderHtmlReport(buildReportModel(sources, options), options);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, html);
  renameSync(temporary, file);
  return file;
}
