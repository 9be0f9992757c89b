/**
 * Task, suite and dataset loading: every format, field mapping, zip files, Hugging Face downloads
 * (from a loopback server), the manifest, and errors that name file, row and field.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDatasets } from '../../datasets/generate/generateDatasets.js';
import { listSuites, listTasks } from '../../suites/listSuites.js';
import { loadDataset, type DatasetContext } from '../../suites/loaders/loadDataset.js';
import { readDatasetManifest } from '../../suites/loaders/readDatasetManifest.js';
import { loadSuite } from '../../suites/loadSuite.js';
import { loadTask } from '../../suites/loadTask.js';
import { resolveTask } from '../../suites/resolveTask.js';
import { buildTaskDocument } from '../../suites/run/buildTaskDocument.js';
import type { DatasetSpec } from '../../suites/schema/datasetSpecSchema.js';
import { validateAll } from '../../suites/validateAll.js';

let dir: string;
const write = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const context = (): DatasetContext => ({ baseDir: dir, taskFile: 'task.yaml', sharedDatasetsDir: null });
const load = (spec: Partial<DatasetSpec> & { source: string }) => loadDataset(spec as DatasetSpec, context());
const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'slmbench-suites-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dataset formats', () => {
  it('JSONL, with field mapping and line numbers', async () => {
    write('a.jsonl', '{"q":{"stem":"x"},"c":[{"t":"1"},{"t":"2"}]}\n\n{"q":{"stem":"y"},"c":[{"t":"3"}]}\n');
    const d = await load({ source: 'a.jsonl', fields: { question: 'q.stem', choices: 'c[*].t' } });
    expect(d.rows.map((r) => r.fields)).toEqual([
      { question: 'x', choices: ['1', '2'] },
      { question: 'y', choices: ['3'] },
    ]);
    expect(d.rows[1]!.location).toMatch(/a\.jsonl line 3$/);
    expect(d.sha256).toBe(sha(readFileSync(join(dir, 'a.jsonl'))));
    expect(d.files).toEqual([{ path: d.path, sha256: d.sha256 }]);
  });
  it('JSON with a records path', async () => {
    write('b.json', JSON.stringify({ data: { rows: [{ a: 1 }, { a: 2 }] } }));
    expect((await load({ source: 'b.json', records: 'data.rows' })).rows.map((r) => r.fields)).toEqual([{ a: 1 }, { a: 2 }]);
  });
  it('CSV with quotes and TSV read by position', async () => {
    write('c.csv', 'text,label\n"a, ""quoted""\nline",1\nplain,0\n');
    expect((await load({ source: 'c.csv' })).rows.map((r) => r.fields)).toEqual([
      { text: 'a, "quoted"\nline', label: '1' },
      { text: 'plain', label: '0' },
    ]);
    write('d.tsv', 'text\tlabel\nit \'s "fine" . \t1\n');
    expect((await load({ source: 'd.tsv', columns: ['sentence', 'label'] })).rows.map((r) => r.fields)).toEqual([{ sentence: 'it \'s "fine" . ', label: '1' }]);
  });
  it('plain text: lines, a separator, groups of lines, gzip', async () => {
    write('e.txt', 'one\n\ntwo\n');
    expect((await load({ source: 'e.txt' })).rows.map((r) => r.fields)).toEqual([{ text: 'one' }, { text: 'two' }]);
    write('f.txt', 'doc one\nstill one\n===\ndoc two\n');
    expect((await load({ source: 'f.txt', separator: '===\n' })).rows.map((r) => r.fields.text)).toEqual(['doc one\nstill one\n', 'doc two\n']);
    write('g.txt.gz', gzipSync('ctx a\n1\nctx b\n0\n'));
    const grouped = await load({ source: 'g.txt.gz', linesPerRow: 2, columns: ['ctx', 'label'] });
    expect(grouped.rows.map((r) => r.fields)).toEqual([
      { ctx: 'ctx a', label: '1' },
      { ctx: 'ctx b', label: '0' },
    ]);
    write('h.txt', 'a\n1\nb\n');
    await expect(load({ source: 'h.txt', linesPerRow: 2, columns: ['x', 'y'] })).rejects.toThrow(/3 lines is not a multiple of dataset.linesPerRow \(2\)/);
  });
  it('Parquet', async () => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'question', data: ['q1', 'q2'], type: 'STRING' },
        { name: 'label', data: [0, 1], type: 'INT32' },
      ],
    });
    write('p.parquet', Buffer.from(buffer));
    expect((await load({ source: 'p.parquet' })).rows.map((r) => r.fields)).toEqual([
      { question: 'q1', label: 0 },
      { question: 'q2', label: 1 },
    ]);
  });
  it('zip files line up row by row', async () => {
    write('z.jsonl', '{"goal":"g1"}\n{"goal":"g2"}\n');
    write('z-labels.lst', '1\n0\n');
    const d = await load({ source: 'z.jsonl', zip: [{ source: 'z-labels.lst', columns: ['label'] }] });
    expect(d.rows.map((r) => r.fields)).toEqual([
      { goal: 'g1', label: '1' },
      { goal: 'g2', label: '0' },
    ]);
    expect(d.files).toHaveLength(2);
    write('z-short.lst', '1\n');
    await expect(load({ source: 'z.jsonl', zip: [{ source: 'z-short.lst', columns: ['label'] }] })).rejects.toThrow(/z-short\.lst: has 1 rows but .*z\.jsonl has 2/);
  });
});

describe('dataset errors name file, row and field', () => {
  it('a row without a mapped field', async () => {
    write('m.jsonl', '{"q":{"stem":"x"}}\n{"q":{"stm":"y"}}\n');
    await expect(load({ source: 'm.jsonl', fields: { question: 'q.stem' } })).rejects.toThrow(
      /m\.jsonl line 2: dataset\.fields\.question \(task\.yaml\): field "q\.stem" is missing \(did you mean "stm"\?\)/,
    );
  });
  it('an empty dataset', async () => {
    write('empty.jsonl', '\n');
    await expect(load({ source: 'empty.jsonl' })).rejects.toMatchObject({ code: 'DATASET_INVALID', message: expect.stringMatching(/empty\.jsonl: the dataset is empty/) });
  });
  it('a changed sha256', async () => {
    write('s.jsonl', '{"a":1}\n');
    await expect(load({ source: 's.jsonl', sha256: '0'.repeat(64) })).rejects.toMatchObject({
      code: 'DATASET_CHANGED',
      message: expect.stringMatching(new RegExp(`s\\.jsonl: sha256 is ${sha('{"a":1}\n')} but task\\.yaml \\(dataset sha256\\) records 0{64}`)),
    });
  });
  it('bad JSON, a missing file, an unknown built-in, an unconfigured shared folder', async () => {
    write('bad.jsonl', '{"a":1}\n{"a":\n');
    await expect(load({ source: 'bad.jsonl' })).rejects.toThrow(/bad\.jsonl: line 2: not valid JSON/);
    await expect(load({ source: 'nope.jsonl' })).rejects.toMatchObject({ code: 'DATASET_NOT_FOUND', message: expect.stringMatching(/nope\.jsonl: cannot read dataset file for task\.yaml \(no such file\)/) });
    await expect(load({ source: 'builtin:arithmetc' })).rejects.toThrow(/no built-in dataset "arithmetc"; built-in: arithmetic/);
    await expect(load({ source: 'shared:arc_easy/x.jsonl' })).rejects.toThrow(/shared public-benchmark folder, which is not configured: set SLMBENCH_SHARED/);
  });
});

describe('task files', () => {
  const task = (name: string, body: string) => write(name, body);
  const base = 'id: t\nversion: 1\ndescription: d\n';
  it('loads a valid task and renders a row', async () => {
    write('rows.jsonl', '{"q":"Why?","opts":["a","b"],"key":"B","labels":["A","B"]}\n');
    const file = task('ok.yaml', `${base}type: multiple_choice\ndataset: { source: rows.jsonl }\nprompt: "Q: {{q}}\\nA:"\nchoices: "{{opts}}"\ngold: { value: "{{key}}", indexIn: "{{labels}}" }\n`);
    const loaded = loadTask(file);
    const data = await loadDataset(loaded.definition.dataset, resolveTask(loaded).datasetContext);
    expect(buildTaskDocument(loaded, data.rows[0]!, [])).toEqual({
      type: 'multiple_choice',
      requests: [
        { context: 'Q: Why?\nA:', continuation: ' a' },
        { context: 'Q: Why?\nA:', continuation: ' b' },
      ],
      choiceTexts: ['a', 'b'],
      gold: 1,
    });
  });
  it('schema errors name the file and the path inside it', () => {
    expect(() => loadTask(task('v.yaml', `${base.replace('version: 1', 'version: one')}type: perplexity\ndataset: { source: x.txt }\n`))).toThrow(/v\.yaml: version: .*expected number/i);
    expect(() => loadTask(task('u.yaml', `${base}type: perplexity\ndataset: { source: x.txt, colums: [a] }\n`))).toThrow(/u\.yaml: dataset: unknown field "colums"/);
    expect(() => loadTask(task('g.yaml', `${base}type: generate\ndataset: { source: x.txt }\nprompt: p\ntarget: t\nmetrics: [{ metric: exact_mach }]\n`))).toThrow(/g\.yaml: metrics\[0\]\.metric: /);
    expect(() => loadTask(task('mc.yaml', `${base}type: multiple_choice\ndataset: { source: x.txt }\nprompt: p\ngold: "0"\n`))).toThrow(/mc\.yaml: choices: required/);
    expect(() => loadTask(task('y.yaml', 'id: [\n'))).toThrow(/y\.yaml: not valid YAML/);
    expect(() => loadTask(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read task file \(no such file\)/);
  });
  it('template errors name the file and the template', () => {
    expect(() => loadTask(task('t1.yaml', `${base}type: loglikelihood\ndataset: { source: x.txt }\nprompt: "{{ text | split(' ') }"\ntarget: t\n`))).toThrow(/t1\.yaml: prompt: template error at character/);
    expect(() => loadTask(task('t2.yaml', `${base}type: multiple_choice\ndataset: { source: x.txt }\nprompt: p\nchoices: ["{{a}}", "{{ b | nope }}"]\ngold: "0"\n`))).toThrow(/t2\.yaml: choices\[1\]: unknown template filter "nope"/);
    expect(() => loadTask(task('t3.yaml', `${base}type: generate\ndataset: { source: x.txt }\nprompt: p\ntarget: t\nmetrics: [{ metric: exact_match, extract: { regex: "(" } }]\n`))).toThrow(/t3\.yaml: metrics\[0\]\.extract\.regex: Invalid regular expression/);
  });
  it('a template reading a field the mapping does not produce is refused on load', () => {
    expect(() =>
      loadTask(task('f.yaml', `${base}type: generate\ndataset: { source: x.jsonl, fields: { question: q, answer: a } }\nprompt: "{{questoin}}"\ntarget: "{{answer}}"\nmetrics: [{ metric: f1 }]\n`)),
    ).toThrow('f.yaml: prompt: field "questoin" is not produced by dataset.fields (did you mean "question"?); fields: question, answer');
  });
  it('a row missing a field the template reads fails naming task file, template, data file, row and field', async () => {
    write('r.jsonl', '{"question":"a","answer":"1"}\n{"question":"b"}\n');
    const file = task('r.yaml', `${base}type: generate\ndataset: { source: r.jsonl }\nprompt: "{{question}}"\ntarget: "{{answer}}"\nmetrics: [{ metric: f1 }]\n`);
    const report = await validateAll({ files: [file], sharedDatasetsDir: null });
    const item = report.items.find((i) => i.file.endsWith('r.yaml'))!;
    expect(item.status).toBe('error');
    expect(item.message).toMatch(/r\.yaml: target: .*r\.jsonl line 2: field "answer" is missing; the row has: question/);
  });
  it('gold errors name the row', async () => {
    write('gold.jsonl', '{"q":"x","label":"7"}\n');
    const loaded = loadTask(task('gold.yaml', `${base}type: multiple_choice\ndataset: { source: gold.jsonl }\nprompt: "{{q}}"\nchoices: ["a", "b"]\ngold: "{{label}}"\n`));
    const data = await loadDataset(loaded.definition.dataset, resolveTask(loaded).datasetContext);
    expect(() => buildTaskDocument(loaded, data.rows[0]!, [])).toThrow(/gold\.yaml: gold: .*gold\.jsonl line 1: index 7 but the row has 2 choices/);
  });
});

describe('suites and the registry', () => {
  it('lists the built-in suites and tasks', () => {
    const suites = listSuites().map((s) => s.id);
    expect(suites).toEqual(expect.arrayContaining(['quick-quality', 'builtin-quality', 'reasoning', 'commonsense', 'language', 'math', 'slm-bench']));
    const tasks = listTasks();
    expect(tasks.map((t) => t.id)).toEqual(
      expect.arrayContaining(['arc_easy', 'arc_challenge', 'hellaswag', 'piqa', 'winogrande', 'boolq', 'openbookqa', 'sst2', 'gsm8k', 'lambada_openai', 'arithmetic', 'heldout_perplexity']),
    );
    for (const t of tasks) expect(t.file.endsWith(`${t.id}.yaml`)).toBe(true);
  });
  it('settles the policy: task < suite < suite entry < overrides', () => {
    const suite = loadSuite('quick-quality');
    const byId = Object.fromEntries(suite.tasks.map((t) => [t.definition.id, t.policy]));
    expect(byId['arithmetic']).toEqual({ limit: 20, seed: 1234, fewshot: 0, bootstrapIterations: 1000 });
    expect(byId['heldout_perplexity']!.limit).toBe(8);
    const overridden = loadSuite('quick-quality', { overrides: { limit: 3, seed: 9 } });
    expect(overridden.tasks.every((t) => t.policy.limit === 3 && t.policy.seed === 9)).toBe(true);
    expect(resolveTask('gsm8k', { sharedDatasetsDir: null }).policy.fewshot).toBe(5);
  });
  it('unknown names get a suggestion; a suite naming an unknown task names its file and entry', () => {
    expect(() => loadSuite('quick-qualty')).toThrow(/unknown suite "quick-qualty" \(did you mean "quick-quality"\?\)/);
    expect(() => resolveTask('arc_esy')).toThrow(/unknown task "arc_esy" \(did you mean "arc_easy"\?\)/);
    const file = write('s.yaml', 'id: s\nversion: 1\ndescription: d\ntasks: [arithmetic, hellaswg]\n');
    expect(() => loadSuite(file)).toThrow(/s\.yaml: tasks\[1\]: unknown task "hellaswg" \(did you mean "hellaswag"\?\)/);
    const bad = write('s2.yaml', 'id: s\nversion: 1\ndescription: d\npolicy: { limit: 0 }\ntasks: [arithmetic]\n');
    expect(() => loadSuite(bad)).toThrow(/s2\.yaml: policy\.limit: /);
  });
});

describe('slmbench validate and our datasets', () => {
  it('every built-in task, suite and dataset passes (shared tasks checked when SLMBENCH_SHARED is set)', async () => {
    const report = await validateAll();
    expect(report.items.filter((i) => i.status === 'error')).toEqual([]);
    expect(report.items.filter((i) => i.kind === 'dataset').map((i) => i.id)).toEqual(['arithmetic', 'unit_conversion', 'simple_facts', 'story_cloze', 'heldout_stories']);
    expect(report.items.filter((i) => i.kind === 'suite').every((i) => i.status === 'ok')).toBe(true);
  });
  it('the generator writes exactly the files the manifest records', () => {
    const out = join(dir, 'generated');
    const generated = generateDatasets(out);
    expect(generated).toEqual(readDatasetManifest());
    for (const entry of generated.datasets) expect(sha(readFileSync(join(out, entry.file)))).toBe(entry.sha256);
  });
});

describe('hf: datasets from a loopback server', () => {
  let server: Server;
  let endpoint: string;
  const requests: string[] = [];
  const parquet = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'text', data: ['hello', 'world'], type: 'STRING' }] }));
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/datasets/owner/name/resolve/refs%2Fconvert%2Fparquet/default/test/0000.parquet') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(parquet);
      } else if (req.url === '/datasets/owner/name/resolve/abc123/data/rows.jsonl') {
        res.writeHead(200).end('{"q":"x"}\n');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('downloads a split once, caches it, and records its sha256', async () => {
    const ctx: DatasetContext = { ...context(), cacheDir: join(dir, 'cache'), hfEndpoint: endpoint };
    const spec = { source: 'hf:owner/name', split: 'test' } as DatasetSpec;
    const first = await loadDataset(spec, ctx);
    expect(first.rows.map((r) => r.fields)).toEqual([{ text: 'hello' }, { text: 'world' }]);
    expect(first.sha256).toBe(sha(parquet));
    const again = await loadDataset(spec, ctx);
    expect(again.sha256).toBe(first.sha256);
    expect(requests.filter((r) => r.includes('0000.parquet'))).toHaveLength(1);
  });
  it('reads a named file at a pinned revision; a missing one fails with the URL and status', async () => {
    const ctx: DatasetContext = { ...context(), cacheDir: join(dir, 'cache'), hfEndpoint: endpoint };
    const d = await loadDataset({ source: 'hf:owner/name', file: 'data/rows.jsonl', revision: 'abc123' } as DatasetSpec, ctx);
    expect(d.rows.map((r) => r.fields)).toEqual([{ q: 'x' }]);
    await expect(loadDataset({ source: 'hf:owner/name', file: 'nope.jsonl' } as DatasetSpec, ctx)).rejects.toMatchObject({
      code: 'DATASET_NOT_FOUND',
      message: expect.stringContaining(`${endpoint}/datasets/owner/name/resolve/main/nope.jsonl answered 404`),
    });
  });
  it('offline, only the cache is used', async () => {
    const ctx: DatasetContext = { ...context(), cacheDir: join(dir, 'cache'), hfEndpoint: endpoint };
    const before = requests.length;
    process.env.SLMBENCH_OFFLINE = '1';
    try {
      expect((await loadDataset({ source: 'hf:owner/name', split: 'test' } as DatasetSpec, ctx)).rows).toHaveLength(2);
      await expect(loadDataset({ source: 'hf:owner/name', split: 'validation' } as DatasetSpec, ctx)).rejects.toThrow(/is not in the cache .* downloads are off/);
    } finally {
      delete process.env.SLMBENCH_OFFLINE;
    }
    expect(requests.length).toBe(before);
  });
});
