/**
 * Loads a task's dataset: resolves its source (`builtin:`, `shared:`, `hf:` or a local path), reads the
 * file's bytes once (sha256 is computed from them and checked against the task file or the manifest),
 * parses them, reads `zip` files row by row beside it, and applies the field mapping. Every problem names
 * the file, the row and the field.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import type { HubOptions } from '../../harness/hub/HubOptions.js';
import { projectPath } from '../../harness/util/projectPath.js';
import { compileExpression } from '../template/compileTemplate.js';
import { DatasetChangedError, DatasetError, DatasetNotFoundError } from '../errors.js';
import type { DatasetFileSpec, DatasetSpec } from '../schema/datasetSpecSchema.js';
import { fetchHfDataset } from './fetchHfDataset.js';
import { readDataRecords } from './readDataRecords.js';
import { readDatasetManifest } from './readDatasetManifest.js';

/** What dataset sources are resolved against. */
export interface DatasetContext {
  /** Folder that relative sources are resolved against (the task file's folder). */
  baseDir: string;
  /** Names the task in messages (its file). */
  taskFile: string;
  /**
   * The shared public-benchmark folder (`shared:` sources). Default: `$SLMBENCH_SHARED/datasets`, or
   * none (a `shared:` task then fails with DATASET_NOT_FOUND).
   */
  sharedDatasetsDir?: string | null;
  /**
   * How `hf:` sources are downloaded (endpoint, cache folder, token, offline mode, progress). Default:
   * the hub client's defaults, read from the environment (`SLMBENCH_HF_ENDPOINT`, `SLMBENCH_CACHE`,
   * `HF_TOKEN`, `SLMBENCH_OFFLINE`, …; see `HubOptions`).
   */
  hub?: HubOptions;
}

/** One row after field mapping. */
export interface DatasetRow {
  /** Position in the file, from 0. */
  index: number;
  /** Fields the templates read. */
  fields: Record<string, unknown>;
  /** Where it is, for messages: `data/x.jsonl line 12`. */
  location: string;
}

/** One file that was read, with the sha256 of its bytes. */
export interface DatasetFileRecord {
  path: string;
  sha256: string;
}

/** A loaded dataset. */
export interface LoadedDataset {
  /** The source as the task wrote it (`shared:arc_easy/ARC-Easy-Test.jsonl`). */
  id: string;
  /** The main file as read (relative to the working folder when inside it). */
  path: string;
  /** sha256 of the main file's bytes. */
  sha256: string;
  /** Every file read (the main one first, then `zip` files). */
  files: DatasetFileRecord[];
  rows: DatasetRow[];
}

/** The shared datasets folder from the environment, or null. */
export function sharedDatasetsDirFromEnv(): string | null {
  return process.env.SLMBENCH_SHARED ? resolve(process.env.SLMBENCH_SHARED, 'datasets') : null;
}

/** Loads a dataset as described; throws Dataset* errors. */
export async function loadDataset(spec: DatasetSpec, context: DatasetContext): Promise<LoadedDataset> {
  const main = await readOne(spec, context);
  const files: DatasetFileRecord[] = [{ path: main.shown, sha256: main.sha256 }];
  const records = main.records.map((r) => ({ fields: { ...r.fields }, location: `${main.shown} ${r.location}` }));
  if (records.length === 0) throw new DatasetError(`${main.shown}: the dataset is empty (no rows)`);
  for (const zipSpec of spec.zip ?? []) {
    const extra = await readOne(zipSpec, context);
    files.push({ path: extra.shown, sha256: extra.sha256 });
    if (extra.records.length !== records.length) {
      throw new DatasetError(`${extra.shown}: has ${extra.records.length} rows but ${main.shown} has ${records.length}: dataset.zip files must line up row by row`);
    }
    extra.records.forEach((r, i) => {
      const target = records[i]!;
      for (const [name, value] of Object.entries(r.fields)) {
        if (name in target.fields) {
          throw new DatasetError(`${extra.shown} ${r.location}: field "${name}" is also in ${main.shown}: rename it with dataset.columns`);
        }
        target.fields[name] = value;
      }
      target.location += ` + ${extra.shown} ${r.location}`;
    });
  }
  const mapping = spec.fields
    ? Object.entries(spec.fields).map(([name, source]) => ({ name, expression: compileExpression(source, `${context.taskFile}: dataset.fields.${name}`) }))
    : null;
  const rows = records.map((record, index): DatasetRow => {
    if (!mapping) return { index, fields: record.fields, location: record.location };
    const fields: Record<string, unknown> = {};
    for (const { name, expression } of mapping) {
      fields[name] = expression.evaluate(record.fields, () => `${record.location}: dataset.fields.${name} (${context.taskFile})`);
    }
    return { index, fields, location: record.location };
  });
  return { id: spec.source, path: main.shown, sha256: main.sha256, files, rows };
}

interface ReadFile {
  shown: string;
  sha256: string;
  records: Awaited<ReturnType<typeof readDataRecords>>;
}

async function readOne(spec: DatasetFileSpec, context: DatasetContext): Promise<ReadFile> {
  const { path, expectedSha256, recordedIn } = await resolveSource(spec, context);
  const shown = displayPath(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatasetNotFoundError(`${shown}: cannot read dataset file for ${context.taskFile} (${code === 'ENOENT' ? 'no such file' : code ?? 'error'})`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (expectedSha256 && sha256 !== expectedSha256) throw new DatasetChangedError(shown, expectedSha256, sha256, recordedIn);
  const fileName = spec.source.startsWith('hf:') ? (spec.file ?? `${spec.split ?? 'train'}.parquet`) : basename(path);
  const records = await readDataRecords(bytes, spec, fileName, shown);
  return { shown, sha256, records };
}

/** Where a source's file is on disk, and the sha256 recorded for it. */
export async function resolveSource(
  spec: DatasetFileSpec,
  context: DatasetContext,
): Promise<{ path: string; expectedSha256: string | undefined; recordedIn: string }> {
  const { source } = spec;
  const recordedIn = `${context.taskFile} (dataset sha256)`;
  if (source.startsWith('builtin:')) {
    const id = source.slice('builtin:'.length);
    const manifest = readDatasetManifest();
    const entry = manifest.datasets.find((d) => d.id === id);
    if (!entry) {
      throw new DatasetNotFoundError(`${context.taskFile}: dataset "${source}": no built-in dataset "${id}"; built-in: ${manifest.datasets.map((d) => d.id).join(', ')}`);
    }
    return { path: projectPath('datasets', entry.file), expectedSha256: spec.sha256 ?? entry.sha256, recordedIn: spec.sha256 ? recordedIn : 'datasets/manifest.json' };
  }
  if (source.startsWith('shared:')) {
    const dir = context.sharedDatasetsDir === undefined ? sharedDatasetsDirFromEnv() : context.sharedDatasetsDir;
    if (!dir) {
      throw new DatasetNotFoundError(
        `${context.taskFile}: dataset "${source}" is in the shared public-benchmark folder, which is not configured: set SLMBENCH_SHARED (the folder holding datasets/) or give the datasets folder in the config`,
      );
    }
    return { path: resolve(dir, source.slice('shared:'.length)), expectedSha256: spec.sha256, recordedIn };
  }
  if (source.startsWith('hf:')) {
    return { path: await fetchHfDataset(spec, context.taskFile, context.hub), expectedSha256: spec.sha256, recordedIn };
  }
  return { path: isAbsolute(source) ? source : resolve(context.baseDir, source), expectedSha256: spec.sha256, recordedIn };
}

/** A path as shown in messages: relative to the working folder when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
