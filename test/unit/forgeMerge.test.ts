/**
 * `slmbench forge merge`: merging a model with itself at any weights gives its weights back byte for byte
 * (every output type), task arithmetic onto the model itself gives the base, the linear merge of two forged
 * models is their element-wise average, base + 1·(m − base) = m, quantized outputs keep norms F32, the
 * metadata records the recipe, and mismatched models and bad options are refused naming the first mismatch.
 * Tensors are read back through node-llama-cpp's GGUF reader, independently of the merge's own.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { forgeMergeCommand } from '../../harness/cli/forgeMergeCommand.js';
import { dequantizeGgmlTensor } from '../../harness/convert/dequantizeGgmlTensor.js';
import { ModelFormatError, ModelNotFoundError, OutputError, UsageError } from '../../harness/errors.js';
import { encodeGgufHeader, type GgufValue } from '../../harness/forge/encodeGgufHeader.js';
import { forgeModel } from '../../harness/forge/forgeModel.js';
import { mergeGgufModels, type MergeOptions } from '../../harness/forge/mergeGgufModels.js';
import { readGgufHeader } from '../../adapters/formats/gguf/readGgufHeader.js';
import { forgeGgmlType } from '../../harness/forge/encodeGgmlTensor.js';
import { quantizeQ4_0 } from '../../harness/forge/quantizeQ4_0.js';
import { quantizeQ8_0 } from '../../harness/forge/quantizeQ8_0.js';
import { sha256File } from '../../harness/util/sha256File.js';
import { tempDir } from '../helpers/tempDir.js';

const dir = tempDir('merge-unit');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const TYPE_NAMES: Record<number, 'F32' | 'F16' | 'Q4_0' | 'Q8_0'> = { 0: 'F32', 1: 'F16', 2: 'Q4_0', 8: 'Q8_0' };
const BYTES_PER_BLOCK = { F32: [1, 4], F16: [1, 2], Q8_0: [32, 34], Q4_0: [32, 18] } as const;

interface Tensor {
  type: 'F32' | 'F16' | 'Q4_0' | 'Q8_0';
  /** ggml dimensions. */
  dims: number[];
  bytes: Buffer;
  values: Float32Array;
}

/** Every tensor of a GGUF, by name, through node-llama-cpp's reader. */
async function readTensors(path: string): Promise<Map<string, Tensor>> {
  const info = await readGgufFileInfo(path, { sourceType: 'filesystem', logWarnings: false });
  const file = readFileSync(path);
  const out = new Map<string, Tensor>();
  for (const t of info.tensorInfo ?? []) {
    const type = TYPE_NAMES[t.ggmlType]!;
    const dims = t.dimensions.map(Number);
    const elements = dims.reduce((a, b) => a * b, 1);
    const [values, bytes] = BYTES_PER_BLOCK[type];
    const start = Number(t.fileOffset);
    const data = file.subarray(start, start + (elements / values) * bytes);
    out.set(t.name, { type, dims, bytes: data, values: dequantizeGgmlTensor(data, type, elements) });
  }
  return out;
}

async function metadataOf(path: string): Promise<Record<string, unknown>> {
  return (await readGgufFileInfo(path, { sourceType: 'filesystem', logWarnings: false })).metadata as unknown as Record<string, unknown>;
}

let a: string;
let b: string;
let aF16: string;
let aQ8: string;
let aQ4: string;
let narrow: string;
let counter = 0;
const out = (label: string): string => join(dir, `${label}-${++counter}.gguf`);

beforeAll(async () => {
  await forgeModel({ outDir: join(dir, 'seed1'), preset: 'tiny', seed: 1, formats: ['F32', 'F16', 'Q8_0', 'Q4_0'] });
  await forgeModel({ outDir: join(dir, 'seed2'), preset: 'tiny', seed: 2, formats: ['F32'] });
  await forgeModel({ outDir: join(dir, 'narrow'), preset: 'tiny', seed: 2, dimensions: { intermediateSize: 128 }, formats: ['F32'] });
  a = join(dir, 'seed1', 'model-F32.gguf');
  aF16 = join(dir, 'seed1', 'model-F16.gguf');
  aQ8 = join(dir, 'seed1', 'model-Q8_0.gguf');
  aQ4 = join(dir, 'seed1', 'model-Q4_0.gguf');
  b = join(dir, 'seed2', 'model-F32.gguf');
  narrow = join(dir, 'narrow', 'model-F32.gguf');
});

