/** How the forge stores weights in its q8 and q4 ONNX files: exact codes, scales and layouts. */
import { describe, expect, it } from 'vitest';
import { float16ToFloat32 } from '../../harness/forge/float32ToFloat16.js';
import { FORGE_PRESETS } from '../../harness/forge/forgePresets.js';
import { ONNX_FLOAT, ONNX_UINT8 } from '../../harness/forge/OnnxGraphBuilder.js';
import { planLlamaTensors } from '../../harness/forge/planLlamaTensors.js';
import { encodeOnnxWeights, planOnnxWeights } from '../../harness/forge/planOnnxWeights.js';
import { quantizeQ4_0 } from '../../harness/forge/quantizeQ4_0.js';
import { quantizeQ8_0 } from '../../harness/forge/quantizeQ8_0.js';
import { repackQ4_0 } from '../../harness/forge/repackQ4_0.js';
import { repackQ8_0 } from '../../harness/forge/repackQ8_0.js';
import { transposeMatrix } from '../../harness/forge/transposeMatrix.js';

describe('repackQ8_0', () => {
  it('keeps the f16 scale (widened) and stores each int8 code q as the unsigned byte q + 128, in order', () => {
    // Block 0: max |x| = 1.27 → d = 0.01 (stored as f16 0.01000213623046875), codes roundf(x·(1/d)),
    // halves away from zero: 127, −127, 1, −64, 0.
    const values = new Float32Array(64);
    values.set([1.27, -1.27, 0.005, -0.635, 0], 0);
    values.set([-3, 1.5], 32);
    const blocks = quantizeQ8_0(values);
    const { codes, scales } = repackQ8_0(blocks);
    expect(codes.length).toBe(64);
    expect(Array.from(scales)).toEqual([float16ToFloat32(blocks[0]! | (blocks[1]! << 8)), float16ToFloat32(blocks[34]! | (blocks[35]! << 8))]);
    expect(scales[0]).toBe(0.01000213623046875);
    expect(Array.from(codes.subarray(0, 6))).toEqual([255, 1, 129, 64, 128, 128]);
    // Block 1: max |x| = 3 → codes −127 and round(1.5·127/3) = 64 (63.5 away from zero).
    expect(Array.from(codes.subarray(32, 34))).toEqual([1, 192]);
    const signed = new Int8Array(blocks.buffer);
    for (let b = 0; b < 2; b++) {
      for (let j = 0; j < 32; j++) expect(codes[b * 32 + j]! - 128, `block ${b} value ${j}`).toBe(signed[b * 34 + 2 + j]);
    }
  });

  it('refuses bytes that are not whole 34-byte blocks', () => {
    expect(() => repackQ8_0(new Uint8Array(35))).toThrow(RangeError);
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

  it('plans q8 as 8-bit MatMulNBits blocks, the embedding for GatherBlockQuantized (plus the head when tied)', () => {
    const plan = planOnnxWeights(tiny, 'q8', false);
    expect(plan.find((p) => p.tensor.ggufName === 'blk.0.ffn_down.weight')).toMatchObject({
      layout: 'q8',
      initializers: [
        { name: 'model.layers.0.mlp.down_proj.weight_Q8', role: 'block-codes', dims: [64, 6, 32], dataType: ONNX_UINT8 },
        { name: 'model.layers.0.mlp.down_proj.weight_scales', role: 'block-scales', dims: [64, 6], dataType: ONNX_FLOAT },
      ],
    });
    expect(plan[0]!.initializers.map((i) => i.role)).toEqual(['block-codes', 'block-table-scales']);
    expect(plan.find((p) => p.tensor.ggufName === 'output.weight')!.initializers.map((i) => [i.role, i.dims])).toEqual([
      ['block-codes', [360, 2, 32]],
      ['block-scales', [360, 2]],
    ]);
    expect(plan.find((p) => p.tensor.kind === 'norm')!.layout).toBe('float');
    const tied = planOnnxWeights(stories, 'q8', true);
    expect(tied[0]!.initializers).toEqual([
      { name: 'model.embed_tokens.weight_Q8', role: 'block-codes', dims: [32000, 9, 32], dataType: ONNX_UINT8 },
      { name: 'model.embed_tokens.weight_table_scales', role: 'block-table-scales', dims: [32000, 9, 1], dataType: ONNX_FLOAT },
      { name: 'model.embed_tokens.weight_scales', role: 'block-scales', dims: [32000, 9], dataType: ONNX_FLOAT },
    ]);
  });

  it('plans q4 as MatMulNBits blocks, the embedding for GatherBlockQuantized, F16 values where rows are not whole blocks', () => {
    const plan = planOnnxWeights(stories, 'q4', true);
    expect(plan[0]!.initializers).toEqual([
      { name: 'model.embed_tokens.weight_Q4', role: 'block-codes', dims: [32000, 9, 16], dataType: ONNX_UINT8 },
      { name: 'model.embed_tokens.weight_table_scales', role: 'block-table-scales', dims: [32000, 9, 1], dataType: ONNX_FLOAT },
      { name: 'model.embed_tokens.weight_scales', role: 'block-scales', dims: [32000, 9], dataType: ONNX_FLOAT },
    ]);
    const odd = planLlamaTensors({ ...FORGE_PRESETS.tiny, intermediateSize: 100 });
    for (const type of ['q8', 'q4'] as const) {
      const down = planOnnxWeights(odd, type, false).find((p) => p.tensor.ggufName === 'blk.0.ffn_down.weight')!;
      expect(down.layout, type).toBe('float-f16');
      expect(down.initializers, type).toEqual([{ name: 'model.layers.0.mlp.down_proj.weight.T', role: 'float', dims: [100, 64], dataType: ONNX_FLOAT }]);
      const values = Float32Array.from({ length: 64 * 100 }, (_, i) => 1 + i / 3);
      const stored = new Float32Array(encodeOnnxWeights(down, values)[0]!.slice().buffer);
      // Transposed to [100, 64], each value rounded to F16: 1 + 1/3 → 1.3330078125.
      expect(stored[64], type).toBe(1.3330078125);
    }
  });

  it('encodes q8 and q4 initializers that dequantize to exactly ggml\'s Q8_0 and Q4_0 values', () => {
    const tensor = tiny.find((t) => t.ggufName === 'blk.1.attn_q.weight')!;
    const values = Float32Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i) / 8);
    const [q8Codes, q8ScaleBytes] = encodeOnnxWeights(planOnnxWeights([tensor], 'q8', false)[0]!, values);
    const q8Scales = new Float32Array(q8ScaleBytes!.slice().buffer);
    expect([q8Codes!.length, q8Scales.length]).toEqual([64 * 64, 64 * 2]);
    // ggml: d·q from the Q8_0 bytes; ONNX Runtime: scale·(code − 128), row-major blocks along each row.
    const q8 = quantizeQ8_0(values);
    const signed = new Int8Array(q8.buffer);
    for (let i = 0; i < values.length; i++) {
      const b = i >> 5;
      const ggml = float16ToFloat32(q8[b * 34]! | (q8[b * 34 + 1]! << 8)) * signed[b * 34 + 2 + (i & 31)]!;
      expect(q8Scales[b]! * (q8Codes![i]! - 128), `value ${i}`).toBe(ggml);
    }
    // Blocks given by the caller are used as they are.
    const given = encodeOnnxWeights(planOnnxWeights([tensor], 'q8', false)[0]!, new Float32Array(64 * 64), q8);
    expect(given[0]).toEqual(q8Codes);
    const [codes, scales] = encodeOnnxWeights(planOnnxWeights([tensor], 'q4', false)[0]!, values);
    const q4 = new Float32Array(scales!.slice().buffer);
    const code = (codes![5 * 32 + 1]! >> 4) - 8; // row 5, value 3 (block 0, byte 1, high nibble)
    expect(Math.abs(code * q4[5 * 2]! - values[5 * 64 + 3]!)).toBeLessThanOrEqual(Math.abs(q4[5 * 2]!) / 2 + 1e-7);
  });
});
