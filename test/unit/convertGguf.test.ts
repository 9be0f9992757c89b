/** The converter's pieces: ggml dequantization, GGUF checks, SentencePiece merges, the CLI command. */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { convertCommand } from '../../harness/cli/convertCommand.js';
import { dequantizeGgmlTensor } from '../../harness/convert/dequantizeGgmlTensor.js';
import { readGgufLlamaModel } from '../../harness/convert/readGgufLlamaModel.js';
import { ModelFormatError, ModelNotFoundError, OutputError } from '../../harness/errors.js';
import { buildForgeVocabulary } from '../../harness/forge/buildForgeVocabulary.js';
import { buildGgufMetadata } from '../../harness/forge/buildGgufMetadata.js';
import { buildSentencePieceMerges } from '../../harness/forge/buildSentencePieceMerges.js';
import { encodeGgmlTensor } from '../../harness/forge/encodeGgmlTensor.js';
import { encodeGgufHeader, type GgufValue } from '../../harness/forge/encodeGgufHeader.js';
import { float32ToFloat16 } from '../../harness/forge/float32ToFloat16.js';
import { FORGE_PRESETS, type ForgeDimensions } from '../../harness/forge/forgePresets.js';
import { planLlamaTensors } from '../../harness/forge/planLlamaTensors.js';
import { tempDir } from '../helpers/tempDir.js';

const dir = tempDir('convert-unit');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('dequantizeGgmlTensor', () => {
  it('reads F32 and F16 exactly', () => {
    const values = Float32Array.of(1.5, -2.25, 65504, 2 ** -24);
    expect(Array.from(dequantizeGgmlTensor(encodeGgmlTensor(values, 'F32'), 'F32', 4))).toEqual(Array.from(values));
    const half = new Uint8Array(Uint16Array.from(values, float32ToFloat16).buffer);
    expect(Array.from(dequantizeGgmlTensor(half, 'F16', 4))).toEqual([1.5, -2.25, 65504, 2 ** -24]);
  });

  it('computes d·q for Q8_0 and d·(q − 8) for Q4_0 blocks', () => {
    const q8 = new Uint8Array(34);
    q8.set([0x00, 0x38]); // f16 0.5
    new Int8Array(q8.buffer).set([-128, 127, 3], 2);
    expect(Array.from(dequantizeGgmlTensor(q8, 'Q8_0', 32).slice(0, 4))).toEqual([-64, 63.5, 1.5, 0]);
    const q4 = new Uint8Array(18);
    q4.set([0x00, 0xbc]); // f16 −1
    q4[2] = 0xf0; // value 0: low nibble 0 → 8; value 16: high nibble 15 → −7
    q4[3] = 0x98; // value 1: 8 → −0; value 17: 9 → −1
    const out = dequantizeGgmlTensor(q4, 'Q4_0', 32);
    expect([out[0], out[16], out[1], out[17]]).toEqual([8, -7, -0, -1]);
  });

  it('round-trips the forge quantizers to within half a step', () => {
    const values = Float32Array.from({ length: 64 }, (_, i) => Math.cos(i * 1.7));
    for (const [type, steps] of [['Q8_0', 127], ['Q4_0', 8]] as const) {
      const back = dequantizeGgmlTensor(encodeGgmlTensor(values, type), type, 64);
      for (let i = 0; i < 64; i++) expect(Math.abs(back[i]! - values[i]!)).toBeLessThanOrEqual(1 / steps + 1e-3);
    }
  });
});

describe('buildSentencePieceMerges', () => {
  it('gives one merge per split of a token into two tokens, by the token\'s score', () => {
    const tokens = ['<unk>', 'a', 'b', 'c', 'ab', 'bc', 'abc', 'cab'];
    const scores = [0, -1, -2, -3, -4, -6, -5, -9];
    expect(buildSentencePieceMerges({ tokens, scores })).toEqual([
      ['a', 'b'],
      ['a', 'bc'],
      ['ab', 'c'],
      ['b', 'c'],
      ['c', 'ab'],
    ]);
  });
});