describe('mergeGgufModels: identities', () => {
  it.each([
    ['linear 0.3, 0.7', { method: 'linear', weights: [0.3, 0.7] }],
    ['linear 2, 5', { method: 'linear', weights: [2, 5] }],
    ['linear 0.25 alone', { method: 'linear', weights: [0.25] }],
    ['task arithmetic 0.3, -2.5 onto itself', { method: 'task-arithmetic', weights: [0.3, -2.5] }],
    ['task arithmetic 7 onto itself', { method: 'task-arithmetic', weights: [7] }],
  ] as const)('F32, %s: the model\'s tensor bytes', async (_label, { method, weights }) => {
    const path = out('self');
    const result = await mergeGgufModels({
      inputs: weights.map((weight) => ({ path: a, weight })),
      method,
      ...(method === 'task-arithmetic' ? { base: a } : {}),
      outFile: path,
    });
    expect(result.tensorTypes).toEqual({ F32: 21 });
    expect(result.parameters).toBe(144_704);
    const want = await readTensors(a);
    const got = await readTensors(path);
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [name, tensor] of want) {
      expect(got.get(name)!.type, name).toBe('F32');
      expect(got.get(name)!.dims, name).toEqual(tensor.dims);
      expect(got.get(name)!.bytes.equals(tensor.bytes), name).toBe(true);
      expect(got.get(name)!.values, name).toEqual(tensor.values);
    }
  });

  it.each([
    ['F16', () => aF16],
    ['Q8_0', () => aQ8],
    ['Q4_0', () => aQ4],
  ] as const)('%s merged with itself at 0.3 and 0.7 into the same type: the same bytes and dequantized values (norms F32)', async (type, input) => {
    const path = out(`self-${type}`);
    const result = await mergeGgufModels({ inputs: [{ path: input(), weight: 0.3 }, { path: input(), weight: 0.7 }], outFile: path, outType: type });
    expect(result.tensorTypes).toEqual({ [type]: 16, F32: 5 });
    expect(Object.keys(result.record.otherTypeTensors)).toEqual([
      'blk.0.attn_norm.weight',
      'blk.0.ffn_norm.weight',
      'blk.1.attn_norm.weight',
      'blk.1.ffn_norm.weight',
      'output_norm.weight',
    ]);
    const want = await readTensors(input());
    const got = await readTensors(path);
    for (const [name, tensor] of want) {
      expect(got.get(name)!.type, name).toBe(tensor.type);
      expect(got.get(name)!.bytes.equals(tensor.bytes), name).toBe(true);
      expect(got.get(name)!.values, name).toEqual(tensor.values);
    }
  });
});

