/// <reference lib="dom" />
/**
 * Opens generated HTML reports from disk in headless Chromium: every chart draws a mark per data point,
 * the console stays clean, no request leaves the page, the Pareto front is marked, and a result whose
 * model name is `<img src=x onerror=alert(1)>` shows that text literally and runs nothing.
 * Without /usr/bin/chromium the tests fail under CI (or with SLMBENCH_SHARED set) and are skipped otherwise.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportModel } from '../../reports/buildReportModel.js';
import { renderHtmlReport } from '../../reports/html/renderHtmlReport.js';
import type { RunResult } from '../../harness/result/RunResult.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { runCli } from '../helpers/cli.js';
import { browserRequired, chromiumMissing, hasChromium, openReport, type OpenedReport } from './openReport.js';
import { fixtureResultA, fixtureResultB, INJECTED_ERROR, INJECTED_NAME, INJECTED_TEXT } from './reportFixture.js';

const ARTIFACTS = resolve('test-artifacts');

if (!hasChromium && !browserRequired) console.warn(`slmbench: skipping the browser tests: ${chromiumMissing}`);

if (!hasChromium && browserRequired) {
  describe('HTML report in Chromium', () => {
    it('needs Chromium', () => {
      throw new Error(chromiumMissing);
    });
  });
} else {
  describe.skipIf(!hasChromium)(`HTML report in Chromium${hasChromium ? '' : ` (skipped: ${chromiumMissing})`}`, () => {
    let report: OpenedReport;
    const dir = mkdtempSync(join(tmpdir(), 'slmbench-report-'));
    const file = join(dir, 'report.html');

    beforeAll(async () => {
      const model = buildReportModel(
        [
          { result: fixtureResultA(), source: 'device-a/result.json' },
          { result: fixtureResultB(), source: 'device-b/result.json' },
        ],
        { generatedAt: '2026-01-01T00:00:00.000Z' },
      );
      writeFileSync(file, renderHtmlReport(model));
      report = await openReport(file);
      mkdirSync(ARTIFACTS, { recursive: true });
      await report.page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
      await report.page.screenshot({ path: join(ARTIFACTS, 'report-top.png') });
    });

    afterAll(async () => {
      await report?.close();
    });

    it('makes no request but the page itself', () => {
      expect(new Set(report.requests)).toEqual(new Set([report.url]));
    });

    it('logs no error and opens no dialog', () => {
      expect(report.errors).toEqual([]);
      expect(report.dialogs).toEqual([]);
    });

    it('draws every chart with a mark per data point', () => {
      // 6 ok entries (4 on device A, 2 on device B), each with 5 repetitions.
      const expected: Record<string, number> = {
        'chart-pareto-1': 6,
        'chart-pareto-2': 6,
        'chart-pareto-3': 6,
        'chart-ttft': 30,
        'chart-itl': 6,
        'chart-sequence': 6,
        'chart-size-1': 6,
      };
      for (let i = 1; i <= 7; i++) expected[`chart-metric-${i}`] = 6; // latency, throughput, load, memory
      expected['chart-metric-8'] = 4; // energy per output token: device A only
      expected['chart-metric-9'] = 4; // energy per total token: device A only
      expected['chart-metric-10'] = 6; // arc_easy acc
      for (let i = 1; i <= 3; i++) expected[`chart-device-${i}`] = 6; // decode, TTFT, peak RSS
      expect(Object.fromEntries(report.charts.map((c) => [c.id, c.drawn]))).toEqual(expected);
      for (const chart of report.charts) {
        expect(chart.rendered, chart.id).toBe('true');
        expect(chart.drawn, chart.id).toBe(chart.expected);
      }
    });

    it('marks the Pareto front', async () => {
      // Device B runs the first two configurations 1.5× faster: they dominate everything on device A except
      // nothing else; the front is those two plus whatever device A has that they do not dominate.
      const frontRows = await report.page.$$eval('#ranking-table tr.on-front', (rows) => rows.length);
      const frontPoints = await report.page.$$eval('#chart-pareto-1 g.points_marks > path', (paths) =>
        paths.filter((p) => Number(p.getAttribute('opacity') ?? p.getAttribute('fill-opacity') ?? '1') > 0.9).length,
      );
      expect(frontRows).toBeGreaterThan(0);
      expect(frontPoints).toBe(frontRows);
      const glance = await report.page.textContent('#glance');
      expect(glance).toContain(`${frontRows} of 6 ranked entries`);
    });

    it('shows injected markup literally and runs none of it', async () => {
      const page = report.page;
      const text = await page.evaluate(() => document.body.innerText);
      expect(text).toContain(INJECTED_NAME);
      expect(text).toContain(INJECTED_ERROR);
      expect(await page.$$eval('img', (images) => images.length)).toBe(0);
      expect(await page.$$eval('main script, main iframe, main object', (nodes) => nodes.length)).toBe(0);
      // In the charts: the injected name is SVG text, not markup.
      const svgText = await page.$$eval('#chart-metric-1 svg text', (nodes) => nodes.map((n) => n.textContent).join('\n'));
      expect(svgText).toContain(INJECTED_NAME);
      // In the metadata: the generated text.
      expect(await page.textContent('#metadata')).toContain(INJECTED_TEXT);
      // A tooltip over an injected entry shows the name as text.
      const bars = await page.$$('#chart-metric-1 g.bars_marks > path');
      const labels = await Promise.all(bars.map((bar) => bar.getAttribute('aria-label')));
      const injectedBar = bars[labels.findIndex((label) => label?.includes(INJECTED_NAME))];
      expect(injectedBar).toBeDefined();
      await injectedBar!.hover();
      await page.waitForSelector('#vg-tooltip-element.visible', { timeout: 5000 });
      const tooltip = await page.$eval('#vg-tooltip-element', (el) => ({ text: el.textContent ?? '', images: el.querySelectorAll('img').length }));
      expect(tooltip.images).toBe(0);
      expect(tooltip.text).toContain(INJECTED_NAME);
      expect(report.dialogs).toEqual([]);
      expect(report.errors).toEqual([]);
    });

    it('sorts a table by a clicked column', async () => {
      const page = report.page;
      const column = await page.$$eval('#ranking-table thead th', (ths) => ths.findIndex((th) => th.textContent?.startsWith('decode tok/s')));
      const header = (await page.$$('#ranking-table thead th'))[column]!;
      const read = () => page.$$eval(`#ranking-table tbody tr td:nth-child(${column + 1})`, (tds) => tds.map((td) => Number(td.getAttribute('data-sort'))));
      await header.click();
      const ascending = await read();
      expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
      await header.click();
      const descending = await read();
      expect(descending).toEqual([...ascending].reverse());
    });
  });

  describe.skipIf(!hasChromium || !hasShared)(`HTML report of a real run in Chromium${hasShared ? '' : ` (skipped: ${sharedSkipReason})`}`, () => {
    it('opens offline with every chart drawn and the front marked', async () => {
      const out = mkdtempSync(join(tmpdir(), 'slmbench-run-'));
      const run = await runCli([
        'run',
        '--model', sharedPath('models/stories260K/gguf/stories260K-f32.gguf'),
        '--model', sharedPath('models/stories260K/transformersjs'),
        '--backend', 'llama-cpp', '--backend', 'onnxruntime', '--backend', 'transformers-js',
        '--prompt-tokens', '16', '--gen-tokens', '16', '--repetitions', '3',
        '--out', join(out, 'run'),
      ]);
      expect(run.code, run.stderr).toBe(0);
      const { readFileSync } = await import('node:fs');
      const result = JSON.parse(readFileSync(join(out, 'run', 'result.json'), 'utf8')) as RunResult;
      const file = join(out, 'report.html');
      writeFileSync(file, renderHtmlReport(buildReportModel([{ result, source: 'run' }])));
      const opened = await openReport(file);
      try {
        expect(new Set(opened.requests)).toEqual(new Set([opened.url]));
        expect(opened.errors).toEqual([]);
        const ok = result.entries.filter((e) => e.status === 'ok').length;
        expect(ok).toBeGreaterThan(0);
        expect(opened.charts.length).toBeGreaterThan(0);
        for (const chart of opened.charts) {
          expect(chart.rendered, chart.id).toBe('true');
          expect(chart.drawn, chart.id).toBe(chart.expected);
        }
        for (const chart of opened.charts.filter((c) => c.id.startsWith('chart-pareto'))) expect(chart.drawn).toBe(ok);
        expect(await opened.page.$$eval('#ranking-table tr.on-front', (rows) => rows.length)).toBeGreaterThan(0);
        mkdirSync(ARTIFACTS, { recursive: true });
        await opened.page.screenshot({ path: join(ARTIFACTS, 'report-real-run.png'), fullPage: true });
      } finally {
        await opened.close();
      }
    });
  });
}
