/**
 * Latency metrics of one generation from its token events, with the same code for every backend
 * (DESIGN.md, "Metric definitions"). `start` is the time the request was handed to the backend.
 *
 * A backend hands tokens over one at a time (a stream) or several at once (a batch: a cascade's held-back
 * probe tokens, a server that sends chunks). Decode figures count what came after the first hand-over,
 * over the time since it: tokens handed over together were not produced 0 ms apart, so counting them as
 * gaps would overstate the decode rate (a cascade holding 16 of 32 tokens back read 2× too fast). For a
 * stream the definitions are the usual (n − 1) ÷ (t(n−1) − t0).
 */
import type { TokenEvent } from '../../adapters/types.js';

/** The measurements of one repetition. */
export interface RepetitionSample {
  /** Time to first token: T0 − start (ms), T0 the time of the first hand-over. */
  ttftMs: number;
  /** End to end: T(last) − start (ms). */
  e2eMs: number;
  /** Mean time per output token after the first hand-over: (T(last) − T0) ÷ (n − k0); null when n = k0. */
  tpotMs: number | null;
  /** Prompt tokens ÷ TTFT (tokens/s). */
  prefillTps: number;
  /** (n − k0) ÷ (T(last) − T0) (tokens/s); null when every token came in the first hand-over. */
  decodeTps: number | null;
  /** Inter-token latencies: T(j) − T(j−1) between consecutive hand-overs, j ≥ 1 (ms); one per hand-over. */
  itlMs: number[];
  /** Tokens in the first hand-over (k0): 1 for a stream. */
  firstHandoverTokens: number;
  /** Generated token ids. */
  tokenIds: number[];
}

/** Computes a repetition's metrics from its hand-overs (events without tokens are ignored). */
export function latencySample(start: number, events: readonly TokenEvent[], promptTokens: number): RepetitionSample {
  const handovers = events.filter((e) => e.tokenIds.length > 0);
  const first = handovers[0];
  const final = handovers[handovers.length - 1];
  if (!first || !final) throw new Error('a generation produced no tokens');
  const tokenIds = handovers.flatMap((e) => e.tokenIds);
  const decoded = tokenIds.length - first.tokenIds.length;
  const ttftMs = first.time - start;
  const decodeSpan = final.time - first.time;
  const itlMs: number[] = [];
  for (let j = 1; j < handovers.length; j++) itlMs.push(handovers[j]!.time - handovers[j - 1]!.time);
  return {
    ttftMs,
    e2eMs: final.time - start,
    tpotMs: decoded > 0 ? decodeSpan / decoded : null,
    prefillTps: ttftMs > 0 ? (promptTokens / ttftMs) * 1000 : 0,
    decodeTps: decoded > 0 && decodeSpan > 0 ? (decoded / decodeSpan) * 1000 : null,
    itlMs,
    firstHandoverTokens: first.tokenIds.length,
    tokenIds,
  };
}
