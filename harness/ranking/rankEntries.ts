/**
 * Pareto ranking of benchmark entries over several objectives: significance-aware non-dominated sorting
 * (fronts), crowding distance and hypervolume contribution within each front, a labelled weighted score,
 * and an SLM-Bench-style medal table.
 *
 * Normalisation: on each objective, the worst value among ranked entries maps to 0 and the best to 1
 * (all equal: all 1). The hypervolume reference point lies `referenceOffset` of the range beyond the worst
 * value on every objective (normalised −0.1 by default), so the worst entry on an objective still adds
 * volume. Hypervolume and crowding use the ranked values (a statistics object's median); dominance uses
 * the intervals too (see {@link compareOnObjective}).
 *
 * Not applicable: an objective an entry says it cannot measure (`metrics.notMeasured`: a `remote` model's
 * memory and energy are the server's) is neither a value nor a missing one. The entry is ranked on the
 * other objectives: it ties every entry on that objective for dominance, sits at normalised 0 on it for
 * crowding and hypervolume (no credit claimed), is scored over the weights of the objectives that apply
 * to it, wins no medal on it, and is never excluded for lacking it (whatever `missing` says).
 */
import { awardMedals } from './awardMedals.js';
import { compareOnObjective } from './compareOnObjective.js';
import { crowdingDistance } from './crowdingDistance.js';
import { describeMetric } from '../result/describeMetric.js';
import { expandObjectives } from './expandObjectives.js';
import { hypervolume } from './hypervolume.js';
import { nonDominatedSort } from './nonDominatedSort.js';
import { COMPOSITE_E2E_OBJECTIVE, DEFAULT_OBJECTIVES, PRIVACY_OBJECTIVE, type Objective } from './Objective.js';
import type { MedalRow, MissingPolicy, RankedEntry, RankedObjective, Ranking } from './Ranking.js';
import { notMeasuredReason } from '../result/notMeasuredReason.js';
import { sendsDataOffDevice } from '../result/sendsDataOffDevice.js';
import { resolveMetric, type MetricValue } from './resolveMetric.js';

/** Anything with an id; `status` other than `ok` (when present) keeps the entry out of the ranking. */
export interface RankableEntry {
  id: string;
  status?: string;
  error?: { code?: string } | undefined;
}

export interface RankingOptions {
  /**
   * Objectives in order. Default: {@link DEFAULT_OBJECTIVES} (with {@link COMPOSITE_E2E_OBJECTIVE} after TTFT when an
   * entry is a composite strategy, and {@link PRIVACY_OBJECTIVE} last when some entry sends data off the device), of which those that not every ok entry has
   * are skipped (and listed with the reason), so that the default ranking covers every ok entry.
   */
  objectives?: readonly Objective[];
  /**
   * Significance-aware dominance: where two entries' intervals overlap on an objective (a statistics
   * object's `medianCi95`, else its `ci95`; an estimate's value ± 1.96·stderr), neither is better on it.
   * Default: true.
   */
  significance?: boolean;
  /**
   * Entries lacking a value for some objective: `exclude` leaves them unranked (`front: null`, with the
   * reason); `worst` ranks them with the missing value worse than every measured one (and at normalised 0
   * for crowding, hypervolume and the weighted score). Default: `exclude`.
   */
  missing?: MissingPolicy;
  /** Weights of the weighted score by metric path (or by the requested pattern). Default: 1 for every objective. */
  weights?: Readonly<Record<string, number>>;
  /**
   * Leave entries that miss their latency budget (`metrics.slo.met` false) unranked, with the reason, so the
   * Pareto front holds only entries that meet it. Default: false (they are ranked, and the reports mark them).
   */
  requireSlo?: boolean;
  /** Distance of the hypervolume reference point beyond the worst value, as a fraction of each objective's range. Default: 0.1. */
  referenceOffset?: number;
}