/** Writes a GGUF of the tiny preset (zero tensors), with metadata edits and tensor list edits. */
function tinyGguf(
  name: string,
  edit: { metadata?: Record<string, GgufValue | null>; extraTensor?: string; dims?: Partial<ForgeDimensions> } = {},
): string {
  const dims = { ...FORGE_PRESETS.tiny, ...edit.dims };
  const metadata = buildGgufMetadata(dims, buildForgeVocabulary(dims.vocabSize), 'F32', 'tiny', 'test').flatMap(([key, value]) => {
    const replaced = edit.metadata?.[key];
    if (replaced === null) return [];
    return [[key, replaced ?? value] as const];
  });
  for (const [key, value] of Object.entries(edit.metadata ?? {})) {
    if (value !== null && !metadata.some(([k]) => k === key)) metadata.push([key, value]);
  }
  const tensors = planLlamaTensors(dims).map((t) => ({ name: t.ggufName, dims: [...t.shape].reverse(), type: 'F32' as const }));
  if (edit.extraTensor) tensors.push({ name: edit.extraTensor, dims: [64], type: 'F32' });
  const header = encodeGgufHeader(metadata, tensors);
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([header.bytes, new Uint8Array(header.dataBytes)]));
  return path;
}

describe('readGgufLlamaModel', () => {
  it('reads the dimensions, vocabulary and tokenizer settings', async () => {
    const model = await readGgufLlamaModel(tinyGguf('ok.gguf'));
    expect(model.dims).toEqual(FORGE_PRESETS.tiny);
    expect(model.vocab).toMatchObject({ unkId: 0, bosId: 1, eosId: 2 });
    expect(model.tokenizer).toEqual({ addBosToken: true, addEosToken: false, addSpacePrefix: true, padTokenId: 0 });
    expect(model.tensors.map((t) => t.type)).toEqual(Array(model.tensors.length).fill('F32'));
  });

  it.each([
    ['another architecture', { metadata: { 'general.architecture': { type: 'string', value: 'qwen2' } } }, /architecture "qwen2" is not supported/],
    ['a BPE tokenizer', { metadata: { 'tokenizer.ggml.model': { type: 'string', value: 'gpt2' } } }, /tokenizer model "gpt2" is not supported/],
    ['an extra tensor', { extraTensor: 'blk.0.attn_q.bias' }, /not supported: blk\.0\.attn_q\.bias/],
    ['partial rotary dimensions', { metadata: { 'llama.rope.dimension_count': { type: 'uint32', value: 8 } } }, /rope\.dimension_count = 8/],
    ['missing dimensions', { metadata: { 'llama.block_count': null } }, /llama\.block_count is missing/],
    ['experts', { metadata: { 'llama.expert_count': { type: 'uint32', value: 8 } } }, /mixture of experts/],
  ] as const)('refuses %s with ModelFormatError', async (label, edit, message) => {
    const path = tinyGguf(`${label.replace(/ /g, '-')}.gguf`, edit as Parameters<typeof tinyGguf>[1]);
    const attempt = readGgufLlamaModel(path);
    await expect(attempt).rejects.toBeInstanceOf(ModelFormatError);
    await expect(readGgufLlamaModel(path)).rejects.toThrow(message);
  });

  it('refuses tensor types it cannot dequantize, naming the type', async () => {
    const path = tinyGguf('q4_1.gguf');
    const bytes = readFileSync(path);
    // The tensor info of output_norm.weight: name, n_dims (u32), one dimension (u64), then its type (u32).
    const name = Buffer.from('output_norm.weight');
    const at = bytes.indexOf(name) + name.length + 4 + 8;
    bytes.writeUInt32LE(3, at); // GGML_TYPE_Q4_1
    writeFileSync(path, bytes);
    await expect(readGgufLlamaModel(path)).rejects.toThrow(/output_norm\.weight has type Q4_1; slmbench convert reads F32, F16, Q8_0 and Q4_0/);
  });

  it('refuses a truncated file', async () => {
    const path = tinyGguf('truncated.gguf');
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 100));
    await expect(readGgufLlamaModel(path)).rejects.toThrow(/truncated or damaged GGUF file: the data of tensor "[^"]+" ends at byte \d+ but the file has only \d+ bytes/);
  });
});

describe('convertCommand', () => {
  it('converts, prints a summary and refuses to overwrite without --force', async () => {
    const chunks: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
    const gguf = tinyGguf('cli.gguf');
    const out = join(dir, 'cli-out');
    expect(await convertCommand(gguf, out, {})).toBe(0);
    expect(chunks.join('')).toMatch(/converted tiny \(21 F32 tensors, 144,704 parameters\)/);
    for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'convert.json']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    await expect(convertCommand(gguf, out, {})).rejects.toBeInstanceOf(OutputError);
    expect(await convertCommand(gguf, out, { force: true, json: true })).toBe(0);
    expect(JSON.parse(chunks.at(-1)!)).toMatchObject({ parameters: 144_704, tensorTypes: { F32: 21 }, tokenizerMerges: 0 });
    await expect(convertCommand(join(dir, 'missing.gguf'), out, {})).rejects.toBeInstanceOf(ModelNotFoundError);
  });
});
