/** The Markdown summary of an A/A calibration (`slmbench gate --calibrate N`). */
import { describeMetric } from '../result/describeMetric.js';
import { escapeMarkdown } from '../../reports/markdown/escapeMarkdown.js';
import type { GateCalibration } from './summarizeCalibration.js';

export function renderCalibrationMarkdown(c: GateCalibration, file: string): string {
  const fails = c.gates.filter((g) => g.verdict === 'fail').length;
  const lines = [
    `## slmbench gate --calibrate: ${fails} of ${c.runs} A/A gates failed (false-alarm rate ${percent(c.falseAlarmRate)}), ${c.gates.filter((g) => g.verdict === 'warn').length} warned`,
    '',
    `The same config gated against itself ${c.runs} time${c.runs === 1 ? '' : 's'}, each gate interleaved, rules ${c.rules.map((r) => `\`${r}\``).join(', ')}. Smallest regression each metric can show on this runner (α = ${c.alpha}, power ${c.power}, worst entry); a limit below it cannot be judged here — pass \`--calibration ${file}\` to later gates so they say so instead of failing at random:`,
    '',
    '| metric | minimum detectable change |',
    '| --- | ---: |',
  ];
  for (const [metric, ratio] of Object.entries(c.minimumDetectable)) {
    lines.push(`| ${escapeMarkdown(describeMetric(metric).label, 'cell')} | ${signedPercent(ratio - 1)} |`);
  }
  lines.push('');
  c.gates.forEach((g, i) => {
    lines.push(`- gate ${i + 1} (order seed ${g.seed ?? '—'}): ${g.verdict}, ${g.counts.fail} fail · ${g.counts.warn} warn · ${g.counts.pass} pass`);
    for (const f of g.failures) lines.push(`  - ${f}`);
  });
  lines.push('');
  return lines.join('\n');
}

function percent(x: number): string {
  return `${Number((x * 100).toPrecision(3))}%`;
}

function signedPercent(x: number): string {
  const text = percent(Math.abs(x));
  return x > 0 ? `+${text}` : x < 0 ? `−${text}` : '0%';
}
