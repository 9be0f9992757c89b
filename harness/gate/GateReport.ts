/** What a gate decided: one verdict per (entry, metric), and the overall verdict. Written by `--verdicts FILE` and `--json`. */
import type { MetricComparison, SampleTest } from '../compare/compareMetric.js';
import type { Mismatch, MismatchKind } from '../compare/findMismatches.js';
import type { MetricDirection } from '../compare/metricDirection.js';
import type { MatchField } from '../compare/entryMatchKey.js';

/** A verdict: `fail` (exit 3), `warn`, `pass`, or `skip` (nothing to judge, e.g. the metric is absent on one side). */
export type Verdict = 'pass' | 'warn' | 'fail' | 'skip';

/** The verdict on one metric of one entry, or on an entry as a whole (`metric: 'entry'`: missing or errored). */
export interface GateVerdict {
  /** The entry's label (the current run's, or the baseline's when the entry is missing). */
  entry: string;
  /** The baseline entry's label (labels differ when the match leaves fields out). */
  baselineEntry: string;
  /** What the two entries measured differently (`threads 1 → 2`), when the match leaves fields out; null when nothing. */
  setting: string | null;
  /** Match key (see `entryMatchKey`). */
  key: string;
  /** Entry id in the baseline; null when the entry is not in it. */
  baselineId: string | null;
  /** Entry id in the current run; null when the entry is missing from it. */
  currentId: string | null;
  /** Device ids of the two entries. */
  devices: { baseline: string | null; current: string | null };
  /** Metric path (`metrics.decodeTps`, `metrics.quality.arc_easy.acc`), or `entry`. */
  metric: string;
  /** The rule as written; null for entry verdicts. */
  rule: string | null;
  /** Which way the metric improves; null for entry verdicts. */
  direction: MetricDirection | null;
  /** The statistics; null for entry verdicts and skips without values. */
  comparison: MetricComparison | null;
  /** The rule's limits as written. */
  limits: { warn: string | null; fail: string | null };
  /**
   * The smallest regression this verdict can resolve, as the ratio it must reach (0.88: a drop to
   * 0.88×; 1.12: a rise to 1.12×), at α with the report's power: the comparison's own or a calibrated
   * one, whichever is larger; null without a process test.
   */
  minimumDetectable: number | null;
  verdict: Verdict;
  /** One line: why this verdict. */
  reason: string;
}

/** The whole gate. */
export interface GateReport {
  /** `fail` when any verdict fails, else `warn` when any warns, else `pass`. */
  verdict: 'pass' | 'warn' | 'fail';
  counts: Record<Verdict, number>;
  baseline: GateSide;
  current: GateSide;
  /** The options in force, defaults filled in. */
  options: {
    alpha: number;
    test: SampleTest;
    rules: string[];
    /** Whether the rules are the defaults. */
    defaultRules: boolean;
    allowMismatch: MismatchKind[];
    missing: Verdict;
    errored: Verdict;
    resamples: number;
    seed: number;
    /** Power of the minimum detectable changes. */
    power: number;
    /** Fields entries were matched on. */
    match: MatchField[];
  };
  /** How the two sides were measured, and what that makes of the evidence. */
  evidence: {
    mode: 'interleaved' | 'separate runs';
    /** The interleaving of an A/B gate; null for separate runs. */
    interleaving: GateInterleaving | null;
    /** One line on the strength of the evidence. */
    note: string;
  };
  /** Per metric path, the largest minimum detectable change over its verdicts (as in {@link GateVerdict.minimumDetectable}). */
  minimumDetectable: Record<string, number>;
  /** Differences accepted by `--allow-mismatch` (refused ones stop the gate before any verdict). */
  mismatches: Mismatch[];
  verdicts: GateVerdict[];
  /** Entries only in one of the two results (labels and ids). */
  unmatched: {
    baselineOnly: { entry: string; id: string; status: string }[];
    currentOnly: { entry: string; id: string; status: string }[];
  };
  /** Other remarks (e.g. entries that did not run in the baseline). */
  notes: string[];
}

/** One of the two results. */
export interface GateSide {
  /** The file as given. */
  source: string;
  /** Device ids of its entries. */
  devices: string[];
  harness: { name: string; version: string; gitSha: string | null };
  startedAt: string;
}

/** The order an A/B gate ran its worker processes in (`gate --ab`). */
export interface GateInterleaving {
  /** Seed of the order: each pair of launches is baseline-then-current or current-then-baseline by it. */
  seed: number;
  /** Every launch in order: the side, its entry id and the process index within the entry. */
  launches: { side: 'baseline' | 'current'; entry: string; process: number }[];
}
