/// <reference lib="dom" />
/**
 * Opens generated HTML reports from disk in headless Chromium: every chart draws a mark per data point,
 * the console stays clean, no request leaves the page, the Pareto front is marked, and a result whose
 * model name is `<img src=x onerror=alert(1)>` shows that text literally and runs nothing. A report with
 * composite strategies draws them with their own shapes, each cascade threshold sweep as a line through
 * its points in threshold order, and the sweep's thresholds on hover.
 * Without /usr/bin/chromium the tests fail under CI (or with SLMBENCH_SHARED set) and are skipped otherwise.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportModel } from '../../reports/buildReportModel.js';
import { renderHtmlReport } from '../../reports/html/renderHtmlReport.js';
import type { RunResult } from '../../harness/result/RunResult.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { runCli } from '../helpers/cli.js';
import { browserRequired, chromiumMissing, hasChromium, openReport, type OpenedReport } from './openReport.js';
import { fixtureResultA, fixtureResultB, fixtureResultComposite, fixtureResultConcurrency, fixtureResultDepth, fixtureResultFidelity, INJECTED_ERROR, INJECTED_NAME, INJECTED_TEXT } from './reportFixture.js';
import { tempDir } from '../helpers/tempDir.js';

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
    const dir = tempDir('report');
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
        expect(chart.others, chart.id).toEqual([]); // no composites: no sweep lines
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

  describe.skipIf(!hasChromium)(`HTML report with composite strategies in Chromium${hasChromium ? '' : ` (skipped: ${chromiumMissing})`}`, () => {
    let report: OpenedReport;
    const dir = tempDir('report-composite');
    const file = join(dir, 'report.html');
    /** Entry labels of the cascade's thresholds, in threshold order (the fixture lists them the other way). */
    const sweepLabels = ['-inf', '-1.5', 'inf'].map((t) => `stories260K → stories15M · cascade threshold=${t}`);

    beforeAll(async () => {
      const model = buildReportModel([{ result: fixtureResultComposite(), source: 'device-c/result.json' }], { generatedAt: '2026-01-01T00:00:00.000Z' });
      writeFileSync(file, renderHtmlReport(model));
      report = await openReport(file);
      mkdirSync(ARTIFACTS, { recursive: true });
      await report.page.screenshot({ path: join(ARTIFACTS, 'report-composite.png'), fullPage: true });
    });

    afterAll(async () => {
      await report?.close();
    });

    it('makes no request but the page itself, logs no error and opens no dialog', () => {
      expect(new Set(report.requests)).toEqual(new Set([report.url]));
      expect(report.errors).toEqual([]);
      expect(report.dialogs).toEqual([]);
    });

    it('draws every chart, with one sweep line per Pareto chart and the trade-off chart', () => {
      // 6 ok entries: 2 single models, 3 cascade thresholds, 1 ensemble; 6 objectives (energy on every entry,
      // end-to-end time because composites are ranked).
      const pareto = report.charts.filter((c) => c.id.startsWith('chart-pareto'));
      expect(pareto.map((c) => c.id)).toEqual(['chart-pareto-1', 'chart-pareto-2', 'chart-pareto-3', 'chart-pareto-4', 'chart-pareto-5']);
      for (const chart of pareto) {
        expect(chart.drawn, chart.id).toBe(6);
        expect(chart.others, chart.id).toEqual([
          { markName: 'cascade_sweep_marks', expected: 1, drawn: 1 },
          { markName: 'cascade_thresholds_marks', expected: 3, drawn: 3 },
        ]);
      }
      const tradeoff = report.charts.find((c) => c.id === 'chart-cascade-1')!;
      expect([tradeoff.drawn, tradeoff.others.map((o) => [o.markName, o.drawn])]).toEqual([
        3,
        [
          ['quality_line_marks', 1],
          ['latency_points_marks', 3],
          ['latency_line_marks', 1],
          ['oracle_bound_marks', 1],
          ['oracle_point_marks', 1],
          ['local_points_marks', 3],
          ['local_line_marks', 1],
          ['local_tokens_line_marks', 1],
        ],
      ]);
      for (const chart of report.charts) {
        expect(chart.rendered, chart.id).toBe('true');
        expect(chart.drawn, chart.id).toBe(chart.expected);
        for (const other of chart.others) expect(other.drawn, `${chart.id} ${other.markName}`).toBe(other.expected);
      }
    });

    it('draws single models as circles, cascades as diamonds and the ensemble as a square', async () => {
      const shapes = await report.page.$$eval('#chart-pareto-1 g.points_marks > path', (paths) =>
        paths.map((p) => {
          const d = p.getAttribute('d') ?? '';
          const shape = d.includes('A') ? 'circle' : /h.*v/.test(d) ? 'square' : (d.match(/L/g) ?? []).length === 3 ? 'diamond' : d;
          return [/entry: ([^;]+)/.exec(p.getAttribute('aria-label') ?? '')?.[1], shape];
        }),
      );
      expect(shapes).toEqual([
        ['stories260K · llama-cpp', 'circle'],
        ['stories15M · llama-cpp', 'circle'],
        [sweepLabels[2], 'diamond'],
        [sweepLabels[1], 'diamond'],
        [sweepLabels[0], 'diamond'],
        ['stories260K + stories15M · ensemble', 'square'],
      ]);
      const legend = await report.page.textContent('#chart-pareto-1 svg');
      expect(legend).toContain('single or composite');
      expect(legend).toContain('composite: cascade');
    });

    it('draws the sweep line through the cascade points in threshold order', async () => {
      for (const id of ['chart-pareto-1', 'chart-pareto-2', 'chart-pareto-3', 'chart-pareto-4', 'chart-pareto-5']) {
        const { line, points } = await report.page.$eval(`#${id}`, (figure) => ({
          line: figure.querySelector('g.cascade_sweep_marks > path')?.getAttribute('d') ?? '',
          points: Array.from(figure.querySelectorAll('g.points_marks > path')).map((p) => ({
            label: /entry: ([^;]+)/.exec(p.getAttribute('aria-label') ?? '')?.[1] ?? '',
            at: (/translate\(([-\d.e]+),([-\d.e]+)\)/.exec(p.getAttribute('transform') ?? '') ?? []).slice(1).map(Number),
          })),
        }));
        const vertices = [...line.matchAll(/[ML]([-\d.e]+),([-\d.e]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
        const expected = sweepLabels.map((label) => points.find((p) => p.label === label)!.at);
        expect(vertices, id).toHaveLength(3);
        vertices.forEach((v, i) => {
          expect(v[0]!, `${id} vertex ${i} x`).toBeCloseTo(expected[i]![0]!, 2);
          expect(v[1]!, `${id} vertex ${i} y`).toBeCloseTo(expected[i]![1]!, 2);
        });
      }
    });

    it('shows the thresholds of a sweep when one of its points is hovered, and its kind and escalation in the tooltip', async () => {
      const page = report.page;
      const visible = () =>
        page.$$eval('#chart-pareto-1 g.cascade_thresholds_marks > text', (texts) =>
          texts.filter((t) => Number(t.getAttribute('opacity') ?? '1') > 0).map((t) => t.textContent),
        );
      expect(await visible()).toEqual([]);
      const points = await page.$$('#chart-pareto-1 g.points_marks > path');
      const labels = await Promise.all(points.map((p) => p.getAttribute('aria-label')));
      await points[labels.findIndex((l) => l?.includes(`entry: ${sweepLabels[1]};`))]!.hover();
      await page.waitForSelector('#vg-tooltip-element.visible', { timeout: 5000 });
      await expect.poll(visible, { timeout: 5000 }).toEqual(['threshold -inf', 'threshold -1.5', 'threshold inf']);
      const tooltip = (await page.textContent('#vg-tooltip-element')) ?? '';
      for (const text of ['composite: cascade', 'stories260K → stories15M', '-1.5', 'meanLogprob over 16 tokens', '40%']) expect(tooltip).toContain(text);
      await page.mouse.move(1, 1);
      await expect.poll(visible, { timeout: 5000 }).toEqual([]);
      expect(report.errors).toEqual([]);
    });

    it('lists who answered each composite entry', async () => {
      const rows = await report.page.$$eval('#composite-table tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-key'), tr.getAttribute('data-phase')]));
      // Measured loop and tasks for each composite; the -1.5 threshold's tasks split over two stages.
      expect(rows).toEqual([
        ['cccc00000003', 'measured loop'],
        ['cccc00000003', 'accuracy tasks'],
        ['cccc00000004', 'measured loop'],
        ['cccc00000004', 'accuracy tasks'],
        ['cccc00000004', 'accuracy tasks'],
        ['cccc00000005', 'measured loop'],
        ['cccc00000005', 'accuracy tasks'],
        ['cccc00000006', 'measured loop'],
        ['cccc00000006', 'accuracy tasks'],
      ]);
      expect(await report.page.textContent('#composite-table thead')).toContain('J/request (apportioned, estimated)');
    });
  });

  describe.skipIf(!hasChromium)(`HTML report with fidelity in Chromium${hasChromium ? '' : ` (skipped: ${chromiumMissing})`}`, () => {
    it('draws size and decode rate against KL for every entry off the reference, with the tables', async () => {
      const dir = tempDir('report-fidelity');
      const file = join(dir, 'report.html');
      writeFileSync(file, renderHtmlReport(buildReportModel([{ result: fixtureResultFidelity(), source: 'device-f/result.json' }], { generatedAt: '2026-01-01T00:00:00.000Z' })));
      const opened = await openReport(file);
      try {
        expect(opened.errors).toEqual([]);
        const chart = opened.charts.find((c) => c.id === 'chart-fidelity-1')!;
        expect([chart.rendered, chart.drawn, chart.others.map((o) => [o.markName, o.drawn])]).toEqual(['true', 3, [['decode_points_marks', 3]]]);
        for (const c of opened.charts) expect(c.drawn, c.id).toBe(c.expected);
        expect(await opened.page.$$eval('table.fidelity-parity tbody tr', (rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual(['ffff00000004']);
        mkdirSync(ARTIFACTS, { recursive: true });
        await (await opened.page.$('#fidelity'))!.screenshot({ path: join(ARTIFACTS, 'report-fidelity.png') });
      } finally {
        await opened.close();
      }
    });
  });

  describe.skipIf(!hasChromium)(`HTML report with depth and concurrency sweeps in Chromium${hasChromium ? '' : ` (skipped: ${chromiumMissing})`}`, () => {
    it('draws TTFT and TPOT against depth and against the output rate, one line per family, with the tables', async () => {
      const dir = tempDir('report-sweeps');
      const file = join(dir, 'report.html');
      const sources = [
        { result: fixtureResultDepth(), source: 'device-d/result.json' },
        { result: fixtureResultConcurrency(), source: 'device-c/result.json' },
      ];
      writeFileSync(file, renderHtmlReport(buildReportModel(sources, { generatedAt: '2026-01-01T00:00:00.000Z' })));
      const opened = await openReport(file);
      try {
        expect(opened.errors).toEqual([]);
        const depth = opened.charts.find((c) => c.id === 'chart-depth')!;
        expect([depth.rendered, depth.drawn, depth.others.map((o) => [o.markName, o.drawn])]).toEqual(['true', 6, [['ttft_lines_marks', 2], ['tpot_points_marks', 6], ['tpot_lines_marks', 2]]]);
        const throughput = opened.charts.find((c) => c.id === 'chart-concurrency')!;
        expect([throughput.rendered, throughput.drawn, throughput.others.map((o) => [o.markName, o.drawn])]).toEqual(['true', 3, [['ttft_lines_marks', 1], ['tpot_points_marks', 3], ['tpot_lines_marks', 1]]]);
        for (const c of opened.charts) expect(c.drawn, c.id).toBe(c.expected);
        expect(await opened.page.$$eval('table.depth tbody tr', (rows) => rows.length)).toBe(6);
        expect(await opened.page.$$eval('table.concurrency tbody tr', (rows) => rows.length)).toBe(3);
        mkdirSync(ARTIFACTS, { recursive: true });
        await (await opened.page.$('#depth'))!.screenshot({ path: join(ARTIFACTS, 'report-depth.png') });
        await (await opened.page.$('#concurrency'))!.screenshot({ path: join(ARTIFACTS, 'report-concurrency.png') });
      } finally {
        await opened.close();
      }
    });
  });

  describe.skipIf(!hasChromium || !hasShared)(`HTML report of a real run in Chromium${hasShared ? '' : ` (skipped: ${sharedSkipReason})`}`, () => {
    it('opens offline with every chart drawn and the front marked', async () => {
      const out = tempDir('run');
      const run = await runCli([
        'run',
        '--model', sharedPath('models/stories260K/gguf/stories260K-f32.gguf'),
        '--model', sharedPath('models/stories260K/transformersjs'),
        '--backend', 'llama-cpp', '--backend', 'onnxruntime', '--backend', 'transformers-js',
        '--prompt-tokens', '16', '--gen-tokens', '16', '--repetitions', '3', '--processes', '1', '--warmup-seconds', '0',
        '--fidelity',
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
        // Fidelity against llama.cpp under its reference options: the three entries ran with their defaults, so all are drawn.
        expect(opened.charts.find((c) => c.id === 'chart-fidelity-1')?.drawn).toBe(ok);
        expect(await opened.page.$$eval('table.fidelity tbody tr', (rows) => rows.length)).toBe(ok);
        expect(await opened.page.$$eval('#ranking-table tr.on-front', (rows) => rows.length)).toBeGreaterThan(0);
        mkdirSync(ARTIFACTS, { recursive: true });
        await opened.page.screenshot({ path: join(ARTIFACTS, 'report-real-run.png'), fullPage: true });
      } finally {
        await opened.close();
      }
    });
  });
}
