/**
 * A model of SmolLM2-135M's shape (30 layers, GQA 9/3, 49,152-token vocabulary, tied) forges, loads and
 * generates on all three backends: Q8_0 GGUF on llama.cpp, fp32 ONNX on onnxruntime and transformers.js.
 * About 12 s on a 2-core machine (forge 5.5 s, each load under 2 s).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendDefinition, LoadedModel } from '../../adapters/types.js';
import { forgeModel, type ForgeResult } from '../../harness/forge/forgeModel.js';
import { detectModelFormat } from '../../harness/model/detectModelFormat.js';
import { tempDir } from '../helpers/tempDir.js';

const { backendRegistry } = await import('../../adapters/registry.js');
const VOCAB = 49152;

async function generate(id: string, path: string, prompt: string): Promise<{ prompt: number[]; tokens: number[] }> {
  const def = backendRegistry.find((d) => d.id === id) as BackendDefinition;
  const model: LoadedModel = await (await def.create()).load(await detectModelFormat(path), def.optionsSchema.parse({}), { requiredContext: 64 });
  try {
    expect(model.info.vocabSize, id).toBe(VOCAB);
    const ids = await model.tokenize(prompt, { addBos: true });
    const tokens: number[] = [];
    for await (const event of model.generate({ promptTokenIds: ids, maxNewTokens: 8, ignoreEos: true })) tokens.push(...event.tokenIds);
    return { prompt: ids, tokens };
  } finally {
    await model.dispose();
  }
}

describe('forge: SmolLM2-135M shape on all three backends', () => {
  let dir: string;
  let forged: ForgeResult;

  beforeAll(async () => {
    dir = tempDir('forge-smollm2');
    forged = await forgeModel({ outDir: dir, preset: 'smollm2-135M', formats: ['Q8_0', 'transformers-js'] });
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('generates 8 tokens on llama-cpp (Q8_0), onnxruntime and transformers-js (fp32)', async () => {
    expect(forged.manifest.parameters).toBe(134_515_008);
    const prompt = 'Once upon a time, in a small town';
    const llama = await generate('llama-cpp', join(dir, 'model-Q8_0.gguf'), prompt);
    const onnx = await generate('onnxruntime', join(dir, 'transformersjs'), prompt);
    const tjs = await generate('transformers-js', join(dir, 'transformersjs'), prompt);
    expect(onnx.prompt).toEqual(llama.prompt);
    expect(tjs.prompt).toEqual(llama.prompt);
    for (const { tokens } of [llama, onnx, tjs]) {
      expect(tokens.length).toBe(8);
      for (const t of tokens) expect(t).toBeLessThan(VOCAB);
    }
    // The same fp32 file on both ONNX backends: the same greedy tokens (up to an end-of-sequence token,
    // which transformers.js masks to keep going).
    const eos = onnx.tokens.indexOf(2);
    const upTo = eos < 0 ? 8 : eos;
    expect(tjs.tokens.slice(0, upTo)).toEqual(onnx.tokens.slice(0, upTo));
  });
});
