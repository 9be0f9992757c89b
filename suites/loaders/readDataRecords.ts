/**
 * Turns the bytes of one data file into records (plain objects), by format: JSONL, JSON, CSV/TSV, plain
 * text (rows split by a separator, or groups of lines) and Parquet; bzip2 and gzip files are decompressed
 * first. Each record keeps the 1-based line it came from where the format has lines, for messages.
 */
import { gunzipSync } from 'node:zlib';
import bunzip from 'seek-bzip';
import { parquetReadObjects } from 'hyparquet';
import type { DatasetFileSpec } from '../schema/datasetSpecSchema.js';
import { DatasetError } from '../errors.js';
import { parseDelimited } from './parseDelimited.js';

/** One record of a data file. */
export interface DataRecord {
  /** The record's fields. */
  fields: Record<string, unknown>;
  /** Where it is: `line 12` or `row 12`. */
  location: string;
}

/** Format and compression as resolved from the spec and the file name. */
export interface ResolvedFormat {
  format: NonNullable<DatasetFileSpec['format']>;
  compression: NonNullable<DatasetFileSpec['compression']>;
}

/** Resolves format and compression from the spec, or from the file name. */
export function resolveFormat(spec: DatasetFileSpec, fileName: string, shown: string): ResolvedFormat {
  let name = fileName.toLowerCase();
  let compression = spec.compression;
  if (name.endsWith('.bz2')) {
    compression ??= 'bz2';
    name = name.slice(0, -4);
  } else if (name.endsWith('.gz')) {
    compression ??= 'gzip';
    name = name.slice(0, -3);
  }
  const byExtension: Record<string, ResolvedFormat['format']> = {
    '.jsonl': 'jsonl',
    '.ndjson': 'jsonl',
    '.json': 'json',
    '.csv': 'csv',
    '.tsv': 'tsv',
    '.txt': 'text',
    '.lst': 'text',
    '.text': 'text',
    '.parquet': 'parquet',
  };
  const extension = /\.[a-z0-9]+$/.exec(name)?.[0] ?? '';
  const format = spec.format ?? byExtension[extension];
  if (!format) {
    throw new DatasetError(`${shown}: cannot tell the format from the name "${fileName}": give dataset.format (${Object.keys(byExtension).join(', ')})`);
  }
  return { format, compression: compression ?? 'none' };
}

/** Reads records from a file's bytes. `shown` names the file in errors. */
export async function readDataRecords(bytes: Buffer, spec: DatasetFileSpec, fileName: string, shown: string): Promise<DataRecord[]> {
  const { format, compression } = resolveFormat(spec, fileName, shown);
  let data: Buffer;
  try {
    data = compression === 'bz2' ? bunzip.decode(bytes, undefined, true) : compression === 'gzip' ? gunzipSync(bytes) : bytes;
  } catch (error) {
    throw new DatasetError(`${shown}: cannot decompress (${compression}): ${(error as Error).message}`, { cause: error });
  }
  switch (format) {
    case 'jsonl':
      return readJsonl(data.toString('utf8'), shown);
    case 'json':
      return readJson(data.toString('utf8'), spec.records, shown);
    case 'csv':
    case 'tsv':
      return readDelimited(data.toString('utf8'), spec, format, shown);
    case 'text':
      return readText(data.toString('utf8'), spec, shown);
    case 'parquet':
      return readParquet(data, shown);
  }
}

