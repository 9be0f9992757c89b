/**
 * Decode sessions (`openSession`) and `vocabulary()` of the three local backends on the ../shared models
 * with the same weights in GGUF and ONNX (stories260K, llama-2-tiny-random): greedy decoding by argmax over
 * a session's distribution reproduces the golden ids, a session's log-probabilities equal `score()`'s,
 * each distribution sums to 1, a superseded session refuses to go on without disturbing the current one,
 * and the GGUF's tokens equal tokenizer.json's. llama.cpp runs with an f32 KV cache and flash attention
 * off (the numerics of the ONNX backends). The shared helpers (log-softmax, tokenizer.json reader) are
 * checked on data written here.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argmax } from '../../adapters/common/argmax.js';
import { logSoftmax } from '../../adapters/common/logSoftmax.js';
import { logSoftmaxAt } from '../../adapters/common/logSoftmaxAt.js';
import { readTokenizerVocabulary } from '../../adapters/onnx-common/readTokenizerVocabulary.js';
import type { Adapter, DecodeSession, LoadedModel } from '../../adapters/types.js';
import { BackendRuntimeError, ModelFormatError, WorkloadError } from '../../harness/errors.js';
import { detectModelFormat } from '../../harness/model/detectModelFormat.js';
import { localBackends } from '../helpers/loadStories260K.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

interface Golden {
  max_new_tokens: number;
  cases: { prompt: string; prompt_ids: number[]; greedy_ids: number[]; greedy_text: string }[];
}

/** Backends in the order the tests name them. */
const BACKENDS = ['llama-cpp', 'onnxruntime', 'transformers-js'] as const;

/** The model files of each shared model, by format. */
const SOURCES: Record<string, { gguf: string; folder: string }> = {
  stories260K: { gguf: 'models/stories260K/gguf/stories260K-f32.gguf', folder: 'models/stories260K/transformersjs' },
  'llama-2-tiny-random': {
    gguf: 'models/llama-2-tiny-random/gguf/llama-2-tiny-random.gguf',
    folder: 'models/llama-2-tiny-random/transformersjs',
  },
};

/** Options per backend: llama.cpp with the ONNX backends' numerics; one thread each (2-core CI). */
const OPTIONS: Record<string, Record<string, unknown>> = {
  'llama-cpp': { kvCacheType: 'f32', flashAttention: false, threads: 1 },
  onnxruntime: { intraOpThreads: 1 },
  'transformers-js': { intraOpThreads: 1 },
};

function readGolden(model: string): Golden {
  return JSON.parse(readFileSync(sharedPath('models', model, 'golden_greedy.json'), 'utf8')) as Golden;
}

interface Loaded {
  adapter: Adapter;
  model: LoadedModel;
}

/** Loads `name` on the three local backends (GGUF for llama.cpp, the transformers.js folder otherwise). */
async function loadAll(name: string, requiredContext: number): Promise<Map<string, Loaded>> {
  const loaded = new Map<string, Loaded>();
  for (const definition of localBackends()) {
    const adapter = (await definition.create()) as Adapter;
    const source = await detectModelFormat(sharedPath(definition.id === 'llama-cpp' ? SOURCES[name]!.gguf : SOURCES[name]!.folder));
    const model = await adapter.load(source, definition.optionsSchema.parse(OPTIONS[definition.id] ?? {}), { requiredContext });
    loaded.set(definition.id, { adapter, model });
  }
  return loaded;
}

/** Σ exp(logprobs) in float64. */
function probabilityMass(logprobs: Float32Array): number {
  let sum = 0;
  for (const lp of logprobs) sum += Math.exp(lp);
  return sum;
}

describe('logSoftmax', () => {
  it('is the max-shifted log-softmax of one row, in float32, equal to logSoftmaxAt at every id', () => {
    const logits = Float32Array.of(9, 9, 1, 2, 3, -1, 0.5, 9);
    const out = logSoftmax(logits, 2, 5);
    expect(out).toBeInstanceOf(Float32Array);
    expect(out).toHaveLength(5);
    const sum = Math.exp(1 - 3) + Math.exp(2 - 3) + Math.exp(0) + Math.exp(-1 - 3) + Math.exp(0.5 - 3);
    for (let i = 0; i < 5; i++) {
      expect(out[i]).toBe(Math.fround(logits[2 + i]! - 3 - Math.log(sum)));
      expect(out[i]).toBe(Math.fround(logSoftmaxAt(logits, 2, 5, i).logprob));
    }
  });

  it('stays finite for logits far from zero and writes into the array given', () => {
    const target = new Float32Array(3);
    const out = logSoftmax([1e4, 1e4, 1e4 - Math.log(2)], 0, 3, target);
    expect(out).toBe(target);
    expect(Array.from(out)).toEqual([Math.fround(-Math.log(2.5)), Math.fround(-Math.log(2.5)), Math.fround(-Math.log(2) - Math.log(2.5))]);
    expect(() => logSoftmax([1, 2, 3], 0, 3, new Float32Array(2))).toThrow(RangeError);
  });
});

