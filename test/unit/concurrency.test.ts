/**
 * Concurrency without an engine: the seeded arrival process (a burst, or Poisson gaps reproducible per
 * round whose mean is 1 ÷ rate), and concurrency sweeps in the reports from the concurrency fixture
 * (tiny-1b on onnxruntime at 1, 2 and 4 requests): the family, its gain, the chart's data and marks, and
 * the same line in the console, Markdown and HTML.
 */
import { describe, expect, it } from 'vitest';
import { arrivalOffsets } from '../../harness/runner/concurrency/arrivalOffsets.js';
import { buildReportModel } from '../../reports/buildReportModel.js';
import { concurrencyFamilies } from '../../reports/concurrencyFamilies.js';
import { renderEntriesTable } from '../../reports/console/renderEntriesTable.js';
import { formatConcurrencyFamily } from '../../reports/formatConcurrencyFamily.js';
import { buildCharts } from '../../reports/html/buildCharts.js';
import { renderHtmlReport } from '../../reports/html/renderHtmlReport.js';
import { renderMarkdownReport } from '../../reports/markdown/renderMarkdownReport.js';
import { fixtureResultConcurrency } from '../browser/reportFixture.js';

describe('arrivalOffsets', () => {
  it('puts a burst at 0 and spaces a Poisson process by seeded exponential gaps, the same for the same round', () => {
    expect(arrivalOffsets(4, null, 3)).toEqual([0, 0, 0, 0]);
    const a = arrivalOffsets(5, { rate: 20 }, 0);
    expect(a[0]).toBe(0);
    for (let i = 1; i < a.length; i++) expect(a[i]!).toBeGreaterThan(a[i - 1]!);
    expect(arrivalOffsets(5, { rate: 20 }, 0)).toEqual(a);
    expect(arrivalOffsets(5, { rate: 20 }, 1)).not.toEqual(a);
    // Twice the rate, half the gaps: the same uniforms scaled.
    arrivalOffsets(5, { rate: 40 }, 0).forEach((t, i) => expect(t).toBeCloseTo(a[i]! / 2, 9));
    // Over many arrivals the mean gap is 1 ÷ rate (50 ms at 20/s): within 3% for 20000 gaps of this seed.
    const long = arrivalOffsets(20_001, { rate: 20 }, 7);
    expect(Math.abs(long[20_000]! / 20_000 - 50) / 50).toBeLessThan(0.03);
  });
});

const model = () => buildReportModel([{ result: fixtureResultConcurrency(), source: 'c/result.json' }], { generatedAt: '2026-01-01T00:00:00.000Z' });
const LINE = 'tiny-1b · onnxruntime · pp32+tg16: output 200 → 600 tok/s (3×) from 1 to 4 requests (static batching); per request TTFT 25 → 60 ms, TPOT 4.5 → 6 ms; goodput 9.25 requests/s at 4';

describe('concurrency sweeps in the reports', () => {
  it('groups the entries that differ only in concurrency, ordered, with the gain of the output rate', () => {
    const [family, ...rest] = concurrencyFamilies(model().entries);
    expect(rest).toEqual([]);
    expect(family!.label).toBe('tiny-1b · onnxruntime · pp32+tg16');
    expect(family!.members.map((m) => [m.concurrency, m.batching, m.outputTps.median, m.goodputRps])).toEqual([
      [1, 'single', 200, null],
      [2, 'static', 350, 5.5],
      [4, 'static', 600, 9.25],
    ]);
    expect(family!.gain).toBe(3);
    expect(formatConcurrencyFamily(family!)).toBe(LINE);
  });

  it('draws each request\'s TTFT and TPOT against the output rate, one line per family', () => {
    const chart = buildCharts(model()).find((c) => c.section === 'concurrency')!;
    expect(chart.id).toBe('chart-concurrency');
    const values = (chart.spec as unknown as { data: { values: { concurrency: number; outputTps: number; metric: string; median: number }[] } }).data.values;
    expect(values.map((v) => [v.metric, v.concurrency, v.outputTps, v.median])).toEqual([
      ['TTFT', 1, 200, 25], ['TPOT', 1, 200, 4.5], ['TTFT', 2, 350, 40], ['TPOT', 2, 350, 5], ['TTFT', 4, 600, 60], ['TPOT', 4, 600, 6],
    ]);
    expect([chart.expectedMarks, chart.otherMarks]).toEqual([3, [{ markName: 'ttft_lines_marks', expected: 1 }, { markName: 'tpot_points_marks', expected: 3 }, { markName: 'tpot_lines_marks', expected: 1 }]]);
    // The output rate and goodput become chart metrics of their own.
    expect(buildCharts(model()).filter((c) => c.section === 'metrics').map((c) => c.title)).toEqual(expect.arrayContaining([expect.stringContaining('output tok/s'), expect.stringContaining('goodput')]));
  });

  it('says the same line in the console, Markdown and HTML, with the output rate as a column', async () => {
    const text = renderEntriesTable(fixtureResultConcurrency().entries);
    expect(text).toContain(`concurrency (medians):\n  ${LINE}`);
    expect(text).toContain('output tok/s');
    expect((await renderMarkdownReport(model())).markdown).toContain(`## Concurrency\n\nThe same entries`);
    expect((await renderMarkdownReport(model())).markdown).toContain(`- ${LINE}`);
    const html = renderHtmlReport(model());
    expect(html).toContain('<section id="concurrency"><h2>Concurrency</h2>');
    expect(html).toContain(`<p>${LINE}</p>`);
    expect(html).toMatch(/<tr data-key="cccc10000003"><td class="num">4<\/td><td>static<\/td><td class="num" data-value="600">600<\/td><td class="num" data-value="60">60<\/td><td class="num" data-value="6">6<\/td><td class="num" data-value="9.25">9.25<\/td><\/tr>/);
  });
});
