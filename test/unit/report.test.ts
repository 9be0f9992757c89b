import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportCommand, ResultFileError } from '../../harness/cli/reportCommand.js';
import { Z95 } from '../../harness/stats/normalQuantile.js';
import type { EntryRecord } from '../../harness/result/EntryRecord.js';
import { buildReportModel } from '../../reports/buildReportModel.js';
import { renderCsvReport } from '../../reports/csv/renderCsvReport.js';
import { flattenEntry } from '../../reports/flattenEntry.js';
import { formatNumber } from '../../reports/formatNumber.js';
import { escapeHtml } from '../../reports/html/escapeHtml.js';
import { readVegaBundles } from '../../reports/html/readVegaBundles.js';
import { renderHtmlReport } from '../../reports/html/renderHtmlReport.js';
import { scriptJson } from '../../reports/html/scriptJson.js';
import { escapeMarkdown } from '../../reports/markdown/escapeMarkdown.js';
import { renderMarkdownReport } from '../../reports/markdown/renderMarkdownReport.js';
import { fixtureResultA, fixtureResultB, INJECTED_ERROR, INJECTED_NAME, INJECTED_TEXT } from '../browser/reportFixture.js';
import { tempDir } from '../helpers/tempDir.js';

const sourcesAB = () => [
  { result: fixtureResultA(), source: 'a/result.json' },
  { result: fixtureResultB(), source: 'b/result.json' },
];

describe('flattenEntry', () => {
  it('flattens identity, statistics (median and interval), estimates and errors', () => {
    const entry = fixtureResultA().entries[0]!;
    const row = flattenEntry(entry, { device: 'Test CPU A', deviceId: 'deviceaaaa000001', optionKeys: [] });
    expect(Object.keys(row).slice(0, 20)).toEqual([
      'key', 'id', 'status', 'label', 'model', 'format', 'quant', 'params', 'modelSizeBytes', 'backend', 'backendVersion',
      'options', 'backendDevice', 'workload', 'promptTokens', 'genTokens', 'device', 'deviceId', 'repetitions', 'tokenHandover',
    ]);
    const m = entry.metrics!;
    expect(row['decodeTps.median']).toBe(m.decodeTps!.median);
    expect(row['decodeTps.ci95Low']).toBe(m.decodeTps!.ci95![0]);
    expect(row['decodeTps.ci95High']).toBe(m.decodeTps!.ci95![1]);
    expect(row['decodeTps.n']).toBe(5);
    expect(row['loadMs.ci95Low']).toBeNull(); // one sample: no interval
    expect(row.peakRssBytes).toBe(300 * 1024 * 1024);
    expect(row['quality.arc_easy.acc']).toBe(0.52);
    expect(row['quality.arc_easy.acc.stderr']).toBe(0.01);
    expect(row['quality.arc_easy.acc.ci95Low']).toBe(0.52 - Z95 * 0.01);
    expect(row.options).toBe('');
    expect(Object.keys(row).slice(19, 24)).toEqual(['tokenHandover', 'firstHandoverTokens', 'composite', 'threshold', 'escalationRate']);
    expect([row.composite, row.threshold, row.escalationRate]).toEqual([null, null, null]); // a single model
    expect(row.errorCode).toBeNull();
    expect(row.front).toBeUndefined(); // no ranking given
    const errored = flattenEntry(fixtureResultA().entries[4]!);
    expect([errored.status, errored.errorCode, errored.errorMessage]).toEqual(['errored', 'WORKER_CRASHED', INJECTED_ERROR]);
    expect(errored.options).toBe('threads=auto');
  });
});

describe('buildReportModel', () => {
  it('merges results from two devices, keeping each entry\'s device', () => {
    const model = buildReportModel(sourcesAB(), { generatedAt: 'T' });
    expect(model.devices.map((d) => [d.id, d.short])).toEqual([['deviceaaaa000001', 'Test CPU A'], ['devicebbbb000002', 'Test CPU B']]);
    expect(model.entries.map((e) => e.key)).toEqual([
      'aaaa00000001@deviceaaaa000001', 'aaaa00000002@deviceaaaa000001', 'aaaa00000003', 'aaaa00000004', 'aaaa00000005', 'aaaa00000006',
      'aaaa00000001@devicebbbb000002', 'aaaa00000002@devicebbbb000002',
    ]);
    expect(model.entries[0]!.label).toBe('tiny-1b · llama-cpp · Test CPU A');
    expect(model.entries[6]!.label).toBe('tiny-1b · llama-cpp · Test CPU B');
    expect(model.ranking.entries.map((r) => r.id)).toEqual(model.entries.map((e) => e.key));
    expect(model.ranking.objectives.map((o) => o.metric)).toEqual([
      'metrics.quality.arc_easy.acc', 'metrics.decodeTps', 'metrics.ttftMs', 'metrics.peakRssBytes',
    ]);
    // Device B runs the same two configurations 1.5× faster with the same memory and accuracy.
    expect(model.entries.filter((e) => e.ranking.front === 0).map((e) => e.key)).toEqual([
      'aaaa00000001@devicebbbb000002', 'aaaa00000002@devicebbbb000002',
    ]);
    expect(model.entries[4]!.ranking.excluded).toBe('status errored (WORKER_CRASHED)');
  });

  it('uses the objectives of a stored ranking unless others are given', () => {
    const result = { ...fixtureResultA(), ranking: { objectives: [{ metric: 'metrics.ttftMs', direction: 'min' }] } };
    const stored = buildReportModel([{ result: result as never, source: 'r' }]);
    expect(stored.ranking.objectives.map((o) => o.metric)).toEqual(['metrics.ttftMs']);
    const given = buildReportModel([{ result: result as never, source: 'r' }], { objectives: [{ metric: 'decodeTps', direction: 'max' }] });
    expect(given.ranking.objectives.map((o) => o.metric)).toEqual(['metrics.decodeTps']);
  });
});

