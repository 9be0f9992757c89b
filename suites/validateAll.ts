/**
 * Checks every built-in task file, suite file and dataset (and any extra task or suite files given):
 * schemas, templates, field references, that suites name existing tasks, that our datasets match the
 * manifest's sha256 and row counts, and that every row of every reachable dataset renders (so a missing
 * field is found before a run). Tasks on shared public benchmarks are checked against their data only
 * when the shared folder is available; otherwise they are reported as skipped, with the reason.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SlmbenchError } from '../harness/errors.js';
import { projectPath } from '../harness/util/projectPath.js';
import { DatasetError } from './errors.js';
import { loadTask, type LoadedTask } from './loadTask.js';
import { loadDataset, sharedDatasetsDirFromEnv, displayPath, type DatasetContext } from './loaders/loadDataset.js';
import { readDataRecords } from './loaders/readDataRecords.js';
import { datasetManifestPath, readDatasetManifest } from './loaders/readDatasetManifest.js';
import { loadSuite } from './loadSuite.js';
import { builtinSuiteFiles, builtinTaskFiles } from './registry.js';
import { buildTaskDocument, exampleText } from './run/buildTaskDocument.js';

/** The outcome of one check. */
export interface ValidationItem {
  kind: 'task' | 'suite' | 'dataset';
  id: string;
  file: string;
  status: 'ok' | 'error' | 'skipped';
  /** The error, or why it was skipped. */
  message?: string;
  /** Rows checked (datasets and tasks whose data was read). */
  rows?: number;
}

/** Every check. */
export interface ValidationReport {
  items: ValidationItem[];
  errors: number;
  skipped: number;
}

/** Options of {@link validateAll}. */
export interface ValidateOptions {
  /** The shared public-benchmark datasets folder. Default: `$SLMBENCH_SHARED/datasets`, or none. */
  sharedDatasetsDir?: string | null;
  /** Extra task or suite files to check (a file with a `tasks` list is a suite). Default: none. */
  files?: readonly string[];
  /** Render every row of every reachable dataset. Default: true. */
  renderRows?: boolean;
}

/** Runs every check; never throws for bad input (each problem is an item with status `error`). */
export async function validateAll(options: ValidateOptions = {}): Promise<ValidationReport> {
  const shared = options.sharedDatasetsDir === undefined ? sharedDatasetsDirFromEnv() : options.sharedDatasetsDir;
  const items: ValidationItem[] = [];
  items.push(...(await validateManifest()));
  const taskFiles = [...builtinTaskFiles().values()];
  const suiteFiles = [...builtinSuiteFiles().values()];
  for (const file of options.files ?? []) {
    if (looksLikeSuite(file)) suiteFiles.push(file);
    else taskFiles.push(file);
  }
  for (const file of taskFiles) items.push(await validateTask(file, shared, options.renderRows ?? true));
  for (const file of suiteFiles) {
    try {
      const suite = loadSuite(file, { sharedDatasetsDir: shared });
      items.push({ kind: 'suite', id: suite.definition.id, file: displayPath(file), status: 'ok' });
    } catch (error) {
      items.push({ kind: 'suite', id: basename(file).replace(/\.(ya?ml|json)$/i, ''), file: displayPath(file), status: 'error', message: messageOf(error) });
    }
  }
  return { items, errors: items.filter((i) => i.status === 'error').length, skipped: items.filter((i) => i.status === 'skipped').length };
}

async function validateManifest(): Promise<ValidationItem[]> {
  const manifestFile = datasetManifestPath();
  let manifest;
  try {
    manifest = readDatasetManifest(manifestFile);
  } catch (error) {
    return [{ kind: 'dataset', id: 'manifest', file: displayPath(manifestFile), status: 'error', message: messageOf(error) }];
  }
  const items: ValidationItem[] = [];
  for (const entry of manifest.datasets) {
    const path = projectPath('datasets', entry.file);
    const shown = displayPath(path);
    try {
      const bytes = readFileSync(path);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (sha256 !== entry.sha256) throw new DatasetError(`${shown}: sha256 is ${sha256} but datasets/manifest.json records ${entry.sha256}`);
      const records = await readDataRecords(bytes, entry.separator ? { source: entry.file, separator: entry.separator } : { source: entry.file }, entry.file, shown);
      if (records.length !== entry.rows) throw new DatasetError(`${shown}: ${records.length} rows but datasets/manifest.json records ${entry.rows}`);
      records.forEach((r) => {
        for (const field of entry.fields) {
          if (!(field in r.fields)) throw new DatasetError(`${shown} ${r.location}: field "${field}" (listed in datasets/manifest.json) is missing`);
        }
      });
      items.push({ kind: 'dataset', id: entry.id, file: shown, status: 'ok', rows: records.length });
    } catch (error) {
      items.push({ kind: 'dataset', id: entry.id, file: shown, status: 'error', message: messageOf(error) });
    }
  }
  return items;
}

async function validateTask(file: string, shared: string | null, renderRows: boolean): Promise<ValidationItem> {
  const shown = displayPath(file);
  let task: LoadedTask;
  try {
    task = loadTask(file);
  } catch (error) {
    return { kind: 'task', id: basename(file).replace(/\.(ya?ml|json)$/i, ''), file: shown, status: 'error', message: messageOf(error) };
  }
  const id = task.definition.id;
  const fewshotSource = task.definition.fewshot?.source;
  const sources = [task.definition.dataset.source, ...(task.definition.dataset.zip ?? []).map((z) => z.source), ...(fewshotSource ? [fewshotSource.source] : [])];
  if (!shared && sources.some((s) => s.startsWith('shared:'))) {
    return { kind: 'task', id, file: shown, status: 'skipped', message: 'the task file is valid; its data is in the shared folder, which is not configured (SLMBENCH_SHARED)' };
  }
  if (sources.some((s) => s.startsWith('hf:'))) {
    return { kind: 'task', id, file: shown, status: 'skipped', message: 'the task file is valid; its data is downloaded from a hub at run time' };
  }
  const context: DatasetContext = { baseDir: task.baseDir, taskFile: shown, sharedDatasetsDir: shared };
  try {
    const dataset = await loadDataset(task.definition.dataset, context);
    if (renderRows) for (const row of dataset.rows) buildTaskDocument(task, row, []);
    const pool = fewshotSource ? (await loadDataset(fewshotSource, context)).rows : dataset.rows;
    if (renderRows && task.definition.type !== 'perplexity') for (const row of pool) exampleText(task, row);
    return { kind: 'task', id, file: shown, status: 'ok', rows: dataset.rows.length };
  } catch (error) {
    return { kind: 'task', id, file: shown, status: 'error', message: messageOf(error) };
  }
}

function looksLikeSuite(file: string): boolean {
  try {
    return /^tasks\s*:/m.test(readFileSync(file, 'utf8')) || /"tasks"\s*:/.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  if (error instanceof SlmbenchError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
