/**
 * The result of ranking a set of entries: what `rankEntries` returns, what `result.json` stores under
 * `ranking`, and what the reports read. Plain JSON (no `Infinity`, no `undefined`).
 */
import type { ObjectiveDirection } from './Objective.js';

/** How an entry without a value for some objective is ranked. */
export type MissingPolicy = 'exclude' | 'worst';

/** An objective as used: expanded (no `*`), with the range it was normalised over. */
export interface RankedObjective {
  /** Metric path, e.g. `metrics.decodeTps`. */
  metric: string;
  direction: ObjectiveDirection;
  /** Display name with unit, e.g. `decode tok/s`. */
  label: string;
  /** The objective as requested, when it was a pattern (`metrics.quality.*.acc`) or a shorthand; else absent. */
  requested?: string;
  /** Ranked entries that have a value. */
  count: number;
  /** Worst value among ranked entries (normalised to 0). */
  worst: number;
  /** Best value among ranked entries (normalised to 1). */
  best: number;
  /** The reference point's coordinate in the metric's own unit (beyond `worst`). */
  reference: number;
  /** Weight in the weighted score. */
  weight: number;
}

/** An objective that was asked for but not used. */
export interface SkippedObjective {
  metric: string;
  direction: ObjectiveDirection;
  /** Why, e.g. `no ranked entry has metrics.energy.joulesPerOutputToken`. */
  reason: string;
}

/** Medals of one entry, SLM-Bench style: gold, silver, bronze for places 1–3 on each objective. */
export interface EntryMedals {
  gold: number;
  silver: number;
  bronze: number;
  /** The medal won on each objective (metric path → medal); objectives without a medal are absent. */
  byObjective: Record<string, 'gold' | 'silver' | 'bronze'>;
}

/** The ranking of one entry. */
export interface RankedEntry {
  /** The entry's id (in merged reports: its report key). */
  id: string;
  /** Pareto front, 0 = non-dominated; null when the entry is not ranked (see `excluded`). */
  front: number | null;
  /**
   * NSGA-II crowding distance within the front over the normalised objectives. null for a boundary entry
   * (infinite distance: an extreme value on some objective, or a front of one or two) and for unranked entries.
   */
  crowding: number | null;
  /**
   * Hypervolume of the entry's front minus the hypervolume of the front without it, in normalised units
   * (each objective's range counts 1); null for unranked entries.
   */
  hypervolumeContribution: number | null;
  /** Weighted score in [0, 1] (see `Ranking.weightedScore`); null for unranked entries. */
  weightedScore: number | null;
  /** Medals on the objectives. */
  medals: EntryMedals;
  /** The ranked value of each objective (metric path → value, null when missing). */
  values: Record<string, number | null>;
  /** Ids of the entries that dominate this one (significance-aware). */
  dominatedBy: string[];
  /** Why the entry is not ranked (`status errored`, `no value for metrics.decodeTps`); null when ranked. */
  excluded: string | null;
}

/** One row of the medal table. */
export interface MedalRow {
  id: string;
  gold: number;
  silver: number;
  bronze: number;
}

export interface Ranking {
  /** Version of this shape. */
  version: 1;
  /** One line saying how the ranking was computed. */
  method: string;
  /** Objectives used, in order. */
  objectives: RankedObjective[];
  /** Objectives asked for but not used, with the reason. */
  skippedObjectives: SkippedObjective[];
  /** Whether overlapping confidence intervals make two entries tie on an objective. */
  significance: boolean;
  /** How entries with a missing value were handled. */
  missing: MissingPolicy;
  /**
   * The hypervolume reference point: every objective at normalised value `normalized` (a fraction
   * `-normalized` of its range beyond the worst ranked value), `values` in the metrics' own units.
   */
  referencePoint: { normalized: number; values: Record<string, number>; description: string };
  /** Hypervolume of front 0 in normalised units; null when nothing is ranked. */
  hypervolume: number | null;
  /** How the weighted score is computed, with its weights (metric path → weight). */
  weightedScore: { label: string; weights: Record<string, number> };
  /** One per input entry, in input order. */
  entries: RankedEntry[];
  /** Ranked entries by gold, then silver, then bronze (descending), then id. */
  medalTable: MedalRow[];
  /** Remarks a reader needs (cyclic dominance, skipped objectives, exclusions). */
  notes: string[];
}
