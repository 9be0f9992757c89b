/** The gate's Markdown summary and JUnit XML. */
import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../reports/markdown/escapeMarkdown.js';
import { escapeXml } from '../../harness/gate/escapeXml.js';
import { evaluateGate } from '../../harness/gate/evaluateGate.js';
import { parseGateRule } from '../../harness/gate/parseGateRule.js';
import { renderGateJunit } from '../../harness/gate/renderGateJunit.js';
import { renderGateMarkdown } from '../../harness/gate/renderGateMarkdown.js';
import { entry, loaded, result } from './gateFixtures.js';

function report() {
  const base = [
    entry({ model: 'a<b>&"c"', samples: { decodeTps: [100, 101, 102, 103, 104] }, peakRssBytes: 100 * 1024 ** 2 }),
    entry({ model: 'pipe|name', samples: { decodeTps: [100, 101, 102, 103, 104] } }),
    entry({ model: 'gone', samples: { decodeTps: [1, 2, 3] } }),
  ];
  const cur = [
    entry({ model: 'a<b>&"c"', samples: { decodeTps: [90, 90.5, 91.8, 92, 92.5] }, peakRssBytes: 103 * 1024 ** 2 }),
    entry({ model: 'pipe|name', samples: { decodeTps: [97, 97.5, 98.94, 99, 99.5] } }),
  ];
  return evaluateGate(loaded(result(base), 'base.json'), loaded(result(cur), 'cur.json'), {
    rules: ['decodeTps:-2%,-5%', 'peakRssBytes:+5%'].map((t) => parseGateRule(t)),
  });
}

describe('JUnit XML', () => {
  it('one testcase per verdict, failures for fail verdicts, everything escaped', () => {
    const xml = renderGateJunit(report());
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="slmbench gate" tests="4" failures="1" errors="0" skipped="0">')).toBe(true);
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml).toContain('<testcase classname="a&lt;b&gt;&amp;&quot;c&quot; · llama-cpp threads=1 · pp64+tg64" name="metrics.decodeTps" time="0">');
    expect(xml).toContain('<failure message="−10% passes the fail limit -5%; 90% interval of the ratio over 3 + 3 processes [0.8587, 0.9259]" type="regression">');
    expect(xml).toContain('<property name="evidence" value="separate runs"/>');
    expect(xml).toContain('<system-out>WARN: entry: pipe|name');
    expect(xml).toContain('name="entry" time="0">\n      <system-out>WARN: ');
    // Nothing unescaped: every < starts a tag, every & an entity.
    expect(xml.replace(/<\/?[a-z?][^<>]*>/g, '')).not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;|apos;)/);
  });

  it('escapeXml drops characters XML cannot hold', () => {
    expect(escapeXml('a\u0000b\u001bc\td\n\'"<>&\uFFFE😀')).toBe('a\uFFFDb\uFFFDc\td\n&apos;&quot;&lt;&gt;&amp;\uFFFD😀');
  });
});

describe('Markdown summary', () => {
  it('a verdict table, failures first, with medians, change, evidence and limits', () => {
    const md = renderGateMarkdown(report());
    const lines = md.split('\n');
    expect(lines[0]).toBe('## slmbench gate: ❌ FAIL');
    expect(lines[2]).toBe('1 fail · 2 warn · 1 pass · 0 skip — baseline `base.json` (device dev-a) · current `cur.json` (device dev-a)');
    const table = lines.filter((l) => l.startsWith('| '));
    expect(table[0]).toBe('| verdict | entry | metric | baseline | current | change | evidence | limits warn / fail |');
    expect(table[2]).toBe(
      '| ❌ fail | a<b>&"c" · llama-cpp threads=1 · pp64+tg64 | decode tok/s | 102 (n=5) | 91.8 (n=5) | −10% [−14.1%, −7.41%] | 90% interval of the ratio over 3 + 3 processes [0.8587, 0.9259] | -2% / -5% |',
    );
    expect(md).toContain(
      'Evidence: separate runs: the baseline was measured in another run: drift between runs (5–20% on shared VMs) is not in the intervals, so this evidence is weaker than an interleaved gate (gate --ab).',
    );
    expect(md).toContain('Smallest change this comparison resolves (α = 0.05, power 0.8), worst entry per metric: decode tok/s −5.3%.');
    expect(table[3]).toMatch(/^\| ⚠️ warn \| pipe\\\|name · llama-cpp threads=1 · pp64\+tg64 \| decode tok\/s \| 102 \(n=5\) \| 98\.94 \(n=5\) \| −3% /);
    expect(table[4]).toBe('| ⚠️ warn | gone · llama-cpp threads=1 · pp64+tg64 | entry | — | — | — | ran in the baseline, absent from the current run | — |');
    expect(table[5]).toBe('| ✅ pass | a<b>&"c" · llama-cpp threads=1 · pp64+tg64 | peak RSS MiB | 100 | 103 | +3% | threshold only: one number per run | — / +5% |');
    expect(md).toContain('- only in the baseline: gone · llama-cpp threads=1 · pp64+tg64 (ok)');
  });

  it('escapes table cells', () => {
    expect(escapeMarkdown('a|b\\c\nd', 'cell')).toBe('a\\|b\\\\c d');
  });
});
