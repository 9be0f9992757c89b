/**
 * Inspection of a GGUF file through node-llama-cpp's header reader, plus the checks that reader does
 * not make: node-llama-cpp pads reads past the end of the file with zeros, so a truncated file parses
 * "successfully" into nonsense. Here the header section and every tensor's data must lie inside the file.
 */
import { open, stat } from 'node:fs/promises';
import { basename, dirname, relative } from 'node:path';
import { ModelFormatError } from '../errors.js';
import { ggmlTensorBytes } from './ggmlTensorBytes.js';
import type { ModelDetails, ModelFileRecord, ModelRecord } from './ModelRecord.js';
import { sha256File } from './sha256File.js';

/** Metadata keys the record does not use; skipping them saves memory on large vocabularies. */
const IGNORED_KEYS = ['tokenizer.ggml.merges', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type'];

/** One part of a (possibly split) GGUF model with the bytes its contents require. */
interface GgufPart {
  path: string;
  sizeBytes: number;
  /** End of the header section (metadata, tensor infos, alignment padding). */
  headerEnd: number;
  /** End of the last tensor's data, or the start of it when a tensor type's size is unknown. */
  dataEnd: number;
  /** Name of the tensor whose data ends last, for the error message. */
  lastTensor: string;
}

/**
 * Inspects the GGUF file at `path` (absolute; already known to start with the magic `GGUF`). For a split
 * model (`…-00001-of-0000N.gguf`), the parts are read together and listed in `files`.
 */
export async function inspectGguf(path: string): Promise<ModelRecord> {
  await checkGgufPreamble(path);
  const { readGgufFileInfo, GgufFileType, GgmlType } = await import('node-llama-cpp');
  let info;
  try {
    info = await readGgufFileInfo(path, { sourceType: 'filesystem', logWarnings: false, ignoreKeys: IGNORED_KEYS });
  } catch (error) {
    throw new ModelFormatError(path, `cannot read the GGUF header (truncated or damaged?): ${(error as Error).message}`, {
      cause: error,
    });
  }
  const tensors = info.fullTensorInfo ?? info.tensorInfo ?? [];

  // Bytes each part must hold: its header section, then every tensor's data.
  const partPaths = info.sourceData.flatMap((source) => (source.type === 'path' ? [source.path] : []));
  if (partPaths.length === 0) partPaths.push(path);
  const parts: GgufPart[] = [];
  for (const [index, partPath] of partPaths.entries()) {
    const source = info.sourceData[index];
    const headerEnd = source?.type === 'path' ? source.length : (info.infoEndOffset ?? 0);
    parts.push({ path: partPath, sizeBytes: (await stat(partPath)).size, headerEnd, dataEnd: headerEnd, lastTensor: '' });
  }
  for (const tensor of tensors) {
    const part = parts[tensor.filePart - 1] ?? parts[0]!;
    const bytes = ggmlTensorBytes(tensor.ggmlType, tensor.dimensions) ?? 0;
    const end = Number(tensor.fileOffset) + bytes;
    if (end > part.dataEnd) {
      part.dataEnd = end;
      part.lastTensor = tensor.name;
    }
  }
  for (const part of parts) {
    if (part.sizeBytes < part.headerEnd) {
      throw new ModelFormatError(
        part.path,
        `truncated or damaged GGUF file: its header (metadata and tensor list) ends at byte ${part.headerEnd} but the file has only ${part.sizeBytes} bytes`,
      );
    }
    if (part.sizeBytes < part.dataEnd) {
      throw new ModelFormatError(
        part.path,
        `truncated or damaged GGUF file: the data of tensor "${part.lastTensor}" ends at byte ${part.dataEnd} ` +
          `but the file has only ${part.sizeBytes} bytes`,
      );
    }
  }

  // Parameters. Every stored element counts once, except a tied output head stored as a second copy of
  // the token embedding: stories260K stores `output.weight` byte-identical to `token_embd.weight`
  // (292,800 stored elements = 260,032 parameters + a second 512×64 copy), and the model card's
  // 260,032 counts it once. The copies are compared byte for byte, so an untied head always counts.
  let paramsStored = 0;
  const tensorTypes: Record<string, number> = {};
  const elementsByType = new Map<string, number>();
  for (const tensor of tensors) {
    const elements = tensor.dimensions.reduce<number>((product, d) => product * Number(d), 1);
    paramsStored += elements;
    const typeName = GgmlType[tensor.ggmlType] ?? `type ${tensor.ggmlType}`;
    tensorTypes[typeName] = (tensorTypes[typeName] ?? 0) + 1;
    if (tensor.dimensions.length >= 2) elementsByType.set(typeName, (elementsByType.get(typeName) ?? 0) + elements);
  }
  let params = paramsStored;
  const embedding = tensors.find((t) => t.name === 'token_embd.weight');
  const output = tensors.find((t) => t.name === 'output.weight');
  if (embedding && output && embedding.ggmlType === output.ggmlType && sameDims(embedding.dimensions, output.dimensions)) {
    const bytes = ggmlTensorBytes(embedding.ggmlType, embedding.dimensions);
    const embeddingPart = parts[embedding.filePart - 1] ?? parts[0]!;
    const outputPart = parts[output.filePart - 1] ?? parts[0]!;
    if (
      bytes !== null &&
      (await sameBytes(embeddingPart.path, Number(embedding.fileOffset), outputPart.path, Number(output.fileOffset), bytes))
    ) {
      params -= output.dimensions.reduce<number>((product, d) => product * Number(d), 1);
    }
  }

  // Quantization: llama.cpp's file type name, else the type most matrix elements have.
  const fileType = info.metadata.general?.file_type;
  const fileTypeName = fileType === undefined ? undefined : GgufFileType[fileType];
  let quant = fileTypeName?.replace(/^(ALL|MOSTLY)_/, '');
  if (quant === undefined) {
    const dominant = [...elementsByType.entries()].sort((a, b) => b[1] - a[1])[0];
    quant = dominant?.[0] ?? 'unknown';
  }

  const metadata = info.metadata as unknown as Record<string, unknown>;
  const arch = typeof info.metadata.general?.architecture === 'string' ? info.metadata.general.architecture : null;
  const archMetadata = (info.architectureMetadata ?? {}) as Record<string, unknown>;
  const tokens = pick(metadata, 'tokenizer.ggml.tokens');
  const vocabSize = Array.isArray(tokens) ? tokens.length : numberAt(archMetadata, 'vocab_size');
  const details: ModelDetails = {
    layers: numberAt(archMetadata, 'block_count'),
    hiddenSize: numberAt(archMetadata, 'embedding_length'),
    heads: numberAt(archMetadata, 'attention.head_count'),
    kvHeads: numberAt(archMetadata, 'attention.head_count_kv') ?? numberAt(archMetadata, 'attention.head_count'),
    ffnSize: numberAt(archMetadata, 'feed_forward_length'),
    ropeTheta: numberAt(archMetadata, 'rope.freq_base'),
    normEpsilon:
      numberAt(archMetadata, 'attention.layer_norm_rms_epsilon') ?? numberAt(archMetadata, 'attention.layer_norm_epsilon'),
    experts: numberAt(archMetadata, 'expert_count'),
  };

  const folder = dirname(path);
  const files: ModelFileRecord[] = [];
  for (const part of parts) {
    files.push({ path: relative(folder, part.path).split('\\').join('/'), sizeBytes: part.sizeBytes, sha256: await sha256File(part.path) });
  }
  const name = pick(metadata, 'general.name');
  return {
    path,
    format: 'gguf',
    name: typeof name === 'string' && name !== '' ? name : basename(path),
    sha256: files[0]!.sha256,
    sizeBytes: files.reduce((sum, f) => sum + f.sizeBytes, 0),
    params,
    paramsStored,
    quant,
    arch,
    contextLength: numberAt(archMetadata, 'context_length'),
    vocabSize,
    files,
    tensorTypes,
    details,
  };
}

/**
 * Checks the fixed preamble (magic, version, tensor count, metadata count) before node-llama-cpp parses
 * the file: its reader reads zeros past the end of a file, so a garbage count of 2^60 would make it loop
 * practically forever instead of failing.
 */
async function checkGgufPreamble(path: string): Promise<void> {
  const handle = await open(path, 'r');
  let size: number;
  const preamble = Buffer.alloc(24);
  let bytesRead: number;
  try {
    size = (await handle.stat()).size;
    ({ bytesRead } = await handle.read(preamble, 0, 24, 0));
  } finally {
    await handle.close();
  }
  if (bytesRead < 24) {
    throw new ModelFormatError(path, `truncated or damaged GGUF file: ${size} bytes, shorter than the 24-byte GGUF preamble`);
  }
  const version = preamble.readUInt32LE(4);
  if (version !== 2 && version !== 3) {
    throw new ModelFormatError(
      path,
      version === 1
        ? 'GGUF version 1 is not supported (llama.cpp reads versions 2 and 3; convert the file with a current llama.cpp)'
        : `damaged GGUF file: version ${version} (llama.cpp reads versions 2 and 3)`,
    );
  }
  // A tensor info takes at least 24 bytes (name length, dimension count, one dimension, type, offset),
  // a metadata entry at least 13 (key length, value type, one-byte value).
  const tensorCount = preamble.readBigUInt64LE(8);
  const metadataCount = preamble.readBigUInt64LE(16);
  if (tensorCount * 24n > BigInt(size) || metadataCount * 13n > BigInt(size)) {
    throw new ModelFormatError(
      path,
      `truncated or damaged GGUF file: it declares ${tensorCount} tensors and ${metadataCount} metadata entries, more than its ${size} bytes can hold`,
    );
  }
}

function sameDims(a: readonly (number | bigint)[], b: readonly (number | bigint)[]): boolean {
  return a.length === b.length && a.every((d, i) => Number(d) === Number(b[i]));
}

/** Value at a dotted path of nested metadata. */
function pick(object: Record<string, unknown>, dottedPath: string): unknown {
  let value: unknown = object;
  for (const key of dottedPath.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A number at a dotted path; for a per-layer array (some architectures), its largest entry. */
function numberAt(object: Record<string, unknown>, dottedPath: string): number | null {
  const value = pick(object, dottedPath);
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value);
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number')) {
    return Math.max(...(value as number[]));
  }
  return null;
}

/** Whether `length` bytes at `offsetA` of `pathA` equal those at `offsetB` of `pathB`; stops at the first difference. */
async function sameBytes(pathA: string, offsetA: number, pathB: string, offsetB: number, length: number): Promise<boolean> {
  const chunk = 1 << 20;
  const a = await open(pathA, 'r');
  const b = pathB === pathA ? a : await open(pathB, 'r');
  try {
    const bufferA = Buffer.alloc(Math.min(chunk, length));
    const bufferB = Buffer.alloc(Math.min(chunk, length));
    for (let done = 0; done < length; done += chunk) {
      const size = Math.min(chunk, length - done);
      const [readA, readB] = await Promise.all([
        a.read(bufferA, 0, size, offsetA + done),
        b.read(bufferB, 0, size, offsetB + done),
      ]);
      if (readA.bytesRead !== size || readB.bytesRead !== size) return false;
      if (!bufferA.subarray(0, size).equals(bufferB.subarray(0, size))) return false;
    }
    return true;
  } finally {
    await a.close();
    if (b !== a) await b.close();
  }
}
