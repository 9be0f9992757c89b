/**
 * Depth sweeps in the reports, from the depth fixture (tiny-1b on llama.cpp at depths 0–1024 missing `chat`
 * at 1024, on onnxruntime at 0 and 1024, and one entry at a single depth): families grouped by everything
 * but the depth and ordered by it, TPOT's least-squares slope, the largest depth meeting the budget, the
 * chart's data and marks, and the same line in the console, Markdown and HTML.
 */
import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../reports/buildReportModel.js';
import { renderEntriesTable } from '../../reports/console/renderEntriesTable.js';
import { depthFamilies } from '../../reports/depthFamilies.js';
import { formatDepthFamily } from '../../reports/formatDepthFamily.js';
import { buildCharts } from '../../reports/html/buildCharts.js';
import { renderHtmlReport } from '../../reports/html/renderHtmlReport.js';
import { renderMarkdownReport } from '../../reports/markdown/renderMarkdownReport.js';
import { fixtureResultDepth } from '../browser/reportFixture.js';

const model = () => buildReportModel([{ result: fixtureResultDepth(), source: 'd/result.json' }], { generatedAt: '2026-01-01T00:00:00.000Z' });

const LLAMA_LINE =
  'tiny-1b · llama-cpp · pp32+tg16: TTFT 20 → 31 ms, TPOT 4 → 6 ms from depth 0 to 1024 (TPOT +1.953 ms per 1000 tokens); meets chat up to depth 512';
const ORT_LINE = 'tiny-1b · onnxruntime · pp32+tg16: TTFT 12 → 18 ms, TPOT 3 → 3.5 ms from depth 0 to 1024 (TPOT +0.4883 ms per 1000 tokens); meets chat up to depth 1024 (the largest measured)';

describe('depthFamilies', () => {
  it('groups the entries that differ only in depth, orders them, and finds the slope and the largest depth meeting the budget', () => {
    const families = depthFamilies(model().entries);
    expect(families.map((f) => [f.id, f.label, f.members.map((m) => m.depth)])).toEqual([
      ['depth-1', 'tiny-1b · llama-cpp · pp32+tg16', [0, 256, 512, 1024]],
      ['depth-2', 'tiny-1b · onnxruntime · pp32+tg16', [0, 1024]],
    ]);
    // (0, 4), (256, 4.5), (512, 5), (1024, 6): slope 1120 / 573440 ms per token.
    expect(families[0]!.tpotSlopeMsPer1k).toBeCloseTo((1120 / 573440) * 1000, 12);
    expect(families[1]!.tpotSlopeMsPer1k).toBeCloseTo(0.5 / 1.024, 12);
    expect(families.map((f) => f.slo)).toEqual([{ preset: 'chat', maxDepth: 512 }, { preset: 'chat', maxDepth: 1024 }]);
    expect(families.map(formatDepthFamily)).toEqual([LLAMA_LINE, ORT_LINE]);
  });

  it('stops at the first depth that misses, and says when even the smallest does', () => {
    const result = fixtureResultDepth();
    // llama.cpp misses at 256 but meets again at 512: the budget holds up to 0 only.
    const at256 = result.entries[1]!;
    at256.metrics!.slo = { ...at256.metrics!.slo!, met: false };
    const first = result.entries[0]!;
    const families = () => depthFamilies(buildReportModel([{ result, source: 'd' }]).entries);
    expect(families()[0]!.slo).toEqual({ preset: 'chat', maxDepth: 0 });
    first.metrics!.slo = { ...first.metrics!.slo!, met: false };
    expect(families()[0]!.slo).toEqual({ preset: 'chat', maxDepth: null });
    expect(formatDepthFamily(families()[0]!)).toMatch(/; misses chat at every depth$/);
    // Without a judged budget there is no verdict.
    for (const e of result.entries) delete e.metrics!.slo;
    expect(families()[0]!.slo).toBeUndefined();
    expect(formatDepthFamily(families()[0]!)).toMatch(/per 1000 tokens\)$/);
  });
});

describe('depth chart and tables', () => {
  it('draws TTFT and TPOT against depth, one line per family, with interval bars', () => {
    const chart = buildCharts(model()).find((c) => c.section === 'depth')!;
    expect(chart.id).toBe('chart-depth');
    const values = (chart.spec as unknown as { data: { values: { family: string; depth: number; metric: string; median: number }[] } }).data.values;
    expect(values.filter((v) => v.metric === 'TPOT').map((v) => [v.depth, v.median])).toEqual([[0, 4], [256, 4.5], [512, 5], [1024, 6], [0, 3], [1024, 3.5]]);
    expect([chart.markName, chart.expectedMarks, chart.otherMarks]).toEqual([
      'ttft_points_marks',
      6,
      [
        { markName: 'ttft_lines_marks', expected: 2 },
        { markName: 'tpot_points_marks', expected: 6 },
        { markName: 'tpot_lines_marks', expected: 2 },
      ],
    ]);
    // No chart, section or line without a depth sweep.
    const plain = buildReportModel([{ result: { ...fixtureResultDepth(), entries: fixtureResultDepth().entries.slice(5) }, source: 'd' }]);
    expect(buildCharts(plain).some((c) => c.section === 'depth')).toBe(false);
    expect(renderHtmlReport(plain)).not.toContain('id="depth"');
  });

  it('says the same line in the console, Markdown and HTML', async () => {
    const console = renderEntriesTable(fixtureResultDepth().entries);
    expect(console).toContain(`context depth (medians):\n  ${LLAMA_LINE}\n  ${ORT_LINE}`);
    const { markdown } = await renderMarkdownReport(model());
    expect(markdown).toContain(`## Context depth`);
    expect(markdown).toContain(`- ${LLAMA_LINE}`);
    const html = renderHtmlReport(model());
    expect(html).toContain('<section id="depth"><h2>Context depth</h2>');
    expect(html).toContain('<a href="#depth">Context depth</a>');
    expect(html).toContain(`<p>${LLAMA_LINE.replace('→', '→')}</p>`);
    expect(html.match(/<table class="depth" data-family="\d">/g)).toHaveLength(2);
    expect(html).toMatch(/<tr data-key="dddd00000004"><td class="num">1024<\/td><td class="num" data-value="31">31<\/td><td class="num" data-value="6">6<\/td><td>✗<\/td><\/tr>/);
  });
});