describe('mergeGgufModels: arithmetic', () => {
  it('the linear merge of two forged models is their element-wise average, exactly', async () => {
    const path = out('average');
    const result = await mergeGgufModels({ inputs: [{ path: a }, { path: b }], outFile: path });
    expect(result.record.inputs.map((i) => i.coefficient)).toEqual([0.5, 0.5]);
    const ta = await readTensors(a);
    const tb = await readTensors(b);
    const got = await readTensors(path);
    let differing = 0;
    for (const [name, x] of ta) {
      const y = tb.get(name)!.values;
      const average = Float32Array.from(x.values, (v, i) => (v + y[i]!) / 2);
      expect(got.get(name)!.values, name).toEqual(average);
      if (x.values.some((v, i) => v !== average[i])) differing++;
    }
    // Every matrix changed; the norms (all ones in both) did not.
    expect(differing).toBe(16);
    // The same average with unnormalized weights 0.5 and 0.5.
    const halves = out('halves');
    await mergeGgufModels({ inputs: [{ path: a, weight: 0.5 }, { path: b, weight: 0.5 }], normalize: false, outFile: halves });
    const gotHalves = await readTensors(halves);
    for (const [name, tensor] of got) expect(gotHalves.get(name)!.bytes.equals(tensor.bytes), name).toBe(true);
  });

  it('weights 1 and 3 give (a + 3b) / 4; without normalizing, a + 3b', async () => {
    const ta = await readTensors(a);
    const tb = await readTensors(b);
    for (const normalize of [true, false]) {
      const path = out('weighted');
      await mergeGgufModels({ inputs: [{ path: a, weight: 1 }, { path: b, weight: 3 }], normalize, outFile: path });
      const got = await readTensors(path);
      for (const [name, x] of ta) {
        const y = tb.get(name)!.values;
        const want = Float32Array.from(x.values, (v, i) => (v + 3 * y[i]!) / (normalize ? 4 : 1));
        expect(got.get(name)!.values, name).toEqual(want);
      }
    }
  });

  it('task arithmetic: base + 1·(m − base) = m, and base + 0.5·(m − base) + 2·(m − base) = base + 2.5·(m − base)', async () => {
    const path = out('task');
    const result = await mergeGgufModels({ inputs: [{ path: b, weight: 1 }], method: 'task-arithmetic', base: a, outFile: path });
    expect(result.record.formula).toBe('base + Σ wᵢ·(modelᵢ − base)');
    const tb = await readTensors(b);
    const got = await readTensors(path);
    for (const [name, tensor] of tb) expect(got.get(name)!.bytes.equals(tensor.bytes), name).toBe(true);

    const two = out('task2');
    await mergeGgufModels({ inputs: [{ path: b, weight: 0.5 }, { path: b, weight: 2 }], method: 'task-arithmetic', base: a, outFile: two });
    const ta = await readTensors(a);
    const gotTwo = await readTensors(two);
    for (const [name, x] of ta) {
      const m = tb.get(name)!.values;
      const want = Float32Array.from(x.values, (v, i) => v + 0.5 * (m[i]! - v) + 2 * (m[i]! - v));
      expect(gotTwo.get(name)!.values, name).toEqual(want);
    }
  });

  it('quantized outputs: matrices are the Q8_0 / Q4_0 quantization of the float32 average, norms F32', async () => {
    const ta = await readTensors(a);
    const tb = await readTensors(b);
    for (const [type, quantize] of [['Q8_0', quantizeQ8_0], ['Q4_0', quantizeQ4_0]] as const) {
      const path = out(`average-${type}`);
      await mergeGgufModels({ inputs: [{ path: a }, { path: b }], outFile: path, outType: type });
      const got = await readTensors(path);
      for (const [name, x] of ta) {
        const y = tb.get(name)!.values;
        const average = Float32Array.from(x.values, (v, i) => (v + y[i]!) / 2);
        const tensor = got.get(name)!;
        if (x.dims.length === 1) {
          expect(tensor.type, name).toBe('F32');
          expect(tensor.values, name).toEqual(average);
        } else {
          expect(tensor.type, name).toBe(type);
          expect(tensor.bytes.equals(Buffer.from(quantize(average))), name).toBe(true);
        }
      }
    }
  });

  it('mixes input types: a Q8_0 and an F32 model average their dequantized values', async () => {
    const path = out('mixed');
    await mergeGgufModels({ inputs: [{ path: aQ8 }, { path: b }], outFile: path });
    const tq = await readTensors(aQ8);
    const tb = await readTensors(b);
    const got = await readTensors(path);
    for (const [name, x] of tq) {
      const y = tb.get(name)!.values;
      expect(got.get(name)!.values, name).toEqual(Float32Array.from(x.values, (v, i) => (v + y[i]!) / 2));
    }
  });
});

