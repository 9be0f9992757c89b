/**
 * Inspection of a GGUF file through the GGUF module: its header ({@link readGgufHeader}, which refuses a
 * truncated or damaged file and names what is wrong) and the facts derived from it ({@link ggufModelFacts}),
 * plus identity (sha256 and size of every part) and the parameter count.
 */
import { basename, dirname, relative } from 'node:path';
import { sha256File } from '../../../harness/util/sha256File.js';
import type { ModelFileRecord, ModelRecord } from '../ModelRecord.js';
import { ggmlTypeName } from './ggmlTypes.js';
import { ggufModelFacts } from './ggufModelFacts.js';
import { ggufParameterCount } from './ggufParameterCount.js';
import { readGgufHeader } from './readGgufHeader.js';

/**
 * Inspects the GGUF file at `path` (absolute; already known to start with the magic `GGUF`). For a split
 * model (`…-00001-of-0000N.gguf`), the parts are read together and listed in `files`.
 */
export async function inspectGguf(path: string): Promise<ModelRecord> {
  const header = await readGgufHeader(path);
  const facts = ggufModelFacts(header);
  const { tensors } = header;

  const tensorTypes: Record<string, number> = {};
  for (const tensor of tensors) {
    const typeName = ggmlTypeName(tensor.typeCode);
    tensorTypes[typeName] = (tensorTypes[typeName] ?? 0) + 1;
  }
  const { params, paramsStored } = await ggufParameterCount(tensors);

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
