import { describe, expect, it } from 'vitest';
import { decodeRoofline } from '../../harness/roofline/decodeRoofline.js';
import { decodeWeightBytesFromGguf, decodeWeightBytesFromGroups, type GgufTensorFacts } from '../../adapters/formats/decodeWeightBytes.js';
import { probeMemoryBandwidth } from '../../harness/roofline/probeMemoryBandwidth.js';
import { kvCacheBytes } from '../../harness/metrics/kvCacheBytes.js';
import { ggmlBytesPerElement } from '../../adapters/formats/gguf/ggmlTypes.js';
import { modelResidentBytes } from '../../harness/metrics/modelResidentBytes.js';

const F32 = 0;
const F16 = 1;
const Q4_0 = 2;
const Q8_0 = 8;

/** A llama-style GGUF tensor list (stories15M: dim 288, 6 layers, 6 heads, ffn 768, vocab 32000). */
function llamaTensors(o: { dim: number; layers: number; ffn: number; vocab: number; type: number; embdType?: number; tied?: boolean }): GgufTensorFacts[] {
  const t: GgufTensorFacts[] = [{ name: 'token_embd.weight', type: o.embdType ?? o.type, dims: [o.dim, o.vocab] }];
  for (let l = 0; l < o.layers; l++) {
    t.push({ name: `blk.${l}.attn_norm.weight`, type: F32, dims: [o.dim] });
    for (const m of ['attn_q', 'attn_k', 'attn_v', 'attn_output']) t.push({ name: `blk.${l}.${m}.weight`, type: o.type, dims: [o.dim, o.dim] });
    t.push({ name: `blk.${l}.ffn_norm.weight`, type: F32, dims: [o.dim] });
    t.push({ name: `blk.${l}.ffn_gate.weight`, type: o.type, dims: [o.dim, o.ffn] });
    t.push({ name: `blk.${l}.ffn_up.weight`, type: o.type, dims: [o.dim, o.ffn] });
    t.push({ name: `blk.${l}.ffn_down.weight`, type: o.type, dims: [o.ffn, o.dim] });
  }
  t.push({ name: 'output_norm.weight', type: F32, dims: [o.dim] });
  if (!o.tied) t.push({ name: 'output.weight', type: o.type, dims: [o.dim, o.vocab] });
  return t;
}

const STORIES15M = { dim: 288, layers: 6, ffn: 768, vocab: 32000 };

describe('kvCacheBytes', () => {
  it('is layers × 2 × kvHeads × headDim × tokens × bytes per element', () => {
    expect(kvCacheBytes({ layers: 6, kvHeads: 6, headDim: 48 }, 256)).toBe(6 * 2 * 6 * 48 * 256 * 2);
    expect(kvCacheBytes({ layers: 22, kvHeads: 4, headDim: 64, bytesPerElement: 4 }, 2048)).toBe(92274688); // TinyLlama 1.1B, f32 cache
    expect(kvCacheBytes({ layers: 32, kvHeads: 8, headDim: 128, bytesPerElement: ggmlBytesPerElement('q8_0') }, 4096)).toBe(285212672);
    expect(kvCacheBytes({ layers: 1, kvHeads: 1, headDim: 1 }, 0)).toBe(0);
    expect(() => kvCacheBytes({ layers: 1.5, kvHeads: 1, headDim: 1 }, 1)).toThrow(RangeError);
  });
});

describe('modelResidentBytes', () => {
  it('is RSS after load minus RSS before, negative values kept', () => {
    expect(modelResidentBytes({ rssBeforeLoadBytes: 60_000_000, rssAfterLoadBytes: 160_500_000 })).toBe(100_500_000);
    expect(modelResidentBytes({ rssBeforeLoadBytes: 10, rssAfterLoadBytes: 4 })).toBe(-6);
  });
});

describe('decodeWeightBytesFromGguf', () => {
  it('reads every weight except the token embedding, plus one embedding row (untied, F32)', () => {
    const r = decodeWeightBytesFromGguf(llamaTensors({ ...STORIES15M, type: F32 }));
    // Per layer: 2 norms of 288 + 4 × 288² + 3 × 288 × 768 = 995,904 elements; 6 layers = 5,975,424;
    // output_norm 288; output 288 × 32000 = 9,216,000; all F32.
    const fully = (5_975_424 + 288 + 9_216_000) * 4;
    expect(r).toEqual({
      fullyReadBytes: fully,
      lookupRowBytes: 288 * 4,
      bytesPerToken: fully + 1152,
      embeddingTableBytes: 9_216_000 * 4,
      tiedEmbeddings: false,
      totalWeightBytes: fully + 9_216_000 * 4,
    });
    expect(r.bytesPerToken).toBe(60_768_000);
  });

  it('counts a tied embedding once, in full (the output projection reads all of it)', () => {
    const r = decodeWeightBytesFromGguf(llamaTensors({ ...STORIES15M, type: F32, tied: true }));
    expect(r.tiedEmbeddings).toBe(true);
    expect(r.lookupRowBytes).toBe(0);
    expect(r.bytesPerToken).toBe((5_975_424 + 288 + 9_216_000) * 4);
    expect(r.bytesPerToken).toBe(r.totalWeightBytes);
  });

  it('uses ggml block sizes for quantized tensors and rows', () => {
    const r = decodeWeightBytesFromGguf(llamaTensors({ ...STORIES15M, type: Q4_0, embdType: Q8_0 }));
    // Q4_0: 18 bytes per 32 elements; Q8_0: 34 per 32. Matrices per layer: 4 × 288²/32 × 18 + 3 × 288·768/32 × 18.
    const perLayer = 4 * ((288 * 288) / 32) * 18 + 3 * ((288 * 768) / 32) * 18 + 2 * 288 * 4;
    const output = ((288 * 32000) / 32) * 18;
    expect(r.fullyReadBytes).toBe(6 * perLayer + 288 * 4 + output);
    expect(r.lookupRowBytes).toBe((288 / 32) * 34);
    expect(r.embeddingTableBytes).toBe(((288 * 32000) / 32) * 34);
    expect(() => decodeWeightBytesFromGguf([{ name: 'x', type: 999, dims: [4] }])).toThrow(RangeError);
  });

  it('reads one row of a learned position embedding too', () => {
    const r = decodeWeightBytesFromGguf([
      { name: 'token_embd.weight', type: F16, dims: [64, 100] },
      { name: 'position_embd.weight', type: F32, dims: [64, 512] },
      { name: 'output.weight', type: F16, dims: [64, 100] },
    ]);
    expect(r).toMatchObject({ fullyReadBytes: 64 * 100 * 2, lookupRowBytes: 64 * 2 + 64 * 4 });
  });
});