describe('readTokenizerVocabulary', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = tempDir('vocab');
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  async function read(tokenizer: unknown): Promise<string[]> {
    writeFileSync(join(scratch, 'tokenizer.json'), JSON.stringify(tokenizer));
    return readTokenizerVocabulary(scratch);
  }

  it('reads a BPE/WordPiece vocabulary (token → id) with its added tokens, by id', async () => {
    const vocab = await read({
      added_tokens: [{ id: 0, content: '<unk>' }, { id: 4, content: '<|end|>' }],
      model: { type: 'BPE', vocab: { '<unk>': 0, 'Ġthe': 2, a: 1, '<0x0A>': 3 } },
    });
    expect(vocab).toEqual(['<unk>', 'a', 'Ġthe', '<0x0A>', '<|end|>']);
  });

  it('reads a Unigram vocabulary ([token, score] pairs, id = index)', async () => {
    const vocab = await read({ added_tokens: [{ id: 3, content: '</s>' }], model: { type: 'Unigram', vocab: [['<pad>', 0], ['▁the', -2.5], ['s', -3.1]] } });
    expect(vocab).toEqual(['<pad>', '▁the', 's', '</s>']);
  });

  it('throws on an id without a token, on an id given twice, and on a missing vocabulary', async () => {
    await expect(read({ model: { vocab: { a: 0, c: 2 } } })).rejects.toThrow(/no token for 1 id\(s\) below its highest id 2 \(first: 1\)/);
    await expect(read({ added_tokens: [{ id: 5, content: 'x' }], model: { vocab: [['a', 0]] } })).rejects.toThrow(ModelFormatError);
    await expect(read({ model: { vocab: { a: 0, b: 0 } } })).rejects.toThrow(/gives id 0 to both "a" and "b"/);
    await expect(read({ model: { type: 'BPE' } })).rejects.toThrow(/no model.vocab/);
  });
});

