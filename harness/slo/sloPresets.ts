/**
 * Latency budgets (`slo:` in a config, `--slo NAME`): bounds on time to first token, time per output token,
 * the 99th percentile of a request's inter-token gaps and end-to-end time, each met by a repetition when it
 * is at or under the bound. The presets and where their numbers come from:
 * - `voice`: end-to-end ≤ 100 ms — the edge-deployment report behind slmbench ("< 100 ms for interactive
 *   UX"), for a spoken reply that must start without a perceptible pause.
 * - `chat`: TTFT ≤ 200 ms and ITL p99 ≤ 50 ms — a reply that starts within the ~200 ms people read as
 *   instant and streams without visible stalls (20 tokens/s at worst, above reading speed).
 * - `mlperf-interactive`: TTFT ≤ 500 ms and TPOT ≤ 30 ms — the order of the limits MLPerf Inference sets
 *   for its interactive LLM scenarios (the numbers as this project's issue fixed them).
 * - `reading`: TPOT ≤ 200 ms — 5 tokens/s, about the speed of silent reading (~250 words per minute).
 */

/** The bounds of a budget (ms); an absent bound is not checked. */
export interface SloBounds {
  ttftMs?: number;
  tpotMs?: number;
  itlP99Ms?: number;
  e2eMs?: number;
}

export const SLO_PRESETS: Readonly<Record<string, SloBounds>> = {
  voice: { e2eMs: 100 },
  chat: { ttftMs: 200, itlP99Ms: 50 },
  'mlperf-interactive': { ttftMs: 500, tpotMs: 30 },
  reading: { tpotMs: 200 },
};