describe('decodeWeightBytesFromGroups', () => {
  it('gives the same bytes as the tensor list for the same model', () => {
    const groups = [
      { name: 'layers and norms', params: 5_975_424 + 288, bytesPerElement: 4 },
      { name: 'output', params: 9_216_000, bytesPerElement: 4 },
      { name: 'token embedding', params: 9_216_000, bytesPerElement: 4, rowParams: 288 },
    ];
    expect(decodeWeightBytesFromGroups(groups)).toEqual(decodeWeightBytesFromGguf(llamaTensors({ ...STORIES15M, type: F32 })));
    const tied = decodeWeightBytesFromGroups([groups[0]!, { ...groups[2]!, tiedOutput: true }]);
    expect(tied).toEqual(decodeWeightBytesFromGguf(llamaTensors({ ...STORIES15M, type: F32, tied: true })));
  });
});

describe('decodeRoofline', () => {
  it('bounds decode at the mean KV depth P + n/2 and gives the fraction reached', () => {
    const r = decodeRoofline({
      bandwidthGBps: 22,
      weightBytesPerToken: 60_768_000,
      kv: { layers: 6, kvHeads: 6, headDim: 48, bytesPerElement: 2 }, // 6912 bytes per position
      promptTokens: 128,
      generatedTokens: 128,
      decodeTps: 220,
    });
    expect(r.meanKvDepth).toBe(192);
    expect(r.kvBytesPerToken).toBe(6912 * 192);
    expect(r.bytesPerToken).toBe(62_095_104);
    expect(r.boundTps).toBe(22e9 / 62_095_104);
    expect(r.fraction).toBe(220 / (22e9 / 62_095_104));
    expect(r.bandwidthGBps).toBe(22);
  });

  it('averages the KV depth over the decode steps exactly (odd n, no decode rate)', () => {
    // P = 3, n = 4: steps 1…3 attend over 4, 5, 6 positions, mean 5 = 3 + 4/2.
    const r = decodeRoofline({ bandwidthGBps: 1, weightBytesPerToken: 1000, kv: { layers: 1, kvHeads: 1, headDim: 4, bytesPerElement: 4 }, promptTokens: 3, generatedTokens: 4 });
    expect(r).toMatchObject({ meanKvDepth: 5, kvBytesPerToken: 160, bytesPerToken: 1160, boundTps: 1e9 / 1160, fraction: null });
    // n = 3: steps attend over 4 and 5 positions, mean 4.5.
    expect(decodeRoofline({ bandwidthGBps: 1, weightBytesPerToken: 0, kv: { layers: 1, kvHeads: 1, headDim: 1 }, promptTokens: 3, generatedTokens: 3 }).meanKvDepth).toBe(4.5);
    expect(() => decodeRoofline({ bandwidthGBps: 1, weightBytesPerToken: 0, kv: { layers: 1, kvHeads: 1, headDim: 1 }, promptTokens: 3, generatedTokens: 1 })).toThrow(RangeError);
  });
});

describe('probeMemoryBandwidth', () => {
  it('reports read and copy bandwidth with its method (no timing asserted)', () => {
    let t = 0;
    // A fake clock that advances 1 ms per reading: each kernel "takes" 1 ms.
    const r = probeMemoryBandwidth({ bytes: 1_000_010, runs: 2, now: () => t++ });
    expect(r).toEqual({
      readGBps: 1, // 1,000,000 bytes (1,000,010 rounded down to a multiple of 32) in 1 ms
      copyGBps: 2, // read + written
      bytes: 1_000_000,
      runs: 2,
      method: 'single thread: read = vectorised memchr over a 1000000-byte buffer (Buffer#indexOf of an absent byte), copy = TypedArray.set (memcpy); best of 2 runs; copy counts bytes read + written',
    });
  });

  it('measures with the real clock', () => {
    const r = probeMemoryBandwidth({ bytes: 4 * 2 ** 20, runs: 2 });
    expect(r.bytes).toBe(4 * 2 ** 20);
    expect(r.readGBps).toBeGreaterThan(0);
    expect(r.copyGBps).toBeGreaterThan(0);
    expect(() => probeMemoryBandwidth({ bytes: 16 })).toThrow(RangeError);
  });
});