describe('mergeGgufModels: metadata', () => {
  it("keeps the first model's metadata, renames it and records the recipe", async () => {
    const path = out('meta');
    const result = await mergeGgufModels({ inputs: [{ path: a, weight: 2 }, { path: b, weight: 5 }], outFile: path, outType: 'Q8_0' });
    const [shaA, shaB] = [await sha256File(a), await sha256File(b)];
    expect(result.sha256).toBe(await sha256File(path));
    expect(result.bytes).toBe(readFileSync(path).length);
    const name = 'merge(linear): 0.2857·slmbench-forge-tiny-seed1 + 0.7143·slmbench-forge-tiny-seed2';
    expect(result.record).toMatchObject({
      method: 'linear',
      normalize: true,
      formula: 'Σ wᵢ·modelᵢ / Σ wᵢ',
      base: null,
      outType: 'Q8_0',
      name,
      inputs: [
        { path: a, name: 'slmbench-forge-tiny-seed1', sha256: shaA, weight: 2, coefficient: 2 / 7 },
        { path: b, name: 'slmbench-forge-tiny-seed2', sha256: shaB, weight: 5, coefficient: 5 / 7 },
      ],
    });
    const merged = await readGgufHeader(path);
    const source = await readGgufHeader(a);
    const value = (key: string): unknown => merged.values.get(key);
    expect(value('general.name')).toEqual({ type: 'string', value: name });
    expect(value('general.file_type')).toEqual({ type: 'uint32', value: 7 });
    expect(value('general.quantization_version')).toEqual({ type: 'uint32', value: 2 });
    expect(value('slmbench.merge.version')).toEqual({ type: 'uint32', value: 1 });
    expect(value('slmbench.merge.method')).toEqual({ type: 'string', value: 'linear' });
    expect(value('slmbench.merge.inputs')).toEqual({ type: 'array', itemType: 'string', value: ['model-F32.gguf', 'model-F32.gguf'] });
    expect(value('slmbench.merge.inputs_sha256')).toEqual({ type: 'array', itemType: 'string', value: [shaA, shaB] });
    expect(value('slmbench.merge.weights')).toEqual({ type: 'array', itemType: 'float32', value: Float32Array.of(2, 5) });
    expect(value('slmbench.merge.normalize')).toEqual({ type: 'bool', value: true });
    const recipe = JSON.parse((value('slmbench.merge.recipe') as { value: string }).value) as Record<string, unknown>;
    expect(recipe).toMatchObject({ method: 'linear', normalize: true, outType: 'Q8_0', base: null });
    expect(recipe.inputs).toEqual([
      { file: 'model-F32.gguf', name: 'slmbench-forge-tiny-seed1', sha256: shaA, weight: 2, coefficient: 2 / 7 },
      { file: 'model-F32.gguf', name: 'slmbench-forge-tiny-seed2', sha256: shaB, weight: 5, coefficient: 5 / 7 },
    ]);
    // Everything else as in the first model, values and types alike, in its order.
    const changed = new Set(['general.name', 'general.file_type', 'general.quantization_version']);
    const kept = merged.metadata.filter(([key]) => !changed.has(key) && !key.startsWith('slmbench.merge.'));
    expect(kept).toEqual(source.metadata.filter(([key]) => !changed.has(key)));
    expect(merged.metadata.slice(0, 5).map(([key]) => key)).toEqual([
      'general.architecture',
      'general.name',
      'general.file_type',
      'general.quantization_version',
      'general.description',
    ]);
    // node-llama-cpp reads it too.
    const parsed = await metadataOf(path);
    expect((parsed.general as Record<string, unknown>).name).toBe(name);
    expect(((parsed.slmbench as Record<string, Record<string, unknown>>).merge!).method).toBe('linear');
  });

  it('records the base of task arithmetic, and replaces the merge keys of a merged input', async () => {
    const first = out('first');
    await mergeGgufModels({ inputs: [{ path: b, weight: 0.5 }], method: 'task-arithmetic', base: a, outFile: first });
    const second = out('second');
    const result = await mergeGgufModels({ inputs: [{ path: first }, { path: a }], outFile: second });
    expect(result.record.inputs[0]!.name).toBe('merge(task-arithmetic): slmbench-forge-tiny-seed1 + 0.5·(slmbench-forge-tiny-seed2 − slmbench-forge-tiny-seed1)');
    const header = await readGgufHeader(first);
    expect(header.values.get('slmbench.merge.method')).toEqual({ type: 'string', value: 'task-arithmetic' });
    expect(header.values.get('slmbench.merge.base')).toEqual({ type: 'string', value: 'model-F32.gguf' });
    expect(header.values.get('slmbench.merge.base_sha256')).toEqual({ type: 'string', value: await sha256File(a) });
    expect(header.values.has('slmbench.merge.normalize')).toBe(false);
    const merged = await readGgufHeader(second);
    expect(merged.metadata.filter(([key]) => key === 'slmbench.merge.method')).toEqual([['slmbench.merge.method', { type: 'string', value: 'linear' }]]);
    expect(merged.values.has('slmbench.merge.base')).toBe(false);
    expect(merged.values.get('slmbench.merge.inputs_sha256')).toEqual({ type: 'array', itemType: 'string', value: [await sha256File(first), await sha256File(a)] });
  });
});

