/// <reference lib="dom" />
/**
 * Opens a report from disk in headless Chromium (Debian's, via playwright-core), records every request,
 * console message, page error and dialog, waits for every chart, and counts what each chart drew (its
 * counted mark, and the other marks its figure lists in `data-other-marks`).
 */
import { existsSync, rmSync } from 'node:fs';


import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { tempDir } from '../helpers/tempDir.js';

/** Debian's Chromium (`apt-get install chromium`); `SLMBENCH_CHROMIUM` overrides it. */
export const CHROMIUM = process.env.SLMBENCH_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the browser tests must run (CI, or a run with the shared data) rather than skip. */
export const browserRequired = process.env.CI === 'true' || Boolean(process.env.SLMBENCH_SHARED);

export const hasChromium = existsSync(CHROMIUM);

export const chromiumMissing = `${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y --no-install-recommends chromium; .ci/run does)`;

/** What a chart drew. */
export interface ChartCount {
  id: string;
  markName: string;
  expected: number;
  /** Items drawn by the chart's counted mark (SVG elements inside its mark groups). */
  drawn: number;
  rendered: string | null;
  /** The chart's other counted marks (`otherMarks` of its definition), each with what it drew. */
  others: { markName: string; expected: number; drawn: number }[];
}

export interface OpenedReport {
  page: Page;
  url: string;
  /** Every request the page made (URLs, in order; any but the page itself is aborted). */
  requests: string[];
  /** Console messages of type error, and uncaught page errors. */
  errors: string[];
  /** Console warnings. */
  warnings: string[];
  /** Messages of every alert/confirm/prompt that opened. */
  dialogs: string[];
  charts: ChartCount[];
  close(): Promise<void>;
}

/** Opens `file`, waits until every chart has settled, and counts marks. */
export async function openReport(file: string, viewport = { width: 1400, height: 1000 }): Promise<OpenedReport> {
  const profile = tempDir('chromium');
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const requests: string[] = [];
    const errors: string[] = [];
    const warnings: string[] = [];
    const dialogs: string[] = [];
    // Every request is recorded and only the page itself is let through.
    const url = pathToFileURL(file).href;
    page.on('request', (request) => requests.push(request.url()));
    await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
      if (message.type() === 'warning') warnings.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(url);
    await page.waitForSelector('html[data-charts-ready="true"]', { timeout: 60_000 });
    const charts = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('figure.chart')).map((figure) => {
        // No named helper functions in here: the test transpiler may wrap them in a helper the page lacks.
        const markName = figure.dataset.markName ?? '';
        const listed = JSON.parse(figure.dataset.otherMarks ?? '[]') as { markName: string; expected: number }[];
        const counts = [markName, ...listed.map((m) => m.markName)].map((name) =>
          Array.from(figure.querySelectorAll(`svg g.role-mark.${CSS.escape(name)}`)).reduce(
            (n, group) => n + group.querySelectorAll(':scope > path, :scope > rect, :scope > line, :scope > text, :scope > circle').length,
            0,
          ),
        );
        const others = listed.map((m, i) => ({ ...m, drawn: counts[i + 1]! }));
        return { id: figure.id, markName, expected: Number(figure.dataset.expectedMarks), drawn: counts[0]!, rendered: figure.getAttribute('data-rendered'), others };
      }),
    );
    const opened = context;
    return {
      page,
      url,
      requests,
      errors,
      warnings,
      dialogs,
      charts,
      close: async () => {
        await opened.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