describe.skipIf(!hasShared)(`decode sessions on ../shared models${hasShared ? '' : ` (${sharedSkipReason})`}`, () => {
  for (const name of ['stories260K', 'llama-2-tiny-random']) {
    describe(name, () => {
      const golden = hasShared ? readGolden(name) : { max_new_tokens: 0, cases: [] };
      let loaded: Map<string, Loaded>;

      beforeAll(async () => {
        const longest = Math.max(...golden.cases.map((c) => c.prompt_ids.length));
        loaded = await loadAll(name, longest + golden.max_new_tokens);
      });
      afterAll(async () => {
        for (const { model } of loaded?.values() ?? []) await model.dispose();
      });

      it('every local backend declares stepwise and implements openSession and vocabulary', () => {
        expect([...loaded.keys()].sort()).toEqual([...BACKENDS]);
        for (const [id, { adapter, model }] of loaded) {
          expect(adapter.capabilities.stepwise, id).toBe(true);
          expect(typeof model.openSession, id).toBe('function');
          expect(typeof model.vocabulary, id).toBe('function');
        }
      });

      for (const backend of BACKENDS) {
        for (const [index, testCase] of golden.cases.entries()) {
          const label = `${backend}, case ${index} ${JSON.stringify(testCase.prompt)}`;

          it(`${label}: argmax over session.logprobs + push reproduces the ${golden.max_new_tokens} golden ids`, async () => {
            const model = loaded.get(backend)!.model;
            const session = await model.openSession!(testCase.prompt_ids);
            try {
              const ids: number[] = [];
              for (let i = 0; i < golden.max_new_tokens; i++) {
                expect(session.length).toBe(testCase.prompt_ids.length + i);
                expect(session.logprobs).toHaveLength(model.info.vocabSize);
                const next = argmax(session.logprobs, 0, session.logprobs.length);
                ids.push(next);
                await session.push(next);
              }
              expect(ids).toEqual(testCase.greedy_ids);
              expect(session.length).toBe(testCase.prompt_ids.length + golden.max_new_tokens);
            } finally {
              await session.close();
            }
          });

          it(`${label}: session log-probabilities of the golden ids equal score() within 1e-4, and each distribution sums to 1`, async () => {
            const model = loaded.get(backend)!.model;
            const session = await model.openSession!(testCase.prompt_ids);
            const fromSession: number[] = [];
            try {
              for (const token of testCase.greedy_ids) {
                expect(Math.abs(probabilityMass(session.logprobs) - 1)).toBeLessThan(1e-4);
                expect(session.logprobs.reduce((a, b) => Math.max(a, b), -Infinity)).toBeLessThanOrEqual(0);
                fromSession.push(session.logprobs[token]!);
                await session.push(token);
              }
              expect(Math.abs(probabilityMass(session.logprobs) - 1)).toBeLessThan(1e-4);
            } finally {
              await session.close();
            }
            const scored = await model.score!(testCase.prompt_ids, testCase.greedy_ids);
            expect(scored.isGreedy).toBe(true);
            expect(scored.logprobs).toHaveLength(fromSession.length);
            fromSession.forEach((lp, i) => expect(Math.abs(lp - scored.logprobs[i]!), `token ${i}`).toBeLessThan(1e-4));
          });
        }
      }

      it('vocabulary(): the GGUF and the ONNX folder give identical token arrays of length vocabSize', async () => {
        const vocabularies = new Map<string, string[]>();
        for (const [id, { model }] of loaded) {
          const vocabulary = await model.vocabulary!();
          expect(vocabulary, id).toHaveLength(model.info.vocabSize);
          vocabularies.set(id, vocabulary);
        }
        const gguf = vocabularies.get('llama-cpp')!;
        expect(vocabularies.get('onnxruntime')).toEqual(gguf);
        expect(vocabularies.get('transformers-js')).toEqual(gguf);
        expect(gguf.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
        expect(gguf[13]).toBe('<0x0A>');
        // The prompt "Once upon a time" as the tokenizer stores its tokens.
        const once = golden.cases.find((c) => c.prompt === 'Once upon a time')!;
        expect(once.prompt_ids.map((id) => gguf[id])).toEqual(['<s>', '▁Once', '▁upon', '▁a', '▁time']);
      });
    });
  }

  describe('tiny-random-LlamaForCausalLM-fp16 (float16 logits and cache, contrib ops; ONNX backends only)', () => {
    const onnxBackends = localBackends().filter((d) => d.id !== 'llama-cpp');
    const models = new Map<string, LoadedModel>();
    beforeAll(async () => {
      for (const definition of onnxBackends) {
        const adapter = await definition.create();
        const source = await detectModelFormat(sharedPath('models/tiny-random-LlamaForCausalLM-fp16'));
        models.set(definition.id, await adapter.load(source, definition.optionsSchema.parse(OPTIONS[definition.id] ?? {})));
      }
    });
    afterAll(async () => {
      for (const model of models.values()) await model.dispose();
    });

    for (const backend of ['onnxruntime', 'transformers-js']) {
      it(`${backend}: session argmax decoding equals generate(), its log-probabilities equal score() within 1e-3`, async () => {
        const model = models.get(backend)!;
        const prompt = await model.tokenize('Once upon a time', { addBos: true });
        const generated: number[] = [];
        for await (const event of model.generate({ promptTokenIds: prompt, maxNewTokens: 16, ignoreEos: true })) generated.push(...event.tokenIds);
        const session = await model.openSession!(prompt);
        const ids: number[] = [];
        const logprobs: number[] = [];
        try {
          for (let i = 0; i < 16; i++) {
            expect(Math.abs(probabilityMass(session.logprobs) - 1)).toBeLessThan(1e-4);
            const next = argmax(session.logprobs, 0, session.logprobs.length);
            ids.push(next);
            logprobs.push(session.logprobs[next]!);
            await session.push(next);
          }
        } finally {
          await session.close();
        }
        expect(ids).toEqual(generated);
        // float16 attention over a cache and over the whole sequence round differently: about 2.5e-4 apart.
        const scored = await model.score!(prompt, generated);
        logprobs.forEach((lp, i) => expect(Math.abs(lp - scored.logprobs[i]!), `token ${i}`).toBeLessThan(1e-3));
      });
    }

    it('vocabulary(): HF\'s Llama-2 tokenizer.json equals the GGUF-derived one but for id 31353, stored empty', async () => {
      const llama2 = await readTokenizerVocabulary(sharedPath('models/llama-2-tiny-random/transformersjs'));
      for (const [id, model] of models) {
        const vocabulary = await model.vocabulary!();
        expect(vocabulary, id).toHaveLength(32000);
        const differing = vocabulary.flatMap((token, i) => (token === llama2[i] ? [] : [[i, token, llama2[i]]]));
        expect(differing, id).toEqual([[31353, '', '\u2028']]);
      }
    });
  });

  describe('stories260K: one session at a time', () => {
    const golden = hasShared ? readGolden('stories260K') : { max_new_tokens: 0, cases: [] };
    let loaded: Map<string, Loaded>;
    beforeAll(async () => {
      loaded = await loadAll('stories260K', 128);
    });
    afterAll(async () => {
      for (const { model } of loaded?.values() ?? []) await model.dispose();
    });

    for (const backend of BACKENDS) {
      it(`${backend}: a superseded session throws on push; closing it leaves the current session intact`, async () => {
        const model = loaded.get(backend)!.model;
        const { prompt_ids: prompt, greedy_ids: greedy } = golden.cases[1]!;
        // The distribution after prompt + 2 golden tokens, from an undisturbed session.
        const reference = await model.openSession!(prompt);
        await reference.push(greedy[0]!);
        await reference.push(greedy[1]!);
        const expected = Float32Array.from(reference.logprobs);
        await reference.close();

        const first = await model.openSession!(prompt);
        await first.push(greedy[0]!);
        const second = await model.openSession!(prompt);
        await expect(first.push(greedy[1]!)).rejects.toThrow(BackendRuntimeError);
        await expect(first.push(greedy[1]!)).rejects.toThrow(/no longer current/);
        expect(first.length).toBe(prompt.length + 1);
        await first.close(); // a no-op: it must not clear what `second` holds
        await second.push(greedy[0]!);
        await second.push(greedy[1]!);
        expect(second.length).toBe(prompt.length + 2);
        expect(second.logprobs).toEqual(expected);
        await second.close();
        await second.close(); // idempotent
        await expect(second.push(greedy[2]!)).rejects.toThrow(/decode session that is closed/);
      });

      it(`${backend}: generate() and score() end the open session`, async () => {
        const model = loaded.get(backend)!.model;
        const { prompt_ids: prompt, greedy_ids: greedy } = golden.cases[1]!;
        const beforeGenerate = await model.openSession!(prompt);
        const generated: number[] = [];
        for await (const event of model.generate({ promptTokenIds: prompt, maxNewTokens: 4, ignoreEos: true })) generated.push(...event.tokenIds);
        expect(generated).toEqual(greedy.slice(0, 4));
        await expect(beforeGenerate.push(greedy[0]!)).rejects.toThrow(/no longer current/);

        const beforeScore = await model.openSession!(prompt);
        const scored = await model.score!(prompt, greedy.slice(0, 3));
        expect(scored.isGreedy).toBe(true);
        await expect(beforeScore.push(greedy[0]!)).rejects.toThrow(/no longer current/);
        await beforeScore.close();
      });

      it(`${backend}: pushes are checked and run one at a time`, async () => {
        const model = loaded.get(backend)!.model;
        const { prompt_ids: prompt, greedy_ids: greedy } = golden.cases[1]!;
        await expect(model.openSession!([])).rejects.toThrow(WorkloadError);
        await expect(model.openSession!([1, 512])).rejects.toThrow(/token id 512 is outside the vocabulary of 512/);
        const session: DecodeSession = await model.openSession!(prompt);
        try {
          await expect(session.push(512)).rejects.toThrow(WorkloadError);
          await expect(session.push(-1)).rejects.toThrow(WorkloadError);
          const pending = session.push(greedy[0]!);
          await expect(session.push(greedy[1]!)).rejects.toThrow(/previous push has not finished/);
          await pending;
          // Rejected pushes left the session as it was.
          expect(session.length).toBe(prompt.length + 1);
          expect(argmax(session.logprobs, 0, 512)).toBe(greedy[1]);
        } finally {
          await session.close();
        }
      });
    }
  });
});
