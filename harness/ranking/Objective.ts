/**
 * What the Pareto ranking optimises: a metric path into an entry and whether more or less is better.
 */

/** `max`: a larger value is better; `min`: a smaller value is better. */
export type ObjectiveDirection = 'max' | 'min';

/** One objective of the ranking. */
export interface Objective {
  /**
   * Path of the metric inside an entry, dot-separated, e.g. `metrics.decodeTps`,
   * `metrics.energy.joulesPerOutputToken`, `metrics.quality.hellaswag.acc`. A `*` segment matches every
   * key at that level and expands into one objective per key that some entry has. A path whose first
   * segment is not a field of the entry is looked up under `metrics.` (`decodeTps` ≡ `metrics.decodeTps`).
   */
  metric: string;
  /**
   * Whether larger (`max`) or smaller (`min`) values are better. For a `*` pattern, a matched metric that
   * records its own direction (`higherIsBetter`, as quality metrics do) uses that instead.
   */
  direction: ObjectiveDirection;
  /** Display name in reports; default: derived from the metric path (`decode tok/s`, `TTFT ms`, …). */
  label?: string;
}

/**
 * The default objectives, in order: accuracy (every `metrics.quality.<task>.acc`), decode tokens/s, time
 * to first token, peak memory of the worker, energy per output token. Objectives that no entry has are
 * skipped and listed in the ranking's `skippedObjectives`.
 */
export const DEFAULT_OBJECTIVES: readonly Objective[] = [
  { metric: 'metrics.quality.*.acc', direction: 'max' },
  { metric: 'metrics.decodeTps', direction: 'max' },
  { metric: 'metrics.ttftMs', direction: 'min' },
  { metric: 'metrics.peakRssBytes', direction: 'min' },
  { metric: 'metrics.energy.joulesPerOutputToken', direction: 'min' },
];

/**
 * Added to the default objectives (after TTFT) when the ranked entries hold a composite strategy: end-to-end
 * time per request. For single models at a fixed output length it follows from TTFT and the decode rate and
 * would only weigh them twice; a composite's hand-over (a cascade's probe held back, then a stream) makes
 * the whole request the figure a user waits for, and neither TTFT nor the decode rate alone says it.
 */
export const COMPOSITE_E2E_OBJECTIVE: Objective = { metric: 'metrics.e2eMs', direction: 'min' };

/**
 * Added last to the default objectives when some ranked entry sends requests off the device (a served
 * model, a cascade with a served stage): the share of requests whose data left it. Among local entries it
 * is 0 for all and would rank nothing.
 */
export const PRIVACY_OBJECTIVE: Objective = { metric: 'metrics.privacy.dataLeavesDevice', direction: 'min' };
