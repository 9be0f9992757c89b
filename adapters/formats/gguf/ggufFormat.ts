/**
 * The GGUF format (llama.cpp's single-file model format): a file starting with the magic `GGUF`, whatever
 * its name (Ollama stores blobs without an extension). Inspection and decode facts go through the GGUF
 * module ({@link readGgufHeader}, {@link ggufModelFacts}), imported when first needed.
 */
import { extname } from 'node:path';
import type { ModelFormatDefinition } from '../../types.js';
import { describeMagic } from '../describeMagic.js';

const GGUF_MAGIC = Buffer.from('GGUF', 'latin1');

export const ggufFormat: ModelFormatDefinition = {
  id: 'gguf',
  expects: 'a .gguf file (magic "GGUF")',
  detect(probe) {
    if (probe.kind !== 'file') return false;
    const magic = probe.magic.subarray(0, 4);
    if (magic.equals(GGUF_MAGIC)) return true;
    if (extname(probe.path).toLowerCase() !== '.gguf') return false;
    return magic.length < 4
      ? `not a GGUF file: it is ${probe.sizeBytes} bytes long, too short for the 4-byte magic "GGUF"`
      : `not a GGUF file: expected the magic "GGUF" (47 47 55 46), found ${describeMagic(magic)}`;
  },
  async inspectFile(path) {
    const { inspectGguf } = await import('./inspectGguf.js');
    return inspectGguf(path);
  },
  async decodeFacts(path, weightsFile) {
    const [{ readGgufHeader }, { ggufModelFacts }] = await Promise.all([import('./readGgufHeader.js'), import('./ggufModelFacts.js')]);
    const facts = ggufModelFacts(await readGgufHeader(weightsFile ?? path));
    return facts.kv && facts.decodeWeights ? { weights: facts.decodeWeights, kv: facts.kv, source: 'gguf tensor list' } : null;
  },
};