/** A copy of the GGUF at `from` with its metadata edited (tensor data copied as is). */
async function editedCopy(from: string, to: string, edit: (key: string, value: GgufValue) => GgufValue): Promise<string> {
  const header = await readGgufHeader(from);
  const metadata = header.metadata.map(([key, value]) => [key, edit(key, value as GgufValue)] as const);
  const encoded = encodeGgufHeader(
    metadata,
    header.tensors.map((t) => ({ name: t.name, dims: t.dims, type: forgeGgmlType(t.typeCode)! })),
    header.alignment,
  );
  const file = readFileSync(from);
  writeFileSync(to, Buffer.concat([encoded.bytes, file.subarray(header.dataOffset)]));
  return to;
}

describe('mergeGgufModels: refusals', () => {
  it('refuses models of other shapes, naming the file, the first tensor and both shapes', async () => {
    const attempt = mergeGgufModels({ inputs: [{ path: a }, { path: narrow }], outFile: out('narrow') });
    await expect(attempt).rejects.toBeInstanceOf(ModelFormatError);
    await expect(attempt).rejects.toThrow(
      `${narrow}: cannot be merged with ${a}: tensor blk.0.ffn_gate.weight has shape [128, 64] here, [192, 64] there (PyTorch order): only models of the same shapes can be merged`,
    );
    // A base of another shape too.
    await expect(mergeGgufModels({ inputs: [{ path: a }], method: 'task-arithmetic', base: narrow, outFile: out('narrow-base') })).rejects.toThrow(
      `${narrow}: cannot be merged with ${a}: tensor blk.0.ffn_gate.weight has shape [128, 64] here, [192, 64] there`,
    );
  });

  it('refuses another vocabulary, naming the first differing token', async () => {
    const other = await editedCopy(b, join(dir, 'other-vocab.gguf'), (key, value) => {
      if (key !== 'tokenizer.ggml.tokens' || value.type !== 'array' || value.itemType !== 'string') return value;
      const tokens = [...value.value];
      tokens[300] = 'zzz';
      tokens[301] = 'yyy';
      return { ...value, value: tokens };
    });
    const attempt = mergeGgufModels({ inputs: [{ path: a }, { path: other }], outFile: out('vocab') });
    await expect(attempt).rejects.toBeInstanceOf(ModelFormatError);
    const tokens = (await readGgufHeader(a)).values.get('tokenizer.ggml.tokens');
    const original = tokens?.type === 'array' && tokens.itemType === 'string' ? tokens.value[300] : undefined;
    expect(original).toBe('I');
    await expect(attempt).rejects.toThrow(`${other}: cannot be merged with ${a}: the vocabularies differ at token 300: "zzz" here, "I" there`);
  });

  it('refuses other hyperparameters and another architecture', async () => {
    const heads = await editedCopy(b, join(dir, 'heads.gguf'), (key, value) => (key === 'llama.attention.head_count' ? { type: 'uint32', value: 8 } : value));
    await expect(mergeGgufModels({ inputs: [{ path: a }, { path: heads }], outFile: out('heads') })).rejects.toThrow(
      `${heads}: cannot be merged with ${a}: metadata llama.attention.head_count is uint32 8 here, uint32 4 there`,
    );
    const context = await editedCopy(b, join(dir, 'context.gguf'), (key, value) => (key === 'llama.context_length' ? { type: 'uint32', value: 1024 } : value));
    await expect(mergeGgufModels({ inputs: [{ path: a }, { path: context }], outFile: out('context') })).resolves.toMatchObject({ parameters: 144_704 });
    const arch = await editedCopy(b, join(dir, 'arch.gguf'), (key, value) => (key === 'general.architecture' ? { type: 'string', value: 'qwen2' } : value));
    await expect(mergeGgufModels({ inputs: [{ path: a }, { path: arch }], outFile: out('arch') })).rejects.toThrow(
      `${arch}: cannot be merged with ${a}: architecture "qwen2" here, "llama" there`,
    );
  });

  it('refuses tensor types it cannot dequantize, and files that are missing or not GGUF', async () => {
    const bytes = readFileSync(b);
    const name = Buffer.from('output_norm.weight');
    const at = bytes.indexOf(name) + name.length + 4 + 8;
    bytes.writeUInt32LE(3, at); // GGML_TYPE_Q4_1
    const q41 = join(dir, 'q4_1.gguf');
    writeFileSync(q41, bytes);
    await expect(mergeGgufModels({ inputs: [{ path: a }, { path: q41 }], outFile: out('q41') })).rejects.toThrow(
      `${q41}: tensor output_norm.weight has type Q4_1; slmbench forge merge reads F32, F16, Q8_0 and Q4_0 tensors`,
    );
    const missing = join(dir, 'missing.gguf');
    await expect(mergeGgufModels({ inputs: [{ path: a }, { path: missing }], outFile: out('missing') })).rejects.toBeInstanceOf(ModelNotFoundError);
    const text = join(dir, 'text.gguf');
    writeFileSync(text, 'hello, not a model');
    await expect(mergeGgufModels({ inputs: [{ path: text }], outFile: out('text') })).rejects.toThrow(`${text}: not a GGUF file (no GGUF magic)`);
    const truncated = join(dir, 'truncated.gguf');
    writeFileSync(truncated, readFileSync(b).subarray(0, 5000));
    await expect(mergeGgufModels({ inputs: [{ path: truncated }], outFile: out('truncated') })).rejects.toThrow(/truncated/);
  });

  it.each<[string, Partial<MergeOptions>, string]>([
    ['no input', { inputs: [] }, 'merge: no model to merge'],
    ['a weight that is not finite', { inputs: [{ path: 'x.gguf', weight: Number.NaN }] }, 'merge: the weight of x.gguf must be a finite number, got NaN'],
    ['weights summing to 0', { inputs: [{ path: 'x.gguf', weight: 1 }, { path: 'y.gguf', weight: -1 }] }, 'merge: the weights sum to 0'],
    ['a base for linear', { base: 'x.gguf' }, 'merge: a base model is for task-arithmetic'],
    ['task arithmetic without a base', { method: 'task-arithmetic' }, 'merge: task-arithmetic needs a base model'],
    ['the output among the inputs', { outFile: 'x.gguf' }, 'merge: the output x.gguf is one of the models merged'],
    ['an unknown type', { outType: 'Q5_K' as never }, 'unknown output type "Q5_K"; types: F32, F16, Q8_0, Q4_0'],
  ])('refuses %s with UsageError', async (_label, options, message) => {
    const attempt = mergeGgufModels({ inputs: [{ path: 'x.gguf' }], outFile: join(dir, 'never.gguf'), ...options });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('refuses to replace an output unless asked to, and leaves no partial file behind', async () => {
    const path = out('twice');
    await mergeGgufModels({ inputs: [{ path: a }], outFile: path });
    const attempt = mergeGgufModels({ inputs: [{ path: b }], outFile: path });
    await expect(attempt).rejects.toBeInstanceOf(OutputError);
    await expect(attempt).rejects.toThrow(`${path} already exists (replace it with --force / overwrite: true)`);
    // A failure while writing (here: from the progress callback) removes the partial file.
    const failed = out('failed');
    const stop = (): never => {
      throw new Error('stopped');
    };
    await expect(mergeGgufModels({ inputs: [{ path: a }], outFile: failed, onProgress: stop })).rejects.toThrow('stopped');
    expect(readdirSync(dir).filter((f) => f.startsWith('failed-'))).toEqual([]);
    await mergeGgufModels({ inputs: [{ path: b }], outFile: path, overwrite: true });
    expect((await readTensors(path)).get('output.weight')!.bytes.equals((await readTensors(b)).get('output.weight')!.bytes)).toBe(true);
  });
});

describe('forgeMergeCommand', () => {
  it('parses MODEL:WEIGHT, --method, --base and --type, and prints a summary or JSON', async () => {
    const chunks: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
    const path = out('cli');
    expect(await forgeMergeCommand({ models: [`${a}:2`, `${b}:5`], out: path, type: 'q8_0' })).toBe(0);
    const text = chunks.join('');
    expect(text).toContain(`merged 2 models (linear: Σ wᵢ·modelᵢ / Σ wᵢ)`);
    expect(text).toContain('merge(linear): 0.2857·slmbench-forge-tiny-seed1 + 0.7143·slmbench-forge-tiny-seed2');
    expect(text).toContain('16 Q8_0, 5 F32 tensors, 144,704 parameters');
    const task = out('cli-task');
    expect(await forgeMergeCommand({ models: [`${b}:-0.5`], out: task, method: 'Task-Arithmetic', base: a, json: true })).toBe(0);
    const json = JSON.parse(chunks.at(-1)!) as Record<string, unknown>;
    expect(json).toMatchObject({ method: 'task-arithmetic', outFile: task, outType: 'F32', tensorTypes: { F32: 21 }, parameters: 144_704 });
    expect(json.inputs).toMatchObject([{ path: b, weight: -0.5, coefficient: -0.5 }]);
    expect(json.base).toMatchObject({ path: a });
    // Unnormalized linear merge, weights in exponent notation; a path without a weight weighs 1.
    const sum = out('cli-sum');
    expect(await forgeMergeCommand({ models: [`${a}:5e-1`, b], out: sum, normalize: false, json: true })).toBe(0);
    expect((JSON.parse(chunks.at(-1)!) as { inputs: unknown }).inputs).toMatchObject([{ path: a, weight: 0.5 }, { path: b, weight: 1 }]);
  });

  it.each<[string, Parameters<typeof forgeMergeCommand>[0], string]>([
    ['no model', { models: [], out: 'o.gguf' }, 'forge merge needs at least one MODEL[:WEIGHT]'],
    ['no output', { models: ['a.gguf'] }, 'forge merge needs -o OUT.gguf'],
    ['an unknown method', { models: ['a.gguf'], out: 'o.gguf', method: 'lineal' }, '--method: unknown value "lineal" (did you mean "linear"?); choose linear, task-arithmetic'],
    ['an unknown type', { models: ['a.gguf'], out: 'o.gguf', type: 'q4_1' }, '--type: unknown value "q4_1" (did you mean "Q4_0"?); choose F32, F16, Q8_0, Q4_0'],
    ['--base with linear', { models: ['a.gguf'], out: 'o.gguf', base: 'b.gguf' }, '--base is for --method task-arithmetic'],
    ['task arithmetic without --base', { models: ['a.gguf'], out: 'o.gguf', method: 'task-arithmetic' }, '--method task-arithmetic needs --base BASE.gguf'],
    ['--no-normalize with task arithmetic', { models: ['a.gguf'], out: 'o.gguf', method: 'task-arithmetic', base: 'b.gguf', normalize: false }, '--no-normalize is for linear merges'],
  ])('refuses %s with UsageError', async (_label, flags, message) => {
    const attempt = forgeMergeCommand(flags);
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(message);
  });
});
