/**
 * ONNX reading on hand-encoded models: every field number written here is from onnx.proto, so these
 * tests check the reader against the schema rather than against another reader.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../harness/errors.js';
import { inspectModel } from '../../harness/model/inspectModel.js';
import { readOnnxModel } from '../../adapters/formats/onnx/readOnnxModel.js';
import { tempDir } from '../helpers/tempDir.js';

// ---- a minimal protobuf encoder -------------------------------------------------------------------
function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
const int = (field: number, value: number) => Buffer.from([...varint(field * 8), ...varint(value)]);
const bytes = (field: number, payload: Buffer | string) => {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([Buffer.from([...varint(field * 8 + 2), ...varint(data.length)]), data]);
};
const packed = (field: number, values: number[]) => bytes(field, Buffer.from(values.flatMap(varint)));

const FLOAT = 1;
const UINT8 = 2;
const INT64 = 7;

/** TensorProto with raw_data. */
function tensor(name: string, dataType: number, dims: number[], raw: Buffer): Buffer {
  return Buffer.concat([packed(1, dims), int(2, dataType), bytes(8, name), bytes(9, raw)]);
}
/** TensorProto whose values live in an external file. */
function externalTensor(name: string, dataType: number, dims: number[], location: string, offset: number, length: number): Buffer {
  const entry = (key: string, value: string) => bytes(13, Buffer.concat([bytes(1, key), bytes(2, value)]));
  return Buffer.concat([
    packed(1, dims),
    int(2, dataType),
    bytes(8, name),
    entry('location', location),
    entry('offset', String(offset)),
    entry('length', String(length)),
    int(14, 1),
  ]);
}
/** GraphProto.node (field 1): a NodeProto with integer attributes. */
function node(opType: string, inputs: string[], outputs: string[], domain = '', attributes: Record<string, number> = {}): Buffer {
  return bytes(1, Buffer.concat([
    ...inputs.map((i) => bytes(1, i)),
    ...outputs.map((o) => bytes(2, o)),
    bytes(4, opType),
    ...Object.entries(attributes).map(([name, value]) => bytes(5, Buffer.concat([bytes(1, name), int(3, value), int(20, 2)]))),
    ...(domain ? [bytes(7, domain)] : []),
  ]));
}
/** ValueInfoProto of a tensor. */
function valueInfo(name: string, elemType: number, shape: (number | string)[]): Buffer {
  const dims = shape.map((d) => bytes(1, typeof d === 'number' ? int(1, d) : bytes(2, d)));
  const tensorType = Buffer.concat([int(1, elemType), bytes(2, Buffer.concat(dims))]);
  return Buffer.concat([bytes(1, name), bytes(2, bytes(1, tensorType))]);
}
function model(graph: Buffer[], opsets: [string, number][] = [['', 17]]): Buffer {
  return Buffer.concat([
    int(1, 8),
    bytes(2, 'unit-test'),
    bytes(3, '0.1'),
    bytes(7, Buffer.concat(graph)),
    ...opsets.map(([domain, version]) => bytes(8, Buffer.concat([...(domain ? [bytes(1, domain)] : []), int(2, version)]))),
  ]);
}
const floats = (values: number[]) => Buffer.from(new Float32Array(values).buffer);

// ---- fixtures -------------------------------------------------------------------------------------
/** Embedding [8, 4]; the LM head [4, 8] is its transpose (a tied head stored twice). */
const embedding = Array.from({ length: 32 }, (_, i) => i * 0.5 - 3);
const head = Array.from({ length: 32 }, (_, k) => embedding[(k % 8) * 4 + Math.floor(k / 8)]!);

/** A 4-bit model: Gather embedding, one MatMulNBits (K 32, N 6), tied transposed head, shape constant. */
function q4Graph(headValues: number[]): Buffer[] {
  return [
    node('Gather', ['emb', 'input_ids'], ['h0']),
    node('MatMulNBits', ['h0', 'w_q4', 'w_scales'], ['h1'], 'com.microsoft', { K: 32, N: 6, bits: 4, block_size: 32 }),
    node('Reshape', ['h1', 'shape'], ['h2']),
    node('MatMul', ['h2', 'head'], ['logits']),
    bytes(2, 'tiny'),
    bytes(5, tensor('emb', FLOAT, [8, 4], floats(embedding))),
    bytes(5, tensor('w_q4', UINT8, [6, 1, 16], Buffer.alloc(96, 0x11))),
    bytes(5, tensor('w_scales', FLOAT, [6], floats([1, 1, 1, 1, 1, 1]))),
    bytes(5, tensor('shape', INT64, [2], Buffer.alloc(16))),
    bytes(5, tensor('head', FLOAT, [4, 8], floats(headValues))),
    bytes(11, valueInfo('input_ids', INT64, ['batch', 'seq'])),
    bytes(11, valueInfo('emb', FLOAT, [8, 4])), // IR < 4 style: an initializer listed as input
    bytes(12, valueInfo('logits', FLOAT, ['batch', 'seq', 8])),
  ];
}

