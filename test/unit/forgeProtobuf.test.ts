/** The forge's protobuf encoder and ONNX model builder: wire bytes, and a built model run by onnxruntime. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { ONNX_FLOAT, ONNX_INT64, ONNX_INT8, ONNX_UINT8, OnnxGraphBuilder } from '../../harness/forge/OnnxGraphBuilder.js';
import { ProtobufWriter } from '../../harness/forge/ProtobufWriter.js';
import { tempDir } from '../helpers/tempDir.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const dir = tempDir('forge-pb');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ProtobufWriter', () => {
  it.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [2 ** 31, '8080808008'],
    [2 ** 53 - 1, 'ffffffffffffff0f'],
    [-1, 'ffffffffffffffffff01'],
    [-2, 'feffffffffffffffff01'],
  ])('varint %d → %s', (value, bytes) => {
    expect(hex(new ProtobufWriter().varint(value).finish())).toBe(bytes);
    expect(ProtobufWriter.varintLength(value)).toBe(bytes.length / 2);
  });

  it('encodes fields and nested messages', () => {
    const w = new ProtobufWriter();
    w.messageField(8, (m) => m.stringField(1, '').intField(2, 17)); // OperatorSetIdProto { domain: '', version: 17 }
    w.floatField(2, 1.5);
    w.stringField(1, 'ab');
    w.lengthPrefix(9, 1000);
    expect(hex(w.finish())).toBe('4204' + '0a001011' + '15' + '0000c03f' + '0a026162' + '4ae807');
  });

  it('grows past its first buffer', () => {
    const w = new ProtobufWriter();
    w.bytesField(1, new Uint8Array(5000).fill(7));
    const bytes = w.finish();
    expect(bytes.length).toBe(1 + 2 + 5000);
    expect(bytes[4999 + 3]).toBe(7);
  });
});

describe('OnnxGraphBuilder', () => {
  it('writes a model that onnxruntime loads and runs, with streamed weights', async () => {
    const g = new OnnxGraphBuilder('test');
    g.input('x', ONNX_FLOAT, ['batch', 3]);
    g.input('ids', ONNX_INT64, ['batch']);
    const weight = g.weight('w', [3, 2]);
    const table = g.weight('table', [4, 2]);
    const bias = g.floats('b', [2], [0.5, -1]);
    const shape = g.int64s('shape', [2], [-1, 1]);
    const y = g.op('Add', [g.op('MatMul', ['x', weight]), bias], {}, 'y');
    g.op('Softmax', [y], { axis: -1 }, 'p');
    g.op('LeakyRelu', [g.op('Reshape', [y, shape])], { alpha: { float: 0.25 } }, 'r');
    g.op('Gather', [table, 'ids'], { axis: 0 }, 'rows');
    g.output('y', ONNX_FLOAT, ['batch', 2]);
    g.output('p', ONNX_FLOAT, ['batch', 2]);
    g.output('r', ONNX_FLOAT, ['n', 1]);
    g.output('rows', ONNX_FLOAT, ['batch', 2]);
    const encoded = g.encode({ irVersion: 8, opset: 17, producerName: 'slmbench-test', producerVersion: '1' });
    const data = [Float32Array.of(1, 2, 3, 4, 5, 6), Float32Array.of(0, 0, 1, 1, 2, 2, 3, 3)];
    const parts: Uint8Array[] = [encoded.head];
    encoded.weights.forEach((w, i) => {
      expect(w.byteLength).toBe(data[i]!.byteLength);
      parts.push(w.prefix, new Uint8Array(data[i]!.buffer));
    });
    const file = Buffer.concat(parts);
    expect(file.length).toBe(encoded.totalBytes);
    const path = join(dir, 'model.onnx');
    writeFileSync(path, file);

    const session = await ort.InferenceSession.create(path);
    expect([...session.inputNames]).toEqual(['x', 'ids']);
    expect([...session.outputNames]).toEqual(['y', 'p', 'r', 'rows']);
    const result = await session.run({
      x: new ort.Tensor('float32', Float32Array.of(1, 1, 1, -1, 0, 0), [2, 3]),
      ids: new ort.Tensor('int64', BigInt64Array.of(3n, 1n), [2]),
    });
    // [1,1,1]·w = [9, 12] + b = [9.5, 11]; [−1,0,0]·w = [−1, −2] + b = [−0.5, −3].
    expect(Array.from(result.y!.data as Float32Array)).toEqual([9.5, 11, -0.5, -3]);
    const p = result.p!.data as Float32Array;
    expect(p[0]! + p[1]!).toBeCloseTo(1, 6);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-1.5)), 6);
    expect(Array.from(result.r!.data as Float32Array)).toEqual([9.5, 11, -0.125, -0.75]);
    expect(Array.from(result.rows!.data as Float32Array)).toEqual([3, 3, 1, 1]);
    await session.release();
  });

  it('writes com.microsoft nodes with their opset import and streamed uint8 and int8 weights', async () => {
    const g = new OnnxGraphBuilder('test');
    g.input('x', ONNX_FLOAT, [1, 32]);
    const codes = g.weight('codes', [2, 1, 16], ONNX_UINT8);
    const scales = g.weight('scales', [2, 1]);
    const table = g.weight('table', [2, 2], ONNX_INT8);
    g.msOp('MatMulNBits', ['x', codes, scales], { K: 32, N: 2, bits: 4, block_size: 32 }, 'y');
    g.op('DequantizeLinear', [table, g.floats('half', [], [0.5])], {}, 't');
    g.output('y', ONNX_FLOAT, [1, 2]);
    g.output('t', ONNX_FLOAT, [2, 2]);
    const encoded = g.encode({ irVersion: 8, opset: 17, producerName: 'slmbench-test', producerVersion: '1' });
    // Row 0: every code 9 (value +1·scale), row 1: every code 6 (value −2·scale); scales 0.5 and 2.
    const data = [new Uint8Array(32).fill(0x99, 0, 16).fill(0x66, 16), new Uint8Array(Float32Array.of(0.5, 2).buffer), new Uint8Array(Int8Array.of(-4, 3, 127, -128).buffer)];
    expect(encoded.weights.map((w) => w.byteLength)).toEqual([32, 8, 4]);
    const path = join(dir, 'contrib.onnx');
    writeFileSync(path, Buffer.concat([encoded.head, ...encoded.weights.flatMap((w, i) => [w.prefix, data[i]!])]));
    expect(Buffer.from(encoded.head).includes(Buffer.from('com.microsoft'))).toBe(true);
    const session = await ort.InferenceSession.create(path);
    const result = await session.run({ x: new ort.Tensor('float32', new Float32Array(32).fill(1), [1, 32]) });
    expect(Array.from(result.y!.data as Float32Array)).toEqual([16, -128]);
    expect(Array.from(result.t!.data as Float32Array)).toEqual([-2, 1.5, 63.5, -64]);
    await session.release();
  });

  it('refuses a value name used twice', () => {
    const g = new OnnxGraphBuilder('test');
    g.input('x', ONNX_FLOAT, [1]);
    expect(() => g.weight('x', [1])).toThrow(/used twice/);
  });
});
