/**
 * The parameter count of a GGUF model, the one rule `inspect` and `forge merge` share. Every stored element
 * counts once, except a tied output head stored as a second copy of the token embedding: stories260K
 * stores `output.weight` byte-identical to `token_embd.weight` (292,800 stored elements = 260,032
 * parameters + a second 512×64 copy), and the model card's 260,032 counts it once. The copies are compared
 * byte for byte, so an untied head always counts.
 */
import { open } from 'node:fs/promises';
import type { GgufTensor } from './readGgufHeader.js';

/** `params` (a tied head counted once) and `paramsStored` (every stored element) of a header's tensors. */
export async function ggufParameterCount(tensors: readonly GgufTensor[]): Promise<{ params: number; paramsStored: number }> {
  const paramsStored = tensors.reduce((n, t) => n + t.elements, 0);
  let params = paramsStored;
  const embedding = tensors.find((t) => t.name === 'token_embd.weight');
  const output = tensors.find((t) => t.name === 'output.weight');
  if (embedding && output && embedding.typeCode === output.typeCode && sameDims(embedding.dims, output.dims)) {
    if (embedding.byteLength !== null && (await sameBytes(embedding, output, embedding.byteLength))) params -= output.elements;
  }
  return { params, paramsStored };
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