let root: string;
beforeAll(() => {
  root = tempDir('onnx');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(name: string, contents: Buffer | string): string {
  const path = join(root, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, contents);
  return path;
}

async function formatError(promise: Promise<unknown>): Promise<ModelFormatError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModelFormatError);
  return error as ModelFormatError;
}

describe('readOnnxModel', () => {
  it('reads the model header, graph inputs/outputs, nodes and initializer headers', async () => {
    const path = write('q4.onnx', model(q4Graph(head), [['', 17], ['com.microsoft', 1]]));
    const summary = await readOnnxModel(path);
    expect(summary).toMatchObject({
      irVersion: 8,
      producerName: 'unit-test',
      producerVersion: '0.1',
      opsetImports: { 'ai.onnx': 17, 'com.microsoft': 1 },
      graphName: 'tiny',
      inputs: [{ name: 'input_ids', elemType: 'int64', shape: ['batch', 'seq'] }],
      outputs: [{ name: 'logits', elemType: 'float32', shape: ['batch', 'seq', 8] }],
    });
    expect(summary.nodes[1]).toEqual({
      opType: 'MatMulNBits',
      domain: 'com.microsoft',
      inputs: ['h0', 'w_q4', 'w_scales'],
      intAttributes: { K: 32, N: 6, bits: 4, block_size: 32 },
    });
    expect(summary.initializers.map((t) => [t.name, t.typeName, t.dims, t.elements, t.storage.kind])).toEqual([
      ['emb', 'float32', [8, 4], 32, 'raw'],
      ['w_q4', 'uint8', [6, 1, 16], 96, 'raw'],
      ['w_scales', 'float32', [6], 6, 'raw'],
      ['shape', 'int64', [2], 2, 'raw'],
      ['head', 'float32', [4, 8], 32, 'raw'],
    ]);
  });

  it('rejects raw data that does not match the shape', async () => {
    const path = write('short-raw.onnx', model([bytes(5, tensor('w', FLOAT, [2, 3], Buffer.alloc(20)))]));
    expect((await formatError(readOnnxModel(path))).message).toBe(
      `${path}: damaged ONNX model: initializer "w" (float32 [2, 3]) holds 20 bytes of raw data, its shape needs 24`,
    );
  });

  it('rejects a protobuf without a graph, random bytes and a truncated model', async () => {
    const noGraph = write('no-graph.onnx', Buffer.concat([int(1, 8), bytes(2, 'x')]));
    expect((await formatError(readOnnxModel(noGraph))).message).toBe(
      `${noGraph}: not an ONNX model: the protobuf has no graph (ModelProto field 7)`,
    );
    const random = Buffer.alloc(4096);
    let state = 12345;
    for (let i = 0; i < random.length; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      random[i] = state >>> 24;
    }
    const randomPath = write('random.onnx', random);
    expect((await formatError(readOnnxModel(randomPath))).message).toMatch(
      new RegExp(`^${randomPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a valid ONNX model`),
    );
    const full = model(q4Graph(head));
    const truncated = write('truncated.onnx', full.subarray(0, Math.floor(full.length / 2)));
    expect((await formatError(readOnnxModel(truncated))).message).toContain('past the end of the file');
  });
});

