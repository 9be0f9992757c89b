/**
 * The CSV report: one row per entry, flat columns (see `flattenEntry`), RFC 4180 quoting. Numbers keep
 * full precision. A text cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`,
 * `@`, tab or carriage return) is prefixed with `'`, so a result cannot run a formula when opened; a signed
 * number written as text (a cascade's `-inf` threshold, `-1.5`) is no formula and stays as it is.
 */
import type { ReportModel } from '../buildReportModel.js';
import { flatColumns, type FlatValue } from '../flattenEntry.js';

export function renderCsvReport(model: ReportModel): string {
  const rows = model.entries.map((e) => e.row);
  const columns = flatColumns(rows);
  const lines = [columns.map(cell).join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c] ?? null)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** `-1.5`, `+2e-3`, `-inf`, `inf`: a number written as text (CSV readers parse it as one); it calls nothing. */
const SIGNED_NUMBER = /^[-+]?(?:inf|infinity|\d+(?:\.\d+)?(?:e[-+]?\d+)?)$/i;

function cell(value: FlatValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !SIGNED_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