describe('CSV report', () => {
  it('writes one row per entry with flat columns, quoted per RFC 4180, formulas defused', () => {
    const result = fixtureResultA();
    const entry = result.entries[0]!;
    result.entries = [
      { ...entry, model: { ...entry.model, name: '=HYPERLINK("http://x")' } } as EntryRecord,
      { ...result.entries[4]!, error: { code: 'X', message: 'a, "b"\nc' } } as EntryRecord,
    ];
    const csv = renderCsvReport(buildReportModel([{ result, source: 'r' }]));
    const lines = csv.split('\r\n');
    expect(lines[0]!.startsWith('key,id,status,label,model,format,quant,params,modelSizeBytes,backend,')).toBe(true);
    expect(lines[1]).toContain(`,"'=HYPERLINK(""http://x"")",`);
    expect(csv).toContain('"a, ""b""\nc"');
    expect(lines[1]).toContain(`,${entry.metrics!.decodeTps!.median},`);
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});

describe('Markdown report', () => {
  it('hides columns that do not vary, escapes result strings, and links charts rendered as SVG', async () => {
    const model = buildReportModel(sourcesAB(), { generatedAt: 'T' });
    const { markdown, images } = await renderMarkdownReport(model, { images: { base: 'report-charts' } });
    expect(markdown).toContain('All entries: workload pp32+tg16.');
    expect(markdown).toContain('| entry | model | quant | backend | device | status | front |');
    expect(markdown).not.toContain('<img');
    expect(markdown).not.toContain('<script');
    expect(markdown).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(markdown).toContain('**2 of 6** ranked entries are on the Pareto front');
    expect(images.map((i) => i.file)).toEqual(['pareto-1.svg', 'pareto-2.svg', 'pareto-3.svg', 'metric-1.svg', 'metric-2.svg', 'metric-7.svg', 'metric-10.svg']);
    expect(markdown).toContain('![arc\\_easy acc against decode tok/s](report-charts/pareto-1.svg)');
    for (const image of images) {
      expect(image.svg.startsWith('<svg')).toBe(true);
      expect(image.svg).not.toContain('<img');
    }
    // The injected model name is drawn as text, escaped in the SVG.
    expect(images.find((i) => i.file === 'metric-1.svg')!.svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('without images: tables only', async () => {
    const { markdown, images } = await renderMarkdownReport(buildReportModel(sourcesAB()));
    expect(images).toEqual([]);
    expect(markdown).not.toContain('![');
  });
});

describe('HTML report', () => {
  const html = renderHtmlReport(buildReportModel(sourcesAB(), { generatedAt: 'T' }));

  it('never contains a result string unescaped', () => {
    // Outside the inlined libraries (whose code may mention tags), no raw markup from a result.
    const own = readVegaBundles().reduce((text, b) => text.replace(b.code, ''), html);
    for (const raw of [INJECTED_NAME, INJECTED_ERROR, INJECTED_TEXT, '<img', '<script>alert', '<svg onload']) expect(own).not.toContain(raw);
    expect(html).toContain(escapeHtml(INJECTED_NAME));
    expect(html).toContain(escapeHtml(INJECTED_ERROR));
  });

  it('inlines vega, vega-lite and vega-embed and allows only its own scripts by hash', () => {
    const bundles = readVegaBundles();
    expect(bundles.map((b) => b.name)).toEqual(['vega', 'vega-lite', 'vega-embed']);
    for (const b of bundles) expect(html).toContain(b.code.slice(0, 200));
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(4);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!.replace(/&#39;/g, "'");
    for (const script of scripts) expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    const own = readVegaBundles().reduce((text, b) => text.replace(b.code, ''), html);
    expect(own).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img /);
  });

  it('embeds every chart spec as JSON that parses back', () => {
    const json = /<script type="application\/json" id="slmbench-charts">([\s\S]*?)<\/script>/.exec(html)![1]!;
    const charts = JSON.parse(json) as { id: string }[];
    expect(charts.map((c) => c.id)).toContain('chart-pareto-1');
    for (const c of charts) expect(html).toContain(`<figure class="chart`);
    expect(html.match(/<figure class="chart/g)).toHaveLength(charts.length);
  });
});

describe('escaping helpers', () => {
  it('escapeHtml, scriptJson, escapeMarkdown', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const tricky = { s: '</script><!-- \u2028 & >' };
    const encoded = scriptJson(tricky);
    expect(encoded).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(encoded)).toEqual(tricky);
    expect(escapeMarkdown('a|b *c* <d>\n[e]_f')).toBe('a\\|b \\*c\\* &lt;d&gt; \\[e\\]\\_f');
    expect([formatNumber(3945.76), formatNumber(0.25370), formatNumber(null), formatNumber(12.3456)]).toEqual(['3,946', '0.2537', '—', '12.35']);
  });
});

describe('reportCommand', () => {
  const dir = tempDir('report-cmd');
  const runDir = join(dir, 'run-a');
  mkdirSync(runDir);
  writeFileSync(join(runDir, 'result.json'), JSON.stringify(fixtureResultA()));
  writeFileSync(join(dir, 'b.json'), JSON.stringify(fixtureResultB()));

  it('writes report.html beside the first result by default, from a folder or a file', async () => {
    expect(await reportCommand([runDir, join(dir, 'b.json')], {})).toBe(0);
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('chart-device-1');
  });

  it('writes Markdown with its charts beside it, CSV and JSON, format from the extension', async () => {
    expect(await reportCommand([runDir], { out: join(dir, 'summary.md') })).toBe(0);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('](summary-charts/pareto-1.svg)');
    expect(existsSync(join(dir, 'summary-charts', 'pareto-1.svg'))).toBe(true);
    expect(await reportCommand([runDir], { out: join(dir, 'rows.csv') })).toBe(0);
    expect(readFileSync(join(dir, 'rows.csv'), 'utf8').split('\r\n')).toHaveLength(6 + 2);
    expect(await reportCommand([runDir], { out: join(dir, 'r.json'), objectives: ['decodeTps:max', 'ttftMs'] })).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(json.entries).toHaveLength(6);
    expect(json.ranking.objectives.map((o: { metric: string; direction: string }) => `${o.metric}:${o.direction}`)).toEqual(['metrics.decodeTps:max', 'metrics.ttftMs:min']);
    expect(await reportCommand([runDir, join(dir, 'b.json')], { out: join(dir, 'merged.json') })).toBe(0);
    const merged = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8'));
    expect([merged.results.length, merged.ranking.entries.length]).toEqual([2, 8]);
  });

  it('rejects unreadable or invalid results with one line naming the file', async () => {
    const bad = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const cases: [string, RegExp][] = [
      [join(dir, 'missing.json'), /missing\.json: cannot read result \(no such file\)$/],
      [bad('broken.json', '{"schemaVersion": 1,'), /broken\.json: not valid JSON/],
      [bad('v2.json', JSON.stringify({ ...fixtureResultA(), schemaVersion: 2 })), /v2\.json: schemaVersion 2 is not supported \(this slmbench reads 1\)$/],
      [bad('other.json', '{"name": "package"}'), /other\.json: schemaVersion: expected 1; not a slmbench result\.json$/],
      [bad('nobackend.json', JSON.stringify({ ...fixtureResultA(), entries: [{ ...fixtureResultA().entries[0], backend: {} }] })), /nobackend\.json: entries\[0\]\.backend\.id: expected a string/],
    ];
    for (const [file, message] of cases) {
      const error = await reportCommand([file], { format: 'csv' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResultFileError);
      expect((error as ResultFileError).message).toMatch(message);
      expect((error as ResultFileError).message).not.toContain('\n');
      expect((error as ResultFileError).exitCode).toBe(2);
    }
    const unfinished = join(dir, 'unfinished');
    mkdirSync(unfinished);
    writeFileSync(join(unfinished, 'entries.jsonl'), '');
    await expect(reportCommand([unfinished], {})).rejects.toThrow(/holds no result\.json \(the sweep has not finished/);
    await expect(reportCommand([runDir], { format: 'pdf' as never })).rejects.toThrow(/--format must be one of html, md, csv, json/);
    await expect(reportCommand([runDir], { objectives: ['metrics.custom'] })).rejects.toThrow(/append :max or :min/);
  });
});
