/** How the forge stores weights in its q8 and q4 ONNX files: exact codes, scales and layouts. */
import { describe, expect, it } from 'vitest';
import { float16ToFloat32 } from '../../harness/forge/float32ToFloat16.js';
import { FORGE_PRESETS } from '../../harness/forge/forgePresets.js';
import { ONNX_FLOAT, ONNX_INT8, ONNX_UINT8 } from '../../harness/forge/OnnxGraphBuilder.js';
import { planLlamaTensors } from '../../harness/forge/planLlamaTensors.js';
import { encodeOnnxWeights, planOnnxWeights } from '../../harness/forge/planOnnxWeights.js';
import { quantizeInt8PerTensor } from '../../harness/forge/quantizeInt8PerTensor.js';
import { quantizeQ4_0 } from '../../harness/forge/quantizeQ4_0.js';
import { repackQ4_0 } from '../../harness/forge/repackQ4_0.js';
import { transposeMatrix } from '../../harness/forge/transposeMatrix.js';

describe('quantizeInt8PerTensor', () => {
  it('uses one scale max|x|/127 and rounds halves away from zero', () => {
    const { codes, scale } = quantizeInt8PerTensor(Float32Array.of(1.27, -0.635, 0.005, -0.015, 0, 0.0149));
    expect(scale).toBe(Math.fround(1.27 / 127));
    expect(Array.from(codes)).toEqual([127, -64, 1, -2, 0, 1]);
  });

  it('gives zero codes and scale for an all-zero tensor', () => {
    const { codes, scale } = quantizeInt8PerTensor(new Float32Array(5));
    expect(scale).toBe(0);
    expect(Array.from(codes)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('repackQ4_0', () => {
  it('moves value j of a block from nibble (j mod 16, j < 16 ? low : high) to byte j/2 (even low, odd high)', () => {
    const values = Float32Array.from({ length: 64 }, (_, i) => (i % 32) - 8 + (i >= 32 ? 0.25 : 0));
    const blocks = quantizeQ4_0(values);
    const { codes, scales } = repackQ4_0(blocks);
    expect(codes.length).toBe(32);
    expect(scales.length).toBe(2);
    for (let b = 0; b < 2; b++) {
      expect(scales[b]).toBe(float16ToFloat32(blocks[b * 18]! | (blocks[b * 18 + 1]! << 8)));
      for (let j = 0; j < 32; j++) {
        const q4 = blocks[b * 18 + 2 + (j % 16)]!;
        const code = j < 16 ? q4 & 15 : q4 >> 4;
        const packed = codes[b * 16 + (j >> 1)]!;
        expect(j % 2 === 0 ? packed & 15 : packed >> 4, `block ${b} value ${j}`).toBe(code);
      }
    }
    // First block: max |x| is 23 → d = 23/−8, value 0 (−8) → code round(−8/d + 8) = 11.
    expect(scales[0]).toBe(-2.875);
    expect(codes[0]! & 15).toBe(11);
  });
});

describe('transposeMatrix', () => {
  it('transposes float32 and int8 matrices', () => {
    expect(Array.from(transposeMatrix(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(transposeMatrix(Int8Array.of(-1, 2, -3, 4), 2, 2))).toEqual([-1, -3, 2, 4]);
  });
});

describe('planOnnxWeights', () => {
  const tiny = planLlamaTensors(FORGE_PRESETS.tiny);
  const stories = planLlamaTensors(FORGE_PRESETS.stories15M);

  it('keeps fp32 as before: one float initializer per tensor, MatMul weights transposed', () => {
    const plan = planOnnxWeights(tiny, 'fp32', false);
    expect(plan.every((p) => p.layout === 'float' && p.initializers.length === 1)).toBe(true);
    expect(plan.find((p) => p.tensor.ggufName === 'blk.0.attn_k.weight')!.initializers[0]).toEqual({
      name: 'model.layers.0.self_attn.k_proj.weight.T',
      role: 'float',
      dims: [64, 32],
      dataType: ONNX_FLOAT,
    });
  });

  it('plans q8 as int8 matrices with one scale, the embedding as an int8 table (plus the head when tied)', () => {
    const plan = planOnnxWeights(tiny, 'q8', false);
    expect(plan.find((p) => p.tensor.ggufName === 'blk.0.ffn_down.weight')!.initializers).toEqual([
      { name: 'model.layers.0.mlp.down_proj.weight_quantized.T', role: 'int8-matrix', dims: [192, 64], dataType: ONNX_INT8 },
      { name: 'model.layers.0.mlp.down_proj.weight_scale', role: 'int8-scale', dims: [], dataType: ONNX_FLOAT },
    ]);
    expect(plan[0]!.initializers.map((i) => i.role)).toEqual(['int8-table', 'int8-scale']);
    expect(plan.find((p) => p.tensor.kind === 'norm')!.layout).toBe('float');
    const tied = planOnnxWeights(stories, 'q8', true);
    expect(tied[0]!.initializers.map((i) => [i.role, i.dims])).toEqual([
      ['int8-table', [32000, 288]],
      ['int8-matrix', [288, 32000]],
      ['int8-scale', []],
    ]);
  });

  it('plans q4 as MatMulNBits blocks, the embedding for GatherBlockQuantized, F16 values where rows are not whole blocks', () => {
    const plan = planOnnxWeights(stories, 'q4', true);
    expect(plan[0]!.initializers).toEqual([
      { name: 'model.embed_tokens.weight_Q4', role: 'q4-codes', dims: [32000, 9, 16], dataType: ONNX_UINT8 },
      { name: 'model.embed_tokens.weight_table_scales', role: 'q4-table-scales', dims: [32000, 9, 1], dataType: ONNX_FLOAT },
      { name: 'model.embed_tokens.weight_scales', role: 'q4-scales', dims: [32000, 9], dataType: ONNX_FLOAT },
    ]);
    const odd = planLlamaTensors({ ...FORGE_PRESETS.tiny, intermediateSize: 100 });
    const down = planOnnxWeights(odd, 'q4', false).find((p) => p.tensor.ggufName === 'blk.0.ffn_down.weight')!;
    expect(down.layout).toBe('float-f16');
    const values = Float32Array.from({ length: 64 * 100 }, (_, i) => 1 + i / 3);
    const stored = new Float32Array(encodeOnnxWeights(down, values)[0]!.slice().buffer);
    // Transposed to [100, 64], each value rounded to F16: 1 + 1/3 → 1.3330078125.
    expect(stored[64]).toBe(1.3330078125);
  });

  it('encodes q8 and q4 initializers that dequantize to the same values', () => {
    const tensor = tiny.find((t) => t.ggufName === 'blk.1.attn_q.weight')!;
    const values = Float32Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i) / 8);
    const [matrix, scaleBytes] = encodeOnnxWeights(planOnnxWeights([tensor], 'q8', false)[0]!, values);
    const int8 = new Int8Array(matrix!.buffer, matrix!.byteOffset, matrix!.length);
    const scale = new Float32Array(scaleBytes!.slice().buffer)[0]!;
    // [cols, rows]: element (c, r) is value (r, c).
    expect(int8[3 * 64 + 5]! * scale).toBeCloseTo(values[5 * 64 + 3]!, 2);
    const [codes, scales] = encodeOnnxWeights(planOnnxWeights([tensor], 'q4', false)[0]!, values);
    const q4 = new Float32Array(scales!.slice().buffer);
    const code = (codes![5 * 32 + 1]! >> 4) - 8; // row 5, value 3 (block 0, byte 1, high nibble)
    expect(Math.abs(code * q4[5 * 2]! - values[5 * 64 + 3]!)).toBeLessThanOrEqual(Math.abs(q4[5 * 2]!) / 2 + 1e-7);
  });
});