function readJsonl(text: string, shown: string): DataRecord[] {
  const records: DataRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new DatasetError(`${shown}: line ${index + 1}: not valid JSON: ${(error as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DatasetError(`${shown}: line ${index + 1}: expected a JSON object per line`);
    }
    records.push({ fields: value as Record<string, unknown>, location: `line ${index + 1}` });
  });
  return records;
}

function readJson(text: string, recordsPath: string | undefined, shown: string): DataRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DatasetError(`${shown}: not valid JSON: ${(error as Error).message}`);
  }
  if (recordsPath) {
    for (const key of recordsPath.split('.')) {
      if (value === null || typeof value !== 'object' || !(key in value)) {
        throw new DatasetError(`${shown}: dataset.records "${recordsPath}": no field "${key}" in the document`);
      }
      value = (value as Record<string, unknown>)[key];
    }
  }
  if (!Array.isArray(value)) {
    throw new DatasetError(`${shown}: expected a list of rows${recordsPath ? ` at "${recordsPath}"` : ' (or give dataset.records)'}`);
  }
  return value.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new DatasetError(`${shown}: row ${index + 1}: expected an object`);
    return { fields: item as Record<string, unknown>, location: `row ${index + 1}` };
  });
}

function readDelimited(text: string, spec: DatasetFileSpec, format: 'csv' | 'tsv', shown: string): DataRecord[] {
  const delimiter = spec.delimiter ?? (format === 'tsv' ? '\t' : ',');
  const quote = spec.quote === undefined ? (format === 'tsv' ? null : '"') : spec.quote;
  let rows;
  try {
    rows = parseDelimited(text.startsWith('\uFEFF') ? text.slice(1) : text, { delimiter, quote });
  } catch (error) {
    throw new DatasetError(`${shown}: ${(error as Error).message}`);
  }
  const header = spec.header ?? true;
  let names = spec.columns;
  if (header) {
    const first = rows.shift();
    if (!first) return [];
    names ??= first.fields;
  }
  if (!names) throw new DatasetError(`${shown}: dataset.columns is needed when the file has no header`);
  return rows.map((row) => {
    if (row.fields.length !== names.length) {
      throw new DatasetError(`${shown}: line ${row.line}: ${row.fields.length} fields where ${names.length} (${names.join(', ')}) were expected`);
    }
    return { fields: Object.fromEntries(names.map((name, i) => [name, row.fields[i]!])), location: `line ${row.line}` };
  });
}

function readText(text: string, spec: DatasetFileSpec, shown: string): DataRecord[] {
  const linesPerRow = spec.linesPerRow ?? 1;
  const names = spec.columns ?? (linesPerRow === 1 ? ['text'] : undefined);
  if (!names || names.length !== linesPerRow) {
    throw new DatasetError(`${shown}: dataset.columns must name each of the ${linesPerRow} lines of a row`);
  }
  const separator = spec.separator ?? '\n';
  if (linesPerRow > 1) {
    if (separator !== '\n') throw new DatasetError(`${shown}: dataset.linesPerRow works with the newline separator only`);
    const lines = text.replace(/\r\n/g, '\n').split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (lines.length % linesPerRow !== 0) {
      throw new DatasetError(`${shown}: ${lines.length} lines is not a multiple of dataset.linesPerRow (${linesPerRow}): the file is cut or misaligned`);
    }
    const records: DataRecord[] = [];
    for (let i = 0; i < lines.length; i += linesPerRow) {
      records.push({ fields: Object.fromEntries(names.map((name, k) => [name, lines[i + k]!])), location: `line ${i + 1}` });
    }
    return records;
  }
  const records: DataRecord[] = [];
  let line = 1;
  const pieces = separator === '\n' ? text.replace(/\r\n/g, '\n').split('\n') : text.split(separator);
  for (const piece of pieces) {
    if (piece.trim() !== '') records.push({ fields: { [names[0]!]: piece }, location: `line ${line}` });
    line += countNewlines(piece) + countNewlines(separator);
  }
  return records;
}

async function readParquet(data: Buffer, shown: string): Promise<DataRecord[]> {
  let rows: Record<string, unknown>[];
  try {
    const file = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  } catch (error) {
    throw new DatasetError(`${shown}: cannot read Parquet: ${(error as Error).message}`, { cause: error });
  }
  return rows.map((row, index) => ({ fields: plain(row) as Record<string, unknown>, location: `row ${index + 1}` }));
}

/** Parquet values as JSON-like data: safe bigints become numbers. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function countNewlines(text: string): number {
  let n = 0;
  for (const c of text) if (c === '\n') n++;
  return n;
}
