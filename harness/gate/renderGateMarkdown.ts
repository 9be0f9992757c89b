/**
 * The Markdown summary of a gate: the overall verdict, a table of every verdict (failures first) with
 * baseline and current values, the change with its interval, the test's evidence, the limits and the
 * verdict, then the accepted differences, unmatched entries and notes. Printed by `slmbench gate` and
 * appended to `$GITHUB_STEP_SUMMARY` in GitHub Actions.
 */
import type { MetricComparison } from '../compare/compareMetric.js';
import { describeMetric } from '../result/describeMetric.js';
import { formatNumber } from '../../reports/formatNumber.js';
import { describeEvidence } from './evaluateGate.js';
import { describeMatch } from '../compare/entryMatchKey.js';
import { escapeMarkdown } from '../../reports/markdown/escapeMarkdown.js';
import type { GateReport, GateVerdict, Verdict } from './GateReport.js';

const MARK: Record<Verdict, string> = { fail: '❌ fail', warn: '⚠️ warn', pass: '✅ pass', skip: '➖ skip' };
const ORDER: Record<Verdict, number> = { fail: 0, warn: 1, pass: 2, skip: 3 };

export function renderGateMarkdown(report: GateReport): string {
  const c = report.counts;
  const o = report.options;
  const testName = `${Math.round((1 - 2 * o.alpha) * 100)}% interval of the ratio of medians over worker processes (two-stage bootstrap, widened for few processes)`;
  const lines: string[] = [
    `## slmbench gate: ${MARK[report.verdict].replace(/ (\w+)$/, (_, w: string) => ` ${w.toUpperCase()}`)}`,
    '',
    `${c.fail} fail · ${c.warn} warn · ${c.pass} pass · ${c.skip} skip — baseline \`${report.baseline.source}\` (device ${report.baseline.devices.join(', ') || '?'}) · current \`${report.current.source}\` (device ${report.current.devices.join(', ') || '?'})`,
    '',
    `A verdict fails when the ${testName} lies wholly on the worse side and the change passes the rule's limit and the smallest change this runner resolves; single numbers (peak RSS, energy, load time) and accuracy are judged on the limit alone. Rules${o.defaultRules ? ' (defaults)' : ''}: ${o.rules.map((r) => `\`${r}\``).join(', ')}.${o.match.length < 4 ? ` Entries matched on ${describeMatch(o.match)}.` : ''}`,
    '',
    `Evidence: ${report.evidence.mode}${report.evidence.interleaving ? ` (order seed ${report.evidence.interleaving.seed}, ${report.evidence.interleaving.launches.length} processes)` : ''}: ${report.evidence.note}.`,
    '',
  ];
  const detectable = Object.entries(report.minimumDetectable);
  if (detectable.length > 0) {
    const shown = detectable.map(([metric, ratio]) => `${describeMetric(metric).label} ${signed((ratio - 1) * 100, 2)}%`);
    lines.push(`Smallest change this comparison resolves (α = ${o.alpha}, power ${o.power}), worst entry per metric: ${shown.join(' · ')}.`, '');
  }
  if (report.verdicts.length > 0) {
    lines.push('| verdict | entry | metric | baseline | current | change | evidence | limits warn / fail |', '| --- | --- | --- | ---: | ---: | ---: | --- | --- |');
    const sorted = [...report.verdicts].sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict]);
    for (const v of sorted) lines.push(row(v, o.alpha));
    lines.push('');
  } else {
    lines.push('No metric to judge: no matched entry ran on both sides.', '');
  }
  if (report.mismatches.length > 0) {
    lines.push(`Accepted differences (\`--allow-mismatch ${o.allowMismatch.join(',')}\`):`, '');
    for (const m of report.mismatches) lines.push(`- ${m.kind}: ${m.detail} (${m.entries.length} ${m.entries.length === 1 ? 'entry' : 'entries'})`);
    lines.push('');
  }
  const { baselineOnly, currentOnly } = report.unmatched;
  if (baselineOnly.length > 0 || currentOnly.length > 0) {
    lines.push(`Not matched (compared by ${describeMatch(o.match)}):`, '');
    for (const e of baselineOnly) lines.push(`- only in the baseline: ${e.entry} (${e.status})`);
    for (const e of currentOnly) lines.push(`- only in the current run: ${e.entry} (${e.status})`);
    lines.push('');
  }
  for (const note of report.notes) lines.push(`- note: ${note}`);
  if (report.notes.length > 0) lines.push('');
  return lines.join('\n');
}

function row(v: GateVerdict, alpha: number): string {
  const cell = (text: string) => escapeMarkdown(text, 'cell');
  const limits = `${v.limits.warn ?? '—'} / ${v.limits.fail ?? '—'}`;
  if (!v.comparison) {
    return `| ${MARK[v.verdict]} | ${cell(v.entry)} | ${cell(v.metric === 'entry' ? 'entry' : describeMetric(v.metric).label)} | — | — | — | ${cell(v.reason)} | ${v.metric === 'entry' ? '—' : limits} |`;
  }
  const c = v.comparison;
  const d = describeMetric(v.metric);
  const value = (side: MetricComparison['baseline']) => `${formatNumber(side.value * d.scale)}${side.n !== null && side.n !== 1 ? ` (n=${side.n})` : ''}`;
  const evidence = c.significant === null ? `threshold only: ${c.note ?? 'no test'}` : describeEvidence(c, alpha);
  const relative = (v.limits.fail ?? v.limits.warn ?? '%').endsWith('%');
  const entry = v.setting ? `${v.entry} (${v.setting})` : v.entry;
  return `| ${MARK[v.verdict]} | ${cell(entry)} | ${cell(d.label)} | ${value(c.baseline)} | ${value(c.current)} | ${change(c, relative)} | ${cell(evidence)} | ${limits} |`;
}

/**
 * `−10.1% [−14.0%, −6.0%]` (relative limits: ratio − 1 with its interval), `−0.031 [−0.05, −0.01]`
 * (absolute limits: the difference, with its interval for estimates).
 */
function change(c: MetricComparison, relative: boolean): string {
  const pct = (r: number) => signed((r - 1) * 100, 3) + '%';
  if (relative && c.ratio !== null) {
    const i = c.interval?.of === 'ratio' ? ` [${pct(c.interval.low)}, ${pct(c.interval.high)}]` : '';
    return `${pct(c.ratio)}${i}`;
  }
  const i = c.interval?.of === 'difference' ? ` [${signed(c.interval.low, 3)}, ${signed(c.interval.high, 3)}]` : '';
  return `${signed(c.difference, 3)}${i}`;
}

function signed(value: number, digits: number): string {
  const text = Number(Math.abs(value).toPrecision(digits)).toString();
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : '0';
}