/** Ranks `entries` (see the module comment). The ranking's `entries` follow the input order. */
export function rankEntries(entries: readonly RankableEntry[], options: RankingOptions = {}): Ranking {
  const significance = options.significance ?? true;
  const missing = options.missing ?? 'exclude';
  const offset = options.referenceOffset ?? 0.1;
  if (!(offset >= 0) || !Number.isFinite(offset)) throw new RangeError(`referenceOffset must be a finite number ≥ 0, got ${offset}`);
  const notes: string[] = [];

  const eligible = entries.filter((e) => (e.status ?? 'ok') === 'ok');
  const composites = eligible.some((e) => (e as { model?: { format?: string } }).model?.format === 'composite');
  const leaves = eligible.some(sendsDataOffDevice);
  const defaults = [...(composites ? withEndToEnd(DEFAULT_OBJECTIVES) : DEFAULT_OBJECTIVES), ...(leaves ? [PRIVACY_OBJECTIVE] : [])];
  if (!options.objectives && composites) notes.push('objective metrics.e2eMs (min) added: the entries hold composite strategies, whose whole request neither TTFT nor the decode rate says alone');
  if (!options.objectives && leaves) notes.push('objective metrics.privacy.dataLeavesDevice (min) added: some entries send requests off the device');
  const expanded = expandObjectives(options.objectives ?? defaults, eligible);
  const skipped = expanded.skipped;
  let used = expanded.used;
  if (!options.objectives) {
    // Default objectives rank every ok entry: one that some entries lack is skipped, not used to exclude them.
    used = used.filter((o) => {
      // An entry that cannot measure the objective does not lack it.
      const have = eligible.filter((e) => resolveMetric(e, o.metric) !== null || notMeasuredReason(e, o.metric) !== null).length;
      if (have === eligible.length) return true;
      skipped.push({ metric: o.metric, direction: o.direction, reason: `only ${have} of ${eligible.length} ok entries have it (name it as an objective to rank on it)` });
      return false;
    });
  }
  for (const s of skipped) notes.push(`objective ${s.metric} (${s.direction}) skipped: ${s.reason}`);

  // Values of every entry on every used objective.
  const table: (MetricValue | null)[][] = entries.map((e) => used.map((o) => resolveMetric(e, o.metric)));
  const notApplicable: boolean[][] = entries.map((e) => used.map((o) => notMeasuredReason(e, o.metric) !== null));
  const applies = (i: number, k: number) => !notApplicable[i]![k];
  const excluded: (string | null)[] = entries.map((e, i) => {
    const status = e.status ?? 'ok';
    if (status !== 'ok') return `status ${status}${e.error?.code ? ` (${e.error.code})` : ''}`;
    if (used.length === 0) return 'no objective has values';
    const slo = (e as { metrics?: { slo?: { met?: boolean; preset?: string; attainment?: number; target?: number } } }).metrics?.slo;
    if (options.requireSlo && slo?.met === false) {
      return `misses the latency budget ${slo.preset} (${Math.round((slo.attainment ?? 0) * 1000) / 10}% of requests within it, ${Math.round((slo.target ?? 0) * 100)}% required)`;
    }
    if (missing === 'exclude') {
      const lacking = used.filter((_, k) => table[i]![k] === null && applies(i, k)).map((o) => o.metric);
      if (lacking.length > 0) return `no value for ${lacking.join(', ')}`;
    }
    return null;
  });
  const ranked = entries.map((_, i) => i).filter((i) => excluded[i] === null);
  if (entries.length > eligible.length) notes.push(`${entries.length - eligible.length} entries not ok (errored or skipped) are not ranked`);
  const lackingCount = excluded.filter((reason) => reason?.startsWith('no value')).length;
  const missingSlo = excluded.filter((reason) => reason?.startsWith('misses the latency budget')).length;
  if (missingSlo > 0) notes.push(`${missingSlo} ${missingSlo === 1 ? 'entry misses' : 'entries miss'} the latency budget and ${missingSlo === 1 ? 'is' : 'are'} not ranked (ranking.requireSlo)`);
  if (lackingCount > 0) notes.push(`${lackingCount} entries lacking a value for some objective are not ranked (missing: exclude)`);
  used.forEach((o, k) => {
    const count = entries.filter((e, i) => (e.status ?? 'ok') === 'ok' && !applies(i, k)).length;
    if (count > 0) notes.push(`objective ${o.metric} is not applicable to ${count} ${count === 1 ? 'entry' : 'entries'} that cannot measure it (metrics.notMeasured): tied on it, no credit for it`);
  });

  // Normalisation over the ranked entries.
  const weights = used.map((o) => {
    const w = options.weights?.[o.metric] ?? (o.requested !== undefined ? options.weights?.[o.requested] : undefined) ?? 1;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight of ${o.metric} must be a finite number ≥ 0, got ${w}`);
    return w;
  });
  const objectives: RankedObjective[] = used.map((o, k) => {
    const present = ranked.map((i) => table[i]![k]).filter((v): v is MetricValue => v !== null).map((v) => v.value);
    const lo = present.length ? Math.min(...present) : 0;
    const hi = present.length ? Math.max(...present) : 0;
    const worst = o.direction === 'max' ? lo : hi;
    const best = o.direction === 'max' ? hi : lo;
    const reference = worst - (best - worst) * offset;
    return {
      metric: o.metric,
      direction: o.direction,
      label: o.label ?? describeMetric(o.metric).label,
      ...(o.requested !== undefined ? { requested: o.requested } : {}),
      count: present.length,
      worst,
      best,
      reference,
      weight: weights[k]!,
    };
  });
  const normalised = (i: number, k: number): number => {
    const v = table[i]![k];
    if (v === null || v === undefined) return 0;
    const { worst, best } = objectives[k]!;
    return best === worst ? 1 : (v.value - worst) / (best - worst);
  };

  // Fronts.
  const dominates = (a: number, b: number): boolean => {
    let better = false;
    for (let k = 0; k < used.length; k++) {
      if (!applies(a, k) || !applies(b, k)) continue; // not applicable to one of them: a tie
      const c = compareOnObjective(table[a]![k]!, table[b]![k]!, used[k]!.direction, significance);
      if (c < 0) return false;
      if (c > 0) better = true;
    }
    return better;
  };
  const sorted = nonDominatedSort(ranked.length, (x, y) => dominates(ranked[x]!, ranked[y]!));
  if (sorted.cyclic) notes.push('significance-aware dominance formed a cycle: the entries in it share one front');

  const front = new Array<number | null>(entries.length).fill(null);
  const crowding = new Array<number | null>(entries.length).fill(null);
  const contribution = new Array<number | null>(entries.length).fill(null);
  const referenceNormalised = -offset;
  const reference = used.map(() => referenceNormalised);
  let frontZeroVolume: number | null = null;
  sorted.fronts.forEach((members, f) => {
    const indices = members.map((x) => ranked[x]!);
    const points = indices.map((i) => used.map((_, k) => normalised(i, k)));
    const distances = crowdingDistance(points);
    const total = hypervolume(points, reference);
    if (f === 0) frontZeroVolume = total;
    indices.forEach((i, m) => {
      front[i] = f;
      crowding[i] = Number.isFinite(distances[m]!) ? distances[m]! : null;
      contribution[i] = total - hypervolume(points.filter((_, other) => other !== m), reference);
    });
  });

  // Weighted score and medals.
  // Each entry's score is over the objectives that apply to it.
  const weightSumOf = (i: number) => weights.reduce((sum, w, k) => (applies(i, k) ? sum + w : sum), 0);
  const rankedSet = new Set(ranked);
  const medals = awardMedals(
    entries.map((_, i) => used.map((_, k) => (rankedSet.has(i) ? (table[i]![k] ?? null) : null))),
    used,
    significance,
  );

  const rankedEntries: RankedEntry[] = entries.map((e, i) => {
    const isRanked = rankedSet.has(i);
    const weightSum = weightSumOf(i);
    const score = isRanked && weightSum > 0 ? used.reduce((sum, _, k) => (applies(i, k) ? sum + weights[k]! * normalised(i, k) : sum), 0) / weightSum : null;
    const x = ranked.indexOf(i);
    return {
      id: e.id,
      front: front[i]!,
      crowding: crowding[i]!,
      hypervolumeContribution: contribution[i]!,
      weightedScore: score,
      medals: medals[i]!,
      values: Object.fromEntries(used.map((o, k) => [o.metric, table[i]![k]?.value ?? null])),
      dominatedBy: x < 0 ? [] : sorted.dominators[x]!.map((y) => entries[ranked[y]!]!.id),
      excluded: excluded[i]!,
    };
  });

  const medalTable: MedalRow[] = rankedEntries
    .filter((_, i) => rankedSet.has(i))
    .map((r) => ({ id: r.id, gold: r.medals.gold, silver: r.medals.silver, bronze: r.medals.bronze }))
    .sort((a, b) => b.gold - a.gold || b.silver - a.silver || b.bronze - a.bronze || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const weightText = objectives.map((o) => `${o.label} ×${o.weight}`).join(', ');
  return {
    version: 1,
    method:
      `non-dominated sorting over ${objectives.length} objectives` +
      `${significance ? ' (significance-aware: overlapping 95% intervals tie)' : ''}` +
      `, crowding distance and hypervolume contribution within each front on values normalised to [0, 1]`,
    objectives,
    skippedObjectives: skipped,
    significance,
    missing,
    referencePoint: {
      normalized: referenceNormalised,
      values: Object.fromEntries(objectives.map((o) => [o.metric, o.reference])),
      description: `each objective at ${offset * 100}% of its range beyond the worst ranked value (normalised ${referenceNormalised})`,
    },
    hypervolume: frontZeroVolume,
    weightedScore: {
      label: `weighted score: Σ wᵢ·gᵢ ÷ Σ wᵢ, gᵢ the value normalised to [0, 1] (1 = best ranked); weights ${weightText || '—'}. One view, not the Pareto ranking.`,
      weights: Object.fromEntries(objectives.map((o) => [o.metric, o.weight])),
    },
    entries: rankedEntries,
    medalTable,
    notes,
  };
}

/** The objectives with end-to-end time inserted after TTFT (at the end when TTFT is not among them). */
function withEndToEnd(objectives: readonly Objective[]): Objective[] {
  const at = objectives.findIndex((o) => o.metric === 'metrics.ttftMs');
  const list = [...objectives];
  list.splice(at === -1 ? list.length : at + 1, 0, COMPOSITE_E2E_OBJECTIVE);
  return list;
}
