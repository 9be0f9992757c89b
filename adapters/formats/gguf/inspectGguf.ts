/**
 * Inspection of a GGUF file through the GGUF module: its header ({@link readGgufHeader}, which refuses a
 * truncated or damaged file and names what is wrong) and the facts derived from it ({@link ggufModelFacts}),
 * plus identity (sha256 and size of every part) and the parameter count.
 */
import { open } from 'node:fs/promises';
import { basename, dirname, relative } from 'node:path';
import { sha256File } from '../../../harness/util/sha256File.js';
import type { ModelFileRecord, ModelRecord } from '../ModelRecord.js';
import { ggmlTypeName } from './ggmlTypes.js';
import { ggufModelFacts } from './ggufModelFacts.js';
import { readGgufHeader, type GgufTensor } from './readGgufHeader.js';

/**
 * Inspects the GGUF file at `path` (absolute; already known to start with the magic `GGUF`). For a split
 * model (`…-00001-of-0000N.gguf`), the parts are read together and listed in `files`.
 */
export async function inspectGguf(path: string): Promise<ModelRecord> {
  const header = await readGgufHeader(path);
  const facts = ggufModelFacts(header);
  const { tensors } = header;

  // Parameters. Every stored element counts once, except a tied output head stored as a second copy of
  // the token embedding: stories260K stores `output.weight` byte-identical to `token_embd.weight`
  // (292,800 stored elements = 260,032 parameters + a second 512×64 copy), and the model card's
  // 260,032 counts it once. The copies are compared byte for byte, so an untied head always counts.
  let paramsStored = 0;
  const tensorTypes: Record<string, number> = {};
  for (const tensor of tensors) {
    paramsStored += tensor.elements;
    const typeName = ggmlTypeName(tensor.typeCode);
    tensorTypes[typeName] = (tensorTypes[typeName] ?? 0) + 1;
  }
  let params = paramsStored;
  const embedding = tensors.find((t) => t.name === 'token_embd.weight');
  const output = tensors.find((t) => t.name === 'output.weight');
  if (embedding && output && embedding.typeCode === output.typeCode && sameDims(embedding.dims, output.dims)) {
    if (embedding.byteLength !== null && (await sameBytes(embedding, output, embedding.byteLength))) params -= output.elements;
  }

  const folder = dirname(path);
  const files: ModelFileRecord[] = [];
  for (const part of header.parts) {
    files.push({ path: relative(folder, part.path).split('\\').join('/'), sizeBytes: part.sizeBytes, sha256: await sha256File(part.path) });
  }
  return {
    path,
    format: 'gguf',
    name: facts.name ?? basename(path),
    sha256: files[0]!.sha256,
    sizeBytes: header.sizeBytes,
    params,
    paramsStored,
    quant: facts.quant,
    arch: facts.architecture,
    contextLength: facts.contextLength,
    vocabSize: facts.vocabSize,
    files,
    tensorTypes,
    details: facts.details,
  };
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Whether the first `length` bytes of two tensors' data are equal; stops at the first difference. */
async function sameBytes(a: GgufTensor, b: GgufTensor, length: number): Promise<boolean> {
  const chunk = 1 << 20;
  const fileA = await open(a.file, 'r');
  const fileB = b.file === a.file ? fileA : await open(b.file, 'r');
  try {
    const bufferA = Buffer.alloc(Math.min(chunk, length));
    const bufferB = Buffer.alloc(Math.min(chunk, length));
    for (let done = 0; done < length; done += chunk) {
      const size = Math.min(chunk, length - done);
      const [readA, readB] = await Promise.all([fileA.read(bufferA, 0, size, a.fileOffset + done), fileB.read(bufferB, 0, size, b.fileOffset + done)]);
      if (readA.bytesRead !== size || readB.bytesRead !== size) return false;
      if (!bufferA.subarray(0, size).equals(bufferB.subarray(0, size))) return false;
    }
    return true;
  } finally {
    await fileA.close();
    if (fileB !== fileA) await fileB.close();
  }
}
