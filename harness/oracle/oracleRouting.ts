/**
 * The oracle bound of a cascade on one accuracy task: per row, the best score any stage gives, answered by
 * the earliest stage that gives it (the cheapest right answer), and the bound at every escalation rate:
 * escalating k of N rows, chosen best-first by what the best later stage gains over stage 0 on them, scores
 * at most mean(stage 0) + (sum of the k largest gains) ÷ N. No router sending the same share of rows on
 * can do better on these rows; the cascade's headroom is the bound at its own escalation rate minus its
 * score. Exact arithmetic on the per-row scores; the rows are matched by their index.
 */

/** One stage's per-row scores on the task. */
export interface StageRows {
  name: string;
  /** Row index → score in [0, 1]. */
  scores: ReadonlyMap<number, number>;
}

/** The oracle of one task. */
export interface RouteOracle {
  task: string;
  /** The per-row metric (`acc`, `exact_match`, …). */
  metric: string;
  /** Rows every stage and the cascade answered. */
  rows: number;
  /** Each stage alone, in order. */
  stages: { name: string; score: number }[];
  /** The cascade as routed: its score and the share of rows a later stage answered. */
  cascade: { score: number; escalationRate: number };
  /** Per-row best: its score, the share of rows whose cheapest best answer is a later stage's, and the share per stage. */
  oracle: { score: number; escalationRate: number; shares: number[] };
  /** The bound at escalation rates 0 … 1 (k ÷ rows, at most 101 points, always the ends); non-decreasing. */
  bound: { escalationRate: number; score: number }[];
  /** The bound at the cascade's escalation rate. */
  boundAtCascadeRate: number;
  /** `boundAtCascadeRate − cascade.score` (≥ 0 up to the rows' granularity). */
  headroom: number;
}

/**
 * @param stages every stage's per-row scores (at least two)
 * @param routed the cascade's per-row score and answering stage
 */
export function oracleRouting(
  task: string,
  metric: string,
  stages: readonly StageRows[],
  routed: ReadonlyMap<number, { score: number; stage: number }>,
): RouteOracle {
  if (stages.length < 2) throw new RangeError('an oracle needs at least two stages');
  const rows = [...routed.keys()].filter((row) => stages.every((s) => s.scores.has(row))).sort((a, b) => a - b);
  const n = rows.length;
  const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const at = (s: StageRows, row: number) => s.scores.get(row)!;
  const shares = stages.map(() => 0);
  const best: number[] = [];
  const gains: number[] = [];
  for (const row of rows) {
    const scores = stages.map((s) => at(s, row));
    const top = Math.max(...scores);
    shares[scores.indexOf(top)]! += 1;
    best.push(top);
    gains.push(Math.max(...scores.slice(1)) - scores[0]!);
  }
  const base = mean(rows.map((row) => at(stages[0]!, row)));
  gains.sort((a, b) => b - a);
  // prefix[k]: the best score escalating at most k rows (gains best-first; stop adding once they turn negative).
  const prefix: number[] = [base];
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += gains[k - 1]!;
    prefix.push(Math.max(prefix[k - 1]!, base + sum / n));
  }
  const boundAt = (rate: number) => (n === 0 ? 0 : prefix[Math.min(n, Math.floor(rate * n + 1e-9))]!);
  const ks = n <= 100 ? Array.from({ length: n + 1 }, (_, k) => k) : [...new Set(Array.from({ length: 101 }, (_, i) => Math.round((i * n) / 100)))];
  const routedRows = rows.map((row) => routed.get(row)!);
  const cascade = { score: mean(routedRows.map((r) => r.score)), escalationRate: n ? routedRows.filter((r) => r.stage > 0).length / n : 0 };
  const boundAtCascadeRate = boundAt(cascade.escalationRate);
  return {
    task,
    metric,
    rows: n,
    stages: stages.map((s) => ({ name: s.name, score: mean(rows.map((row) => at(s, row))) })),
    cascade,
    oracle: { score: mean(best), escalationRate: n ? (n - shares[0]!) / n : 0, shares: shares.map((c) => (n ? c / n : 0)) },
    bound: ks.map((k) => ({ escalationRate: n ? k / n : 0, score: prefix[k]! })),
    boundAtCascadeRate,
    headroom: boundAtCascadeRate - cascade.score,
  };
}
