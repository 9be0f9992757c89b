/**
 * `slmbench forge merge` end to end: a merged GGUF of two forged models loads in llama.cpp and generates,
 * and its transformers.js folder (written through the converter) loads in the onnxruntime adapter,
 * tokenizes as llama.cpp does and gives llama.cpp's greedy ids (f32 KV cache, no flash attention).
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendDefinition, LoadedModel } from '../../adapters/types.js';
import { forgeModel } from '../../harness/forge/forgeModel.js';
import { mergeGgufModels, type MergeResult } from '../../harness/forge/mergeGgufModels.js';
import { detectModelFormat } from '../../harness/model/detectModelFormat.js';
import { inspectGguf } from '../../adapters/formats/gguf/inspectGguf.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

const llamaCpp = (await import('../../adapters/llama-cpp/index.js')).default as BackendDefinition;
const onnxRuntime = (await import('../../adapters/onnxruntime/index.js')).default as BackendDefinition;

async function load(definition: BackendDefinition, path: string, options: Record<string, unknown>): Promise<LoadedModel> {
  return (await definition.create()).load(await detectModelFormat(path), definition.optionsSchema.parse(options), { requiredContext: 256 });
}

async function greedy(model: LoadedModel, promptTokenIds: number[], maxNewTokens: number): Promise<number[]> {
  const out: number[] = [];
  for await (const event of model.generate({ promptTokenIds, maxNewTokens, ignoreEos: true })) out.push(...event.tokenIds);
  return out;
}

const LLAMA_OPTIONS = { kvCacheType: 'f32', flashAttention: false, threads: 1, gpu: false };
const PROMPT = 'Once upon a time, a merged model';

const dir = tempDir('merge');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('forge merge: the merged model runs', () => {
  let merged: MergeResult;
  let parents: string[];

  beforeAll(async () => {
    for (const seed of [1, 2]) await forgeModel({ outDir: join(dir, `seed${seed}`), preset: 'tiny', seed, formats: ['F32'] });
    parents = [1, 2].map((seed) => join(dir, `seed${seed}`, 'model-F32.gguf'));
    merged = await mergeGgufModels({
      inputs: [{ path: parents[0]!, weight: 0.3 }, { path: parents[1]!, weight: 0.7 }],
      outFile: join(dir, 'merged.gguf'),
      transformersJs: join(dir, 'merged-onnx'),
    });
  });

  it('writes the GGUF and a transformers.js folder of it', () => {
    expect(merged.transformersJs!.record.source).toMatchObject({ sha256: merged.sha256, name: merged.record.name });
    expect(merged.transformersJs!.record.tensorTypes).toEqual({ F32: 21 });
    for (const file of ['config.json', 'tokenizer.json', 'onnx/model.onnx', 'convert.json']) expect(existsSync(join(dir, 'merged-onnx', file)), file).toBe(true);
  });

  it("llama.cpp generates 8 tokens; onnxruntime gives llama.cpp's tokens and greedy ids; the parents differ", async () => {
    const llama = await load(llamaCpp, merged.outFile, LLAMA_OPTIONS);
    const onnx = await load(onnxRuntime, join(dir, 'merged-onnx'), { intraOpThreads: 1 });
    try {
      const ids = await llama.tokenize(PROMPT, { addBos: true });
      expect(await onnx.tokenize(PROMPT, { addBos: true })).toEqual(ids);
      const llamaIds = await greedy(llama, ids, 8);
      expect(llamaIds.length).toBe(8);
      expect(await greedy(onnx, ids, 8)).toEqual(llamaIds);
      // A merge is a new model: its continuation is neither parent's.
      for (const parent of parents) {
        const model = await load(llamaCpp, parent, LLAMA_OPTIONS);
        try {
          expect(await greedy(model, ids, 8), parent).not.toEqual(llamaIds);
        } finally {
          await model.dispose();
        }
      }
    } finally {
      await llama.dispose();
      await onnx.dispose();
    }
  });

  it('a Q4_0 merge loads in llama.cpp and generates 8 tokens', async () => {
    const q4 = await mergeGgufModels({ inputs: parents.map((path) => ({ path })), outFile: join(dir, 'merged-Q4_0.gguf'), outType: 'Q4_0' });
    expect(q4.tensorTypes).toEqual({ Q4_0: 16, F32: 5 });
    const model = await load(llamaCpp, q4.outFile, LLAMA_OPTIONS);
    try {
      const ids = await model.tokenize(PROMPT, { addBos: true });
      expect((await greedy(model, ids, 8)).length).toBe(8);
    } finally {
      await model.dispose();
    }
  });
});

describe.skipIf(!hasShared)(`forge merge counts parameters as inspect does ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('stories260K merged with itself: 260,032 parameters (its tied head once), 292,800 values stored, as inspect says', async () => {
    const source = sharedPath('models/stories260K/gguf/stories260K-f32.gguf');
    const outDir = tempDir('merge-params');
    const merged = await mergeGgufModels({ inputs: [{ path: source }, { path: source }], outFile: join(outDir, 'soup.gguf') });
    const inspected = await inspectGguf(join(outDir, 'soup.gguf'));
    const original = await inspectGguf(source);
    expect([merged.parameters, merged.parametersStored]).toEqual([260_032, 292_800]);
    expect([inspected.params, inspected.paramsStored]).toEqual([merged.parameters, merged.parametersStored]);
    expect(original.params).toBe(260_032);
  });
});
