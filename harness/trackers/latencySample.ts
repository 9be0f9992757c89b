/**
 * Latency metrics of one generation from its token events, with the same code for every backend
 * (DESIGN.md, "Metric definitions"). `start` is the time the request was handed to the backend.
 */
import type { TokenEvent } from '../../adapters/types.js';

/** The measurements of one repetition. */
export interface RepetitionSample {
  /** Time to first token: t0 − start (ms). */
  ttftMs: number;
  /** End to end: t(n−1) − start (ms). */
  e2eMs: number;
  /** Mean time per output token after the first: (t(n−1) − t0) ÷ (n − 1); null when n = 1. */
  tpotMs: number | null;
  /** Prompt tokens ÷ TTFT (tokens/s). */
  prefillTps: number;
  /** (n − 1) ÷ (t(n−1) − t0) (tokens/s); null when n = 1 or all tokens came in one hand-over. */
  decodeTps: number | null;
  /** Inter-token latencies t(i) − t(i−1), i ≥ 1 (ms). */
  itlMs: number[];
  /** Generated token ids. */
  tokenIds: number[];
}

/** Computes a repetition's metrics; each token of a batched hand-over gets the hand-over's time. */
export function latencySample(start: number, events: readonly TokenEvent[], promptTokens: number): RepetitionSample {
  const times: number[] = [];
  const tokenIds: number[] = [];
  for (const event of events) {
    for (const id of event.tokenIds) {
      times.push(event.time);
      tokenIds.push(id);
    }
  }
  const n = times.length;
  if (n === 0) throw new Error('a generation produced no tokens');
  const t0 = times[0]!;
  const last = times[n - 1]!;
  const ttftMs = t0 - start;
  const decodeSpan = last - t0;
  const itlMs: number[] = [];
  for (let i = 1; i < n; i++) itlMs.push(times[i]! - times[i - 1]!);
  return {
    ttftMs,
    e2eMs: last - start,
    tpotMs: n > 1 ? decodeSpan / (n - 1) : null,
    prefillTps: ttftMs > 0 ? (promptTokens / ttftMs) * 1000 : 0,
    decodeTps: n > 1 && decodeSpan > 0 ? ((n - 1) / decodeSpan) * 1000 : null,
    itlMs,
    tokenIds,
  };
}
