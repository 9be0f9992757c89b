/**
 * The forge's GGUF header writer (read back by node-llama-cpp's own GGUF parser), its vocabulary and its
 * shape presets.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, describe, expect, it } from 'vitest';
import { SlmbenchError } from '../../harness/errors.js';
import { buildForgeVocabulary, FORGE_BASE_VOCAB_SIZE, TOKEN_TYPE } from '../../harness/forge/buildForgeVocabulary.js';
import { encodeGgmlTensor } from '../../harness/forge/encodeGgmlTensor.js';
import { alignUp, encodeGgufHeader } from '../../harness/forge/encodeGgufHeader.js';
import { FORGE_PRESETS } from '../../harness/forge/forgePresets.js';
import { countForgeParameters, planLlamaTensors } from '../../harness/forge/planLlamaTensors.js';
import { resolveForgeDimensions } from '../../harness/forge/resolveForgeDimensions.js';
import { tempDir } from '../helpers/tempDir.js';

const dir = tempDir('forge-gguf');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('encodeGgufHeader', () => {
  it('writes a GGUF v3 header that node-llama-cpp parses, with aligned tensor offsets', async () => {
    const f32 = Float32Array.from({ length: 3 }, (_, i) => i + 0.5);
    const q8 = Float32Array.from({ length: 64 }, (_, i) => (i - 32) / 8);
    const header = encodeGgufHeader(
      [
        ['general.architecture', { type: 'string', value: 'llama' }],
        ['general.alignment', { type: 'uint32', value: 32 }],
        ['test.u32', { type: 'uint32', value: 4000000000 }],
        ['test.i32', { type: 'int32', value: -5 }],
        ['test.u64', { type: 'uint64', value: 2 ** 40 }],
        ['test.f32', { type: 'float32', value: 0.25 }],
        ['test.bool', { type: 'bool', value: true }],
        ['test.strings', { type: 'array', itemType: 'string', value: ['a', 'ü', ''] }],
        ['test.floats', { type: 'array', itemType: 'float32', value: [1.5, -2] }],
        ['test.ints', { type: 'array', itemType: 'int32', value: [-1, 6] }],
      ],
      [
        { name: 'vector', dims: [3], type: 'F32' },
        { name: 'matrix', dims: [32, 2], type: 'Q8_0' },
      ],
      32,
    );
    expect(header.bytes.length % 32).toBe(0);
    expect(header.tensors).toEqual([
      { name: 'vector', byteLength: 12, offset: 0 },
      { name: 'matrix', byteLength: 68, offset: 32 },
    ]);
    expect(header.dataBytes).toBe(alignUp(32 + 68, 32));
    const data = new Uint8Array(header.dataBytes);
    data.set(encodeGgmlTensor(f32, 'F32'), 0);
    data.set(encodeGgmlTensor(q8, 'Q8_0'), 32);
    const path = join(dir, 'test.gguf');
    writeFileSync(path, Buffer.concat([header.bytes, data]));

    const info = await readGgufFileInfo(path, { logWarnings: false });
    expect(info.version).toBe(3);
    expect(Number(info.tensorCount)).toBe(2);
    expect(info.infoEndOffset).toBe(header.bytes.length);
    const metadata = info.metadata as unknown as Record<string, Record<string, unknown>>;
    expect(metadata.general).toMatchObject({ architecture: 'llama', alignment: 32 });
    expect(metadata.test).toMatchObject({ u32: 4000000000, i32: -5, f32: 0.25, bool: true, strings: ['a', 'ü', ''], floats: [1.5, -2], ints: [-1, 6] });
    expect(Number(metadata.test!.u64)).toBe(2 ** 40);
    const tensors = info.tensorInfo!.map((t) => ({ name: t.name, dims: t.dimensions.map(Number), type: t.ggmlType, offset: Number(t.offset) }));
    expect(tensors).toEqual([
      { name: 'vector', dims: [3], type: 0, offset: 0 },
      { name: 'matrix', dims: [32, 2], type: 8, offset: 32 },
    ]);
  });

  it('rejects an alignment key that disagrees with the alignment used', () => {
    expect(() => encodeGgufHeader([['general.alignment', { type: 'uint32', value: 64 }]], [], 32)).toThrow(/alignment/);
  });
});

describe('buildForgeVocabulary', () => {
  it('holds specials, 256 byte tokens, ▁ and printable ASCII, then fillers', () => {
    const vocab = buildForgeVocabulary(360);
    expect(FORGE_BASE_VOCAB_SIZE).toBe(354);
    expect(vocab.tokens.length).toBe(360);
    expect(vocab.tokens.slice(0, 3)).toEqual(['<unk>', '<s>', '</s>']);
    expect(vocab.tokens[3]).toBe('<0x00>');
    expect(vocab.tokens[3 + 0x0a]).toBe('<0x0A>');
    expect(vocab.tokens[258]).toBe('<0xFF>');
    expect(vocab.tokens[259]).toBe('\u2581');
    expect(vocab.tokens[260]).toBe('!');
    expect(vocab.tokens[353]).toBe('~');
    expect(vocab.tokens.slice(354)).toEqual(['<unused0>', '<unused1>', '<unused2>', '<unused3>', '<unused4>', '<unused5>']);
    expect(new Set(vocab.tokens).size).toBe(360);
    expect(vocab.types[0]).toBe(TOKEN_TYPE.unknown);
    expect(vocab.types[1]).toBe(TOKEN_TYPE.control);
    expect(vocab.types[100]).toBe(TOKEN_TYPE.byte);
    expect(vocab.types[300]).toBe(TOKEN_TYPE.normal);
    expect(vocab.types[359]).toBe(TOKEN_TYPE.unused);
    expect(vocab.firstFillerId).toBe(354);
    expect(buildForgeVocabulary(354).tokens.length).toBe(354);
    expect(() => buildForgeVocabulary(353)).toThrow(RangeError);
  });
});

describe('forge presets and dimensions', () => {
  it('counts the parameters of each preset', () => {
    expect(countForgeParameters(FORGE_PRESETS.tiny)).toBe(144_704);
    expect(countForgeParameters(FORGE_PRESETS.stories15M)).toBe(15_191_712);
    expect(countForgeParameters(FORGE_PRESETS['smollm2-135M'])).toBe(134_515_008);
  });

  it('plans llama.cpp tensor names and shapes, output.weight only when untied', () => {
    const tiny = planLlamaTensors(FORGE_PRESETS.tiny);
    expect(tiny.map((t) => t.ggufName).slice(0, 4)).toEqual(['token_embd.weight', 'blk.0.attn_norm.weight', 'blk.0.attn_q.weight', 'blk.0.attn_k.weight']);
    expect(tiny.at(-1)).toMatchObject({ ggufName: 'output.weight', shape: [360, 64] });
    expect(tiny.find((t) => t.ggufName === 'blk.1.attn_k.weight')).toMatchObject({ shape: [32, 64], std: 1 / 8, onnxTransposed: true });
    expect(tiny.find((t) => t.ggufName === 'blk.1.ffn_down.weight')).toMatchObject({ shape: [64, 192] });
    const tied = planLlamaTensors(FORGE_PRESETS.stories15M);
    expect(tied.some((t) => t.ggufName === 'output.weight')).toBe(false);
    expect(tied.length).toBe(1 + 6 * 9 + 1);
  });

  it('applies overrides and explains bad dimensions', () => {
    expect(resolveForgeDimensions('tiny', { numLayers: 3, tiedEmbeddings: true })).toMatchObject({ numLayers: 3, tiedEmbeddings: true, hiddenSize: 64 });
    const error = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(SlmbenchError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(error(() => resolveForgeDimensions('tiyn'))).toMatch(/did you mean "tiny"/);
    expect(error(() => resolveForgeDimensions('tiny', { numHeads: 5 }))).toMatch(/hiddenSize \(64\) must be a multiple of numHeads \(5\)/);
    expect(error(() => resolveForgeDimensions('tiny', { numKvHeads: 3 }))).toMatch(/numKvHeads/);
    expect(error(() => resolveForgeDimensions('tiny', { vocabSize: 100 }))).toMatch(/at least 354/);
    expect(error(() => resolveForgeDimensions('tiny', { numLayers: 0 }))).toMatch(/numLayers must be a positive integer/);
    expect(error(() => resolveForgeDimensions('tiny', { hiddenSize: 60, numHeads: 4 }))).toMatch(/hiddenSize\/numHeads = 15 must be even/);
  });
});