describe('inspectModel on ONNX files', () => {
  it('counts logical 4-bit weights, skips metadata and constants, and counts a tied head once', async () => {
    const path = write('q4-tied/model.onnx', model(q4Graph(head), [['', 17], ['com.microsoft', 1]]));
    const record = await inspectModel(path);
    // emb 32 + MatMulNBits K·N = 192; scales (6), the int64 shape (2) and the tied copy (32) do not count.
    expect(record.params).toBe(224);
    expect(record.paramsStored).toBe(32 + 96 + 6 + 2 + 32);
    expect(record.quant).toBe('q4');
    expect(record.tensorTypes).toEqual({ float32: 3, uint8: 1, int64: 1 });
    expect(record.vocabSize).toBe(8); // from the logits shape: no config.json beside it
    expect(record.arch).toBeNull();
    expect(record.contextLength).toBeNull();
    expect(record.name).toBe('tiny');
    expect(record.onnx).toEqual({
      irVersion: 8,
      producer: 'unit-test 0.1',
      opsets: { 'ai.onnx': 17, 'com.microsoft': 1 },
      inputs: ['input_ids'],
      outputs: ['logits'],
      operators: { Gather: 1, 'com.microsoft:MatMulNBits': 1, Reshape: 1, MatMul: 1 },
    });
  });

  it('counts an untied head', async () => {
    const untied = head.map((v, i) => (i === 31 ? v + 1 : v));
    const record = await inspectModel(write('q4-untied/model.onnx', model(q4Graph(untied))));
    expect(record.params).toBe(256);
  });

  it('lists external data files and checks their length', async () => {
    const data = floats(Array.from({ length: 12 }, (_, i) => i));
    write('external/model.onnx_data', data);
    const graph = [
      bytes(5, externalTensor('w', FLOAT, [3, 4], 'model.onnx_data', 0, 48)),
      node('MatMul', ['x', 'w'], ['y']),
      bytes(11, valueInfo('x', FLOAT, [1, 3])),
      bytes(12, valueInfo('y', FLOAT, [1, 4])),
    ];
    const path = write('external/model.onnx', model(graph));
    const record = await inspectModel(path);
    expect(record.params).toBe(12);
    expect(record.files).toEqual([
      { path: 'model.onnx', sizeBytes: model(graph).length, sha256: createHash('sha256').update(model(graph)).digest('hex') },
      { path: 'model.onnx_data', sizeBytes: 48, sha256: createHash('sha256').update(data).digest('hex') },
    ]);
    expect(record.sizeBytes).toBe(model(graph).length + 48);
    expect(record.sha256).toBe(createHash('sha256').update(model(graph)).digest('hex'));

    write('external/model.onnx_data', data.subarray(0, 40));
    expect((await formatError(inspectModel(path))).message).toContain('truncated external data file');
    rmSync(join(root, 'external/model.onnx_data'));
    expect((await formatError(inspectModel(path))).message).toContain('is missing');
  });

  it('reads a transformers.js folder: config numbers, default dtype file, every file hashed', async () => {
    const config = {
      _name_or_path: 'tiny-q4',
      architectures: ['LlamaForCausalLM'],
      model_type: 'llama',
      vocab_size: 8,
      max_position_embeddings: 128,
      hidden_size: 4,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 16,
      rope_theta: 500000,
      rms_norm_eps: 1e-6,
      'transformers.js_config': { dtype: 'q4' },
    };
    const q4 = model(q4Graph(head), [['', 17], ['com.microsoft', 1]]);
    write('tjs/config.json', JSON.stringify(config));
    // Inspection checks that the tokenizer files are there (their content is the backends' business).
    write('tjs/tokenizer.json', '{}');
    write('tjs/tokenizer_config.json', '{}');
    write('tjs/onnx/model_q4.onnx', q4);
    write('tjs/onnx/model.onnx', model(q4Graph(head)));
    write('tjs/.git/HEAD', 'ignored');
    const record = await inspectModel(join(root, 'tjs'));
    expect(record).toMatchObject({
      format: 'transformers-js',
      name: 'tiny-q4',
      arch: 'llama',
      architectureClass: 'LlamaForCausalLM',
      contextLength: 128,
      vocabSize: 8,
      params: 224,
      quant: 'q4',
      sha256: createHash('sha256').update(q4).digest('hex'),
      details: { layers: 1, hiddenSize: 4, heads: 2, kvHeads: 2, ffnSize: 16, ropeTheta: 500000, normEpsilon: 1e-6, experts: null },
    });
    expect(record.files!.map((f) => f.path)).toEqual(['config.json', 'onnx/model.onnx', 'onnx/model_q4.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    expect(record.sizeBytes).toBe(record.files!.reduce((sum, f) => sum + f.sizeBytes, 0));
  });
});
