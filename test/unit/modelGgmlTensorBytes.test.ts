import { describe, expect, it } from 'vitest';
import { ggmlTensorBytes } from '../../adapters/formats/gguf/ggmlTypes.js';

describe('ggmlTensorBytes', () => {
  it('computes the bytes of float and quantized tensors', () => {
    expect(ggmlTensorBytes(0, [64, 512])).toBe(131072); // F32 stories260K token_embd
    expect(ggmlTensorBytes(1, [8, 32000])).toBe(512000); // F16 llama-2-tiny-random token_embd
    expect(ggmlTensorBytes(0, [64])).toBe(256);
    expect(ggmlTensorBytes(8, [4096])).toBe(4352); // Q8_0: 128 blocks of 34 bytes
    expect(ggmlTensorBytes(12, [4096, 4096])).toBe(9437184); // Q4_K: 16 blocks of 144 bytes per row
    expect(ggmlTensorBytes(14, [256, 3, 2n])).toBe(1260); // Q6_K, bigint dims as node-llama-cpp may give
    expect(ggmlTensorBytes(30, [10, 10])).toBe(200); // BF16
  });

  it('gives null for unknown types and rows that are not whole blocks', () => {
    expect(ggmlTensorBytes(4, [32])).toBeNull(); // Q4_2, removed from ggml
    expect(ggmlTensorBytes(99, [32])).toBeNull();
    expect(ggmlTensorBytes(2, [33, 2])).toBeNull();
  });
});
