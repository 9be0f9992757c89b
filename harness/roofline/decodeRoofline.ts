/**
 * The memory-bandwidth bound of decoding and how close a measured decode rate comes to it. Decoding one
 * token reads the weights (see {@link decodeWeightBytesFromGguf}) plus the KV cache up to the current
 * depth; at a given bandwidth the time per token is at least bytes ÷ bandwidth.
 *
 * Depth: with P prompt tokens and n generated tokens, the decode rate (n − 1) ÷ (t(n−1) − t0) covers the
 * steps that produce tokens 1 … n−1; step i attends over P + i cached positions. Bytes are linear in
 * depth, so the mean bytes per token, and the bound over the whole decode, are those at the mean depth
 * P + n/2. (llama.cpp pads the attended KV length, to 256 with flash attention; that padding is not
 * counted: the bound is for the bytes the model needs.)
 */
import { kvCacheBytes, type KvCacheShape } from '../metrics/kvCacheBytes.js';

/** Inputs of {@link decodeRoofline}. */
export interface DecodeRooflineInput {
  /** Memory bandwidth (GB/s, 1e9 bytes per second), e.g. {@link probeMemoryBandwidth}'s `readGBps`. */
  bandwidthGBps: number;
  /** Weight bytes read per token ({@link DecodeWeightBytes}'s `bytesPerToken`). */
  weightBytesPerToken: number;
  /** The KV cache's shape and element size. */
  kv: KvCacheShape;
  /** Prompt tokens (P). */
  promptTokens: number;
  /** Generated tokens (n ≥ 2: the decode rate needs two tokens). */
  generatedTokens: number;
  /** The measured decode rate (tokens/s). Default: null (no fraction). */
  decodeTps?: number | null;
}

/** The bound at the mean KV depth. */
export interface DecodeRoofline {
  /** P + n/2 cached positions. */
  meanKvDepth: number;
  /** KV bytes read per token at the mean depth. */
  kvBytesPerToken: number;
  /** Weight bytes + KV bytes per token. */
  bytesPerToken: number;
  /** bandwidth ÷ bytesPerToken (tokens/s). */
  boundTps: number;
  /** decodeTps ÷ boundTps; null without a decode rate. */
  fraction: number | null;
  /** The bandwidth used (GB/s). */
  bandwidthGBps: number;
}

/** The decode bound and, given a measured rate, the fraction of it reached. */
export function decodeRoofline(input: DecodeRooflineInput): DecodeRoofline {
  const { bandwidthGBps, weightBytesPerToken, promptTokens, generatedTokens } = input;
  if (!(bandwidthGBps > 0)) throw new RangeError(`bandwidth ${bandwidthGBps} GB/s must be > 0`);
  if (!(weightBytesPerToken >= 0)) throw new RangeError(`weight bytes per token ${weightBytesPerToken} must be ≥ 0`);
  if (!Number.isInteger(promptTokens) || promptTokens < 0) throw new RangeError(`promptTokens ${promptTokens} must be an integer ≥ 0`);
  if (!Number.isInteger(generatedTokens) || generatedTokens < 2) {
    throw new RangeError(`generatedTokens ${generatedTokens} must be an integer ≥ 2 (decode needs two tokens)`);
  }
  const meanKvDepth = promptTokens + generatedTokens / 2;
  const kvBytesPerToken = kvCacheBytes(input.kv, 1) * meanKvDepth;
  const bytesPerToken = weightBytesPerToken + kvBytesPerToken;
  const boundTps = (bandwidthGBps * 1e9) / bytesPerToken;
  const decodeTps = input.decodeTps ?? null;
  return { meanKvDepth, kvBytesPerToken, bytesPerToken, boundTps, fraction: decodeTps === null ? null : decodeTps / boundTps, bandwidthGBps };
}
