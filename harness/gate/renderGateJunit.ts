/**
 * JUnit XML of a gate (`--junit FILE`): one `<testcase>` per verdict (entry × metric, or an entry as a
 * whole), classname = the entry's label, name = the metric path. `fail` verdicts carry a `<failure>`,
 * `skip` verdicts a `<skipped>`; `warn` and `pass` verdicts pass, with their reason in `<system-out>`
 * (prefixed `WARN:` for warnings, since JUnit has no warning state). All text is XML-escaped.
 */
import { escapeXml } from './escapeXml.js';
import type { GateReport } from './GateReport.js';

export function renderGateJunit(report: GateReport): string {
  const a = escapeXml;
  const tests = report.verdicts.length;
  const failures = report.counts.fail;
  const skipped = report.counts.skip;
  const suiteName = `slmbench gate: ${report.current.source} vs ${report.baseline.source}`;
  const properties: [string, string][] = [
    ['verdict', report.verdict],
    ['baseline', report.baseline.source],
    ['current', report.current.source],
    ['alpha', String(report.options.alpha)],
    ['test', report.options.test],
    ['evidence', report.evidence.mode],
    ['rules', report.options.rules.join(' ')],
    ['allowMismatch', report.options.allowMismatch.join(',')],
  ];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="slmbench gate" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">`,
    `  <testsuite name="${a(suiteName)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" timestamp="${a(report.current.startedAt)}">`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property name="${a(name)}" value="${a(value)}"/>`),
    '    </properties>',
  ];
  for (const v of report.verdicts) {
    const open = `    <testcase classname="${a(v.entry)}" name="${a(v.metric)}" time="0">`;
    const detail = [
      `entry: ${v.entry} [${v.key}]`,
      `metric: ${v.metric}${v.rule ? ` (rule ${v.rule})` : ''}`,
      ...(v.comparison
        ? [
            `baseline: ${v.comparison.baseline.value} (n = ${v.comparison.baseline.n ?? '?'})`,
            `current: ${v.comparison.current.value} (n = ${v.comparison.current.n ?? '?'})`,
            `test: ${v.comparison.method}${v.comparison.pValue !== null ? `, p = ${v.comparison.pValue}` : ''}`,
          ]
        : []),
      `verdict: ${v.verdict}: ${v.reason}`,
    ].join('\n');
    if (v.verdict === 'fail') {
      lines.push(open, `      <failure message="${a(v.reason)}" type="regression">${a(detail)}</failure>`, '    </testcase>');
    } else if (v.verdict === 'skip') {
      lines.push(open, `      <skipped message="${a(v.reason)}"/>`, '    </testcase>');
    } else {
      lines.push(open, `      <system-out>${a(v.verdict === 'warn' ? `WARN: ${detail}` : detail)}</system-out>`, '    </testcase>');
    }
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

/** JUnit XML of a gate that was refused (exit 2): one errored test case whose message says why. */
export function renderGateRefusalJunit(code: string, message: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites name="slmbench gate" tests="1" failures="0" errors="1" skipped="0">',
    '  <testsuite name="slmbench gate" tests="1" failures="0" errors="1" skipped="0">',
    '    <testcase classname="slmbench gate" name="comparable" time="0">',
    `      <error message="${escapeXml(message)}" type="${escapeXml(code)}"/>`,
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
