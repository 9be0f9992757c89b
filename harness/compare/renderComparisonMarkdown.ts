/**
 * The Markdown table of a comparison: one row per (entry, metric), one column per group; the reference
 * column shows the value, the others the value, the ratio to the reference with its interval over
 * processes, `better`/`worse` only when that interval excludes no change, and what the entry measured
 * differently from the reference's (`threads 1 → 2`) when the match leaves fields out. Then unmatched
 * entries and notes. Readable as plain text in a terminal too.
 */
import { describeMetric } from '../result/describeMetric.js';
import { formatNumber } from '../../reports/formatNumber.js';
import { escapeMarkdown } from '../../reports/markdown/escapeMarkdown.js';
import { formatP } from '../gate/evaluateGate.js';
import type { Comparison, ComparisonCell } from './compareResults.js';
import { describeMatch } from './entryMatchKey.js';

export function renderComparisonMarkdown(comparison: Comparison): string {
  const { groups, reference, options } = comparison;
  const ref = groups[reference]!;
  const confidence = Math.round((1 - options.alpha) * 100);
  const lines = [
    `## slmbench compare${comparison.by === 'device' ? ' by device' : ''}: reference ${ref.label}`,
    '',
    `Each cell: value (×ratio to the reference [${confidence}% interval]) — \`better\`/\`worse\` only when the interval excludes no change. Raw samples are compared by their medians, with the interval of the ratio from a two-stage bootstrap over worker processes (the unit that varies independently; one process per side gives no test); quality estimates pair by pair on the items both scored (difference instead of ratio: exact McNemar p for right/wrong scores, a paired-bootstrap interval otherwise), or by a z-test on their standard errors where per-item scores are missing; single numbers have no test.`,
    '',
  ];
  if (comparison.rows.length === 0) {
    lines.push('No entry that ran in the reference has a compared metric.', '');
  } else {
    const header = groups.map((g, i) => escapeMarkdown(i === reference ? `${g.label} (reference)` : g.label, 'cell'));
    lines.push(`| entry | metric | ${header.join(' | ')} |`, `| --- | --- | ${groups.map(() => '---:').join(' | ')} |`);
    for (const row of comparison.rows) {
      const d = describeMetric(row.metric);
      const cells = row.cells.map((cell) => formatCell(cell, d.scale));
      lines.push(`| ${escapeMarkdown(row.entry, 'cell')} | ${escapeMarkdown(d.label, 'cell')} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  if (comparison.unmatched.length > 0) {
    lines.push(`Not matched (entries match by ${describeMatch(options.match)}):`, '');
    for (const u of comparison.unmatched) lines.push(`- ${u.entry} (${u.status}) in ${u.group}, not in ${u.missingFrom}`);
    lines.push('');
  }
  for (const note of comparison.notes) lines.push(`- note: ${note}`);
  if (comparison.notes.length > 0) lines.push('');
  return lines.join('\n');
}

function formatCell(cell: ComparisonCell | null, scale: number): string {
  if (!cell) return '—';
  const value = formatNumber(cell.value * scale);
  const c = cell.comparison;
  if (!c) return value;
  const parts: string[] = [];
  if (c.interval?.of === 'difference') {
    parts.push(`${signed(c.difference * scale)} [${signed(c.interval.low * scale)}, ${signed(c.interval.high * scale)}]`);
  } else if (c.ratio !== null) {
    parts.push(`×${c.ratio.toPrecision(3)}${c.interval ? ` [${c.interval.low.toPrecision(3)}, ${c.interval.high.toPrecision(3)}]` : ''}`);
  }
  if (c.pValue !== null) parts.push(c.method === 'mcnemar' ? `McNemar ${formatP(c.pValue)}` : formatP(c.pValue));
  else if (c.method === 'paired-bootstrap') parts.push('paired');
  else if (c.significant === null) parts.push('no test');
  const mark = c.change ? ` **${c.change}**` : '';
  return `${value} (${parts.join(', ')})${mark}${cell.setting ? ` — ${cell.setting}` : ''}`;
}

function signed(value: number): string {
  const text = Number(Math.abs(value).toPrecision(3)).toString();
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : '0';
}

