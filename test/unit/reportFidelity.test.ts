/**
 * Fidelity in the reports, from the fidelity fixture (a stories15M F32 reference on llama.cpp, F16 and Q4_0
 * beside it, the same weights on onnxruntime): entries grouped by reference with the reference entry
 * found, the cross-engine parity row, accuracy deltas tested pair by pair, the chart's data and the
 * HTML, Markdown and console tables.
 */
import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../reports/buildReportModel.js';
import { renderEntriesTable } from '../../reports/console/renderEntriesTable.js';
import { fidelityFamilies } from '../../reports/fidelityFamilies.js';
import { buildCharts } from '../../reports/html/buildCharts.js';
import { renderHtmlReport } from '../../reports/html/renderHtmlReport.js';
import { renderMarkdownReport } from '../../reports/markdown/renderMarkdownReport.js';
import { mcnemarExact } from '../../harness/stats/mcnemarExact.js';
import { FIDELITY_REFERENCE_SHA, fixtureResultFidelity } from '../browser/reportFixture.js';

const model = () => buildReportModel([{ result: fixtureResultFidelity(), source: 'f/result.json' }], { generatedAt: '2026-01-01T00:00:00.000Z' });

describe('fidelityFamilies', () => {
  it('groups by reference, finds the reference entry, marks same-weight other-engine rows, and tests accuracy pair by pair', () => {
    const [family, ...rest] = fidelityFamilies(model().entries);
    expect(rest).toEqual([]);
    expect(family!.reference.sha256).toBe(FIDELITY_REFERENCE_SHA);
    expect(family!.referenceEntry!.entry.model.quant).toBe('F32');
    expect(family!.rows.map((r) => [r.entry.entry.model.quant, r.parity])).toEqual([['F32', false], ['F16', false], ['Q4_0', false], ['fp32', true]]);
    const q4 = family!.rows[2]!.quality;
    expect(q4.map((q) => [q.path, q.comparison.method, q.comparison.paired])).toEqual([['metrics.quality.arc_easy.acc', 'mcnemar', { items: 400, discordant: { worse: 30, better: 5 } }]]);
    expect(q4[0]!.comparison.pValue).toBe(mcnemarExact(30, 5).twoSided);
    expect(q4[0]!.comparison.change).toBe('worse');
    expect(family!.rows[1]!.quality[0]!.comparison.change).toBeNull();
    expect(family!.rows[0]!.quality).toEqual([]);
  });
});

describe('fidelity chart', () => {
  it('draws size and decode rate against the mean KL on a log axis, leaving the reference at 0 off and naming it', () => {
    const chart = buildCharts(model()).find((c) => c.section === 'fidelity')!;
    expect(chart.id).toBe('chart-fidelity-1');
    const values = (chart.spec as unknown as { data: { values: { quant: string; kl: number }[] } }).data.values;
    expect(values.map((d) => [d.quant, d.kl])).toEqual([['F16', 2.1e-6], ['Q4_0', 0.0015], ['fp32', 1.5e-12]]);
    expect(chart.description).toContain('Not drawn (KL exactly 0, the reference\'s own computation): stories15M-F32 · llama-cpp.');
    expect([chart.markName, chart.expectedMarks, chart.otherMarks]).toEqual(['size_points_marks', 3, [{ markName: 'decode_points_marks', expected: 3 }]]);
  });
});

describe('fidelity tables', () => {
  it('HTML: a table per reference with accuracy deltas, and the parity table', () => {
    const html = renderHtmlReport(model());
    expect(html).toContain('<a href="#fidelity">Fidelity</a>');
    const table = /<table class="fidelity" data-family="1">[\s\S]*?<\/table>/.exec(html)![0];
    expect(table).toContain('<th>Δ arc_easy acc</th>');
    const q4 = /<tr data-key="ffff00000003">([\s\S]*?)<\/tr>/.exec(table)![1]!;
    const cells = [...q4.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]);
    expect(cells.slice(0, 9)).toEqual(['stories15M-Q4_0 · llama-cpp', '0.0015', '0.012', '0.018', '36%', '0.0045', '1.0045', '25%', '3']);
    // 25 fewer right of 400; two-sided exact McNemar on 30 worse, 5 better: 2 · 384,168 / 2^35.
    expect(cells[9]).toBe('-0.0625 [-0.0925, -0.035], McNemar p = 0.000022 <strong>worse</strong>');
    expect(table).toContain('<span class="tag">reference</span>');
    const parity = /<table class="fidelity-parity"[\s\S]*?<\/table>/.exec(html)![0];
    expect([...parity.matchAll(/<tr data-key="([^"]+)">/g)].map((m) => m[1])).toEqual(['ffff00000004']);
    expect(parity).toContain('<td>agrees</td>');
  });

  it('Markdown: the same table, the reference and the same-weights row marked', async () => {
    const { markdown } = await renderMarkdownReport(model());
    const section = markdown.slice(markdown.indexOf('## Fidelity'), markdown.indexOf('## All entries'));
    const lines = section.split('\n');
    expect(lines).toContain(`**Against stories15M-F32 · llama-cpp** (reference sha256 \`${FIDELITY_REFERENCE_SHA.slice(0, 12)}\`).`);
    expect(lines).toContain('| entry | KL mean | KL p99 | KL max | top-1 agree | Δ NLL | PPL ratio | greedy same | Δ arc\\_easy acc |');
    expect(lines.filter((l) => l.startsWith('| stories15M'))).toEqual([
      '| stories15M-F32 · llama-cpp (reference) | 0 | 0 | 0 | 100% | 0 | 1.0000 | 100% | — |',
      '| stories15M-F16 · llama-cpp | 2.1e-6 | 1.7e-5 | 2.5e-5 | 99.8% | 6.3e-6 | 1.0000 | 25% | 0 [0, 0] |',
      '| stories15M-Q4\\_0 · llama-cpp | 0.0015 | 0.012 | 0.018 | 36% | 0.0045 | 1.0045 | 25% | -0.0625 [-0.0925, -0.035] **worse** |',
      '| stories15M-fp32 · onnxruntime (same weights) | 1.5e-12 | 1.2e-11 | 1.8e-11 | 100% | 4.5e-12 | 1.0000 | 100% | 0 [0, 0] |',
    ]);
  });

  it('console: a fidelity table and its reference named once', () => {
    const text = renderEntriesTable(fixtureResultFidelity().entries);
    expect(text).toContain('KL mean');
    expect(text).toContain(`fidelity: KL divergence in nats per token (a lower bound over the reference's top k), against stories15M-F32 · llama-cpp (reference sha256 ${FIDELITY_REFERENCE_SHA.slice(0, 12)})`);
  });
});
