/**
 * The one field list of the entry tables (`reports/entryFields.ts`) and its one rule for hiding columns,
 * over the report fixture: which fields each rule shows, the constant identity fields stated once, and
 * that the console, Markdown and HTML tables take their headings from it.
 */
import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../reports/buildReportModel.js';
import { renderEntriesTable } from '../../reports/console/renderEntriesTable.js';
import { ENTRY_FIELDS, meanField, metricField, pickFields, qualityField, scaledField, visibleFields } from '../../reports/entryFields.js';
import { renderHtmlReport } from '../../reports/html/renderHtmlReport.js';
import { renderMarkdownReport } from '../../reports/markdown/renderMarkdownReport.js';
import { fixtureResultA, fixtureResultComposite } from '../browser/reportFixture.js';

const modelA = () => buildReportModel([{ result: fixtureResultA(), source: 'a' }], { generatedAt: 'T' });

describe('visibleFields', () => {
  it('shows the identity fields that vary and states the constant ones once, leaving out those with no value', () => {
    const { entries } = modelA();
    const { shown, constant } = visibleFields(pickFields(['model', 'kind', 'quant', 'backend', 'version', 'options', 'workload', 'device']), entries);
    // Fixture A: two models (two quants), three backends, one version, no varying option, one workload, one device.
    expect(shown.map((f) => f.key)).toEqual(['model', 'quant', 'backend']);
    expect(constant.map((c) => [c.field.key, c.text])).toEqual([
      ['version', '1.0.0'],
      ['workload', 'pp32+tg16'],
      ['device', 'Test CPU A · 8 logical cores · linux x64'],
    ]);
  });

  it('shows a `present` field where some row has a value, an `always` field always', () => {
    const plain = modelA().entries;
    const composite = buildReportModel([{ result: fixtureResultComposite(), source: 'c' }], { generatedAt: 'T' }).entries;
    const keys = (sources: typeof plain) => visibleFields(pickFields(['kind', 'escalation', 'status', 'front']), sources).shown.map((f) => f.key);
    expect(keys(plain)).toEqual(['status', 'front']);
    expect(keys(composite)).toEqual(['kind', 'escalation', 'status', 'front']);
    expect(composite.map((e) => ENTRY_FIELDS.kind.text(e))).toEqual(['single', 'single', 'cascade', 'cascade', 'cascade', 'ensemble']);
    expect(composite.map((e) => ENTRY_FIELDS.escalation.text(e))).toEqual(['—', '—', '100%', '40%', '0%', '—']);
  });

  it('keeps the first identity field with keepName when no identity field varies', () => {
    const one = modelA().entries.slice(0, 1);
    const fields = pickFields(['modelKind', 'backend', 'workload']);
    expect(visibleFields(fields, one).shown).toEqual([]);
    const named = visibleFields(fields, one, { keepName: true });
    expect(named.shown.map((f) => f.key)).toEqual(['modelKind']);
    expect(named.constant.map((c) => c.field.key)).toEqual(['backend', 'workload']);
  });
});

describe('field texts', () => {
  const entries = modelA().entries;
  const ok = entries[0]!;
  const errored = entries.find((e) => e.entry.status === 'errored')!;

  it('reads statistics as mean ± stdev and metrics as median [interval] from the flat row and the catalogue', () => {
    const decode = ok.entry.status === 'ok' ? ok.entry.metrics.decodeTps! : null;
    expect(meanField('decodeTps', 'decode tok/s', 1).text(ok)).toBe(`${decode!.mean.toFixed(1)} ± ${decode!.stdev!.toFixed(1)}`);
    expect(meanField('decodeTps', 'decode tok/s', 1).text(errored)).toBe('—');
    expect(metricField('metrics.decodeTps', 'decode tok/s', 1).text(ok)).toBe('120.1 [117.8, 122.8]');
    expect(scaledField('peakRssBytes', 'peak RSS MiB', 1 / (1024 * 1024), 1, 'memory').text(ok)).toBe('300.0');
    expect(qualityField('arc_easy', 'acc').text(ok)).toBe('0.520 ± 0.010');
    expect(ENTRY_FIELDS.status.text(errored)).toBe('errored: WORKER_CRASHED');
  });
});

describe('every table takes its headings from the field list', () => {
  it('console, Markdown and HTML show the same identity columns for the same entries', async () => {
    const model = modelA();
    const consoleHead = renderEntriesTable(fixtureResultA().entries).split('\n').find((l) => l.startsWith('│'))!.split('│').slice(1, -1).map((c) => c.trim());
    expect(consoleHead.slice(0, 3)).toEqual(['model', 'backend', 'status']);
    const markdown = (await renderMarkdownReport(model)).markdown;
    const mdHead = markdown.split('\n').find((l) => l.startsWith('| entry | model'))!;
    expect(mdHead.startsWith('| entry | model | quant | backend | status | front |')).toBe(true);
    expect(markdown).toContain('All entries: workload pp32+tg16 · device Test CPU A · 8 logical cores · linux x64.');
    const html = renderHtmlReport(model);
    const table = /<table class="sortable" id="entries-table"><thead><tr>(.*?)<\/tr><\/thead>/.exec(html)![1]!;
    expect([...table.matchAll(/<th>([^<]*)<\/th>/g)].slice(0, 8).map((m) => m[1])).toEqual(['entry', 'status', 'model', 'quant', 'params', 'backend', 'reps', 'front']);
    expect(html).toContain('All entries: version <b>1.0.0</b> · workload <b>pp32+tg16</b> · device <b>Test CPU A · 8 logical cores · linux x64</b>.');
  });
});
