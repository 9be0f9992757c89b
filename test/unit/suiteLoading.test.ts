/**
 * Task, suite and dataset loading: every format, field mapping, zip files, Hugging Face downloads
 * (from the loopback hub), the manifest, and errors that name file, row and field.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDatasets } from '../../datasets/generate/generateDatasets.js';
import type { HubOptions } from '../../harness/hub/HubOptions.js';
import { listSuites, listTasks } from '../../suites/listSuites.js';
import { loadDataset, type DatasetContext } from '../../suites/loaders/loadDataset.js';
import { readDatasetManifest } from '../../suites/loaders/readDatasetManifest.js';
import { loadSuite } from '../../suites/loadSuite.js';
import { loadTask } from '../../suites/loadTask.js';
import { resolveTask } from '../../suites/resolveTask.js';
import { buildTaskDocument } from '../../suites/run/buildTaskDocument.js';
import type { DatasetSpec } from '../../suites/schema/datasetSpecSchema.js';
import { validateAll } from '../../suites/validateAll.js';
import { LoopbackHub } from '../helpers/loopbackHub.js';
import { tempDir } from '../helpers/tempDir.js';

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
  dir = tempDir('suites');
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
    expect(report.items.filter((i) => i.kind === 'dataset').map((i) => i.id)).toEqual([
      'arithmetic', 'unit_conversion', 'simple_facts', 'story_cloze', 'heldout_stories', 'prompt_text', 'forge_fit', 'forge_heldout',
    ]);
    expect(report.items.filter((i) => i.kind === 'suite').every((i) => i.status === 'ok')).toBe(true);
  });
  it('the generator writes exactly the files the manifest records', () => {
    const out = join(dir, 'generated');
    const generated = generateDatasets(out);
    expect(generated).toEqual(readDatasetManifest());
    for (const entry of generated.datasets) expect(sha(readFileSync(join(out, entry.file)))).toBe(entry.sha256);
  });
});

describe('hf: datasets from the loopback hub', () => {
  let hub: LoopbackHub;
  let cache: string;
  let parquetCommit: string;
  let mainCommit: string;
  const parquet = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'text', data: ['hello', 'world'], type: 'STRING' }] }));
  const validation = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'text', data: ['held out'], type: 'STRING' }] }));
  const other = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'text', data: ['other config'], type: 'STRING' }] }));
  // Offline mode is off unless a test asks for the environment's setting ({}).
  const hubContext = (options: HubOptions = { offline: false }): DatasetContext => ({
    ...context(),
    hub: { endpoint: hub.endpoint, cacheDir: cache, progress: false, retryDelayMs: 1, ...options },
  });
  beforeAll(async () => {
    hub = await LoopbackHub.start();
    cache = join(dir, 'hub-cache');
    mainCommit = hub.publish('owner/name', { 'README.md': '# owner/name\n', 'data/rows.jsonl': '{"q":"x"}\n' }, { repoType: 'dataset' });
    parquetCommit = hub.publish(
      'owner/name',
      { 'default/test/0000.parquet': parquet, 'default/validation/0000.parquet': validation, 'plain/test/0000.parquet': other },
      { repoType: 'dataset', branch: 'refs/convert/parquet' },
    );
  });
  afterAll(() => hub.stop());

  it('downloads the parquet conversion of a split once into the hub cache, and records its sha256', async () => {
    const spec = { source: 'hf:owner/name', split: 'test' } as DatasetSpec;
    const first = await loadDataset(spec, hubContext());
    expect(first.rows.map((r) => r.fields)).toEqual([{ text: 'hello' }, { text: 'world' }]);
    expect(first.sha256).toBe(sha(parquet));
    expect(first.path).toBe(join(cache, 'hub', 'datasets', 'owner--name', 'snapshots', parquetCommit, 'default', 'test', '0000.parquet'));
    const again = await loadDataset(spec, hubContext());
    expect(again.sha256).toBe(first.sha256);
    expect(hub.byteRequests()).toHaveLength(1);
    expect(hub.requests.filter((r) => r.pathname.startsWith('/api/'))).toHaveLength(1);
    const plain = await loadDataset({ source: 'hf:owner/name', split: 'test', config: 'plain' } as DatasetSpec, hubContext());
    expect(plain.rows.map((r) => r.fields)).toEqual([{ text: 'other config' }]);
  });
  it('reads a named file at a pinned revision; a missing file or split fails naming what the repository has', async () => {
    const d = await loadDataset({ source: 'hf:owner/name', file: 'data/rows.jsonl', revision: mainCommit } as DatasetSpec, hubContext());
    expect(d.rows.map((r) => r.fields)).toEqual([{ q: 'x' }]);
    expect(d.sha256).toBe(sha('{"q":"x"}\n'));
    await expect(loadDataset({ source: 'hf:owner/name', file: 'nope.jsonl' } as DatasetSpec, hubContext())).rejects.toMatchObject({
      code: 'DATASET_NOT_FOUND',
      message: `task.yaml: dataset "hf:owner/name": no file "nope.jsonl" in owner/name at revision "main" (commit ${mainCommit}); files: README.md, data/rows.jsonl`,
    });
    await expect(loadDataset({ source: 'hf:owner/name', split: 'train' } as DatasetSpec, hubContext())).rejects.toMatchObject({
      code: 'DATASET_NOT_FOUND',
      message:
        `task.yaml: dataset "hf:owner/name": no split "train" of config "default" in the parquet conversion at revision "refs/convert/parquet" ` +
        `(commit ${parquetCommit}) (looked for default/train/0000.parquet); splits there (config/split): default/test, default/validation, plain/test`,
    });
    await expect(loadDataset({ source: 'hf:owner/missing', split: 'test' } as DatasetSpec, hubContext())).rejects.toMatchObject({
      code: 'DATASET_NOT_FOUND',
      message: expect.stringContaining(`task.yaml: dataset "hf:owner/missing": hf:datasets/owner/missing@refs/convert/parquet: dataset owner/missing not found at ${hub.endpoint}/api/datasets/owner/missing/revision/`),
    });
    await expect(loadDataset({ source: 'hf:owner/na--me', split: 'test' } as DatasetSpec, hubContext())).rejects.toMatchObject({
      code: 'DATASET_NOT_FOUND',
      message: expect.stringContaining('task.yaml: dataset "hf:owner/na--me": "hf:datasets/owner/na--me/default/test/0000.parquet@refs/convert/parquet": repository "owner/na--me" is not OWNER/NAME'),
    });
    await expect(loadDataset({ source: 'hf:owner/name' } as DatasetSpec, hubContext())).rejects.toMatchObject({ code: 'DATASET_INVALID', message: expect.stringContaining('give dataset.file') });
  });
  it('a download whose bytes differ from the listed sha256 is refused and deleted', async () => {
    const commit = hub.publish('owner/corrupt', { 'data.parquet': parquet }, { repoType: 'dataset' });
    hub.fault('owner/corrupt', 'data.parquet', { kind: 'corrupt' }, 'dataset');
    await expect(loadDataset({ source: 'hf:owner/corrupt', file: 'data.parquet' } as DatasetSpec, hubContext())).rejects.toMatchObject({ code: 'HUB_CHECKSUM' });
    expect(existsSync(join(cache, 'hub', 'datasets', 'owner--corrupt', 'snapshots', commit, 'data.parquet'))).toBe(false);
    expect((await loadDataset({ source: 'hf:owner/corrupt', file: 'data.parquet' } as DatasetSpec, hubContext())).sha256).toBe(sha(parquet));
  });
  it('offline (SLMBENCH_OFFLINE), only the cache is used', async () => {
    const before = hub.requests.length;
    const saved = process.env.SLMBENCH_OFFLINE;
    process.env.SLMBENCH_OFFLINE = '1';
    try {
      expect((await loadDataset({ source: 'hf:owner/name', split: 'test' } as DatasetSpec, hubContext({}))).rows).toHaveLength(2);
      await expect(loadDataset({ source: 'hf:owner/name', split: 'validation' } as DatasetSpec, hubContext({}))).rejects.toMatchObject({
        code: 'HUB_OFFLINE',
        message: expect.stringMatching(/default\/validation\/0000\.parquet.* is not in the cache .* offline mode is on/),
      });
      await expect(loadDataset({ source: 'hf:owner/other', file: 'x.jsonl' } as DatasetSpec, hubContext({}))).rejects.toMatchObject({ code: 'HUB_OFFLINE' });
    } finally {
      if (saved === undefined) delete process.env.SLMBENCH_OFFLINE;
      else process.env.SLMBENCH_OFFLINE = saved;
    }
    expect(hub.requests.length).toBe(before);
  });
  it('reads the hub client environment variables: SLMBENCH_HF_ENDPOINT and SLMBENCH_CACHE', async () => {
    const saved = { endpoint: process.env.SLMBENCH_HF_ENDPOINT, cache: process.env.SLMBENCH_CACHE };
    const envCache = join(dir, 'env-cache');
    process.env.SLMBENCH_HF_ENDPOINT = hub.endpoint;
    process.env.SLMBENCH_CACHE = envCache;
    try {
      const d = await loadDataset({ source: 'hf:owner/name', file: 'data/rows.jsonl' } as DatasetSpec, { ...context(), hub: { progress: false, offline: false } });
      expect(d.path).toBe(join(envCache, 'hub', 'datasets', 'owner--name', 'snapshots', mainCommit, 'data', 'rows.jsonl'));
    } finally {
      for (const [name, value] of [['SLMBENCH_HF_ENDPOINT', saved.endpoint], ['SLMBENCH_CACHE', saved.cache]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
