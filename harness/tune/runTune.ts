/**
 * `slmbench tune`: which of a backend's settings run a model fastest here, decided by measurement. The
 * candidates are the backend's defaults and every point of its search space (`BackendDefinition.tuneSpace`),
 * measured with the same machinery as `run` (a worker process per entry, warmup, raw samples, intervals)
 * in rounds of successive halving: each round runs the surviving candidates, three processes each, with an
 * equal share of the round's time; every candidate's processes so far are pooled, and the better half by
 * the pooled median goes on, more time each, until the best one's 95% interval (two-stage bootstrap over
 * all its processes) is clear of every other's, or the rounds run out. A candidate whose greedy ids differ
 * from the defaults' is reported and never chosen. The defaults run in every round; the winner's gain over
 * them is the ratio of their pooled medians with its two-stage bootstrap interval over processes. Every
 * round's sweep is kept under `out/round-N`.
 */
import { join } from 'node:path';
import { backendRegistry } from '../../adapters/registry.js';
import type { BackendDefinition } from '../../adapters/types.js';
import { parseConfig } from '../config/parseConfig.js';
import { ConfigError, UsageError } from '../errors.js';
import { cartesian } from '../matrix/expandMatrix.js';
import type { OkEntryRecord } from '../result/EntryRecord.js';
import { describeMetric } from '../result/describeMetric.js';
import { runPlan, type RunEvents } from '../runner/runPlan.js';
import { bootstrapRatioOfProcessMedians } from '../stats/bootstrapRatioOfProcessMedians.js';
import { measuredStats } from '../stats/measuredStats.js';
import { canonicalJson } from '../util/stableHash.js';
import { chooseSurvivors } from './chooseSurvivors.js';

/** The per-repetition metrics tune can optimise. */
export const TUNE_OBJECTIVES = ['decodeTps', 'ttftMs', 'tpotMs', 'prefillTps', 'e2eMs'] as const;
export type TuneObjective = (typeof TUNE_OBJECTIVES)[number];

/** Options of {@link runTune}. */
export interface TuneOptions {
  /** Model spec, as in `sweep.models`. Required. */
  model: string;
  /** Backend id. Required. */
  backend: string;
  /** Seconds of measuring in all, shared out over the rounds. Default: 120. */
  budgetSeconds?: number;
  /** What to optimise. Default: `decodeTps`. */
  objective?: TuneObjective;
  /** Workload. Default: 64 prompt tokens, 64 generated. */
  promptTokens?: number;
  genTokens?: number;
  /** Folder for the rounds' sweeps. Required. */
  out: string;
  /** Logical cores the search space is built for. Default: this machine's. */
  logicalCores: number;
  /** The backends. Default: the built-in registry. */
  registry?: readonly BackendDefinition[];
  /** Folder relative model paths resolve against. Default: the working directory. */
  baseDir?: string;
  /** Progress of each round's sweep. Default: none. */
  events?: RunEvents;
  /** Each round as it starts. Default: none. */
  onRound?(round: number, candidates: number, secondsEach: number): void;
}

/** One candidate's figures in one round. */
export interface TunedRound {
  round: number;
  median: number;
  ci: [number, number];
  /** Measured repetitions over its processes. */
  n: number;
  /** Over every round so far (its processes pooled): the median and its interval, what the halving ranks. */
  pooled: { median: number; ci: [number, number]; processes: number };
}

/** One setting tried. */
export interface TriedSetting {
  /** The options given (an empty object for the backend's defaults). */
  options: Record<string, unknown>;
  /** The options as the backend resolved them in its first round. */
  resolvedOptions: Record<string, unknown> | null;
  /** True for the backend's defaults. */
  defaults: boolean;
  rounds: TunedRound[];
  /** Its greedy ids differ from the defaults': reported, never chosen. */
  changesOutputs: boolean;
  /** Why it stopped: `winner`, `halved in round N`, `errored in round N: …`, `changes outputs`, or `last round`. */
  outcome: string;
}

/** What `slmbench tune` found (`--json`). */
export interface TuneResult {
  model: string;
  backend: string;
  objective: { metric: TuneObjective; higherIsBetter: boolean; label: string };
  workload: { promptTokens: number; genTokens: number };
  budgetSeconds: number;
  rounds: number;
  tried: TriedSetting[];
  /** The best setting, and whether its interval was clear of every other's (`decided`) or the rounds ran out. */
  winner: { options: Record<string, unknown>; resolvedOptions: Record<string, unknown> | null; median: number; ci: [number, number]; decided: boolean } | null;
  /** Winner ÷ defaults of the objective's median over their pooled processes, with its 95% interval (two-stage bootstrap over processes). */
  gain: { ratio: number; low: number; high: number; processes: [number, number] } | null;
}

export async function runTune(options: TuneOptions): Promise<TuneResult> {
  const registry = options.registry ?? backendRegistry;
  const definition = registry.find((d) => d.id === options.backend);
  if (!definition) throw new UsageError(`--backend: unknown backend "${options.backend}"`);
  if (!definition.tuneSpace) throw new UsageError(`--backend: ${definition.id} declares no settings to tune`);
  const metric = options.objective ?? 'decodeTps';
  if (!TUNE_OBJECTIVES.includes(metric)) throw new UsageError(`--objective: ${metric} is not one of ${TUNE_OBJECTIVES.join(', ')}`);
  const higherIsBetter = describeMetric(`metrics.${metric}`).direction !== 'min';
  const budgetSeconds = options.budgetSeconds ?? 120;
  const promptTokens = options.promptTokens ?? 64;
  const genTokens = options.genTokens ?? 64;
  const space = definition.tuneSpace(options.logicalCores);
  const keys = Object.keys(space.grid);
  const points = cartesian(keys.map((k) => space.grid[k]!.map((v) => [k, v] as const))).map((pairs) => Object.fromEntries(pairs) as Record<string, unknown>);
  const tried: TriedSetting[] = [
    { options: {}, resolvedOptions: null, defaults: true, rounds: [], changesOutputs: false, outcome: '' },
    ...points.map((o) => ({ options: o, resolvedOptions: null, defaults: false, rounds: [], changesOutputs: false, outcome: '' })),
  ];
  const keyOf = (t: TriedSetting) => canonicalJson(t.options);
  const maxRounds = Math.max(1, Math.ceil(Math.log2(tried.length)) + 1);
  let alive = tried.map(keyOf);
  let reference: string | null = null;
  let winnerKey: string | null = null;
  let decided = false;
  let gain: TuneResult['gain'] = null;
  let round = 0;
  // Every candidate's measured processes so far (the objective's samples of each), pooled over rounds.
  const pooled = new Map<string, number[][]>();
  for (round = 1; round <= maxRounds; round++) {
    // The defaults run in every round, as the baseline of the gain.
    const inRound = tried.filter((t) => t.defaults || alive.includes(keyOf(t)));
    const secondsEach = budgetSeconds / maxRounds / inRound.length;
    options.onRound?.(round, inRound.length, secondsEach);
    const config = parseConfig(
      {
        sweep: {
          models: [options.model],
          backends: inRound.map((t) => ({ id: definition.id, ...t.options })),
          workloads: [{ promptTokens, genTokens }],
        },
        measure: { processes: 3, warmupRuns: 1, warmupSeconds: 0.5, minRepetitions: 3, minSeconds: Math.min(1, secondsEach), maxSeconds: Math.max(secondsEach, 0.5), targetCiWidth: null, cachedTtftRuns: 0 },
      },
      'tune',
      registry,
    );
    const { result } = await runPlan(config, { out: join(options.out, `round-${round}`), report: false, registry, ...(options.baseDir ? { baseDir: options.baseDir } : {}), ...(options.events ? { events: options.events } : {}) });
    const records = result.entries;
    if (records.length !== inRound.length) throw new ConfigError(`tune: ${options.model} is not read by backend ${definition.id} (the round ran ${records.length} entries)`);
    const scores = inRound.map((t, i) => {
      const record = records[i]!;
      if (record.status !== 'ok') {
        t.outcome ||= `errored in round ${round}: ${record.error?.code}: ${record.error?.message}`;
        return { key: keyOf(t), median: Number.NaN, ci: [Number.NaN, Number.NaN] as [number, number], eligible: false };
      }
      const ok = record as OkEntryRecord;
      t.resolvedOptions ??= ok.backend.resolvedOptions;
      const ids = ok.outputs.tokenIds.join(',');
      if (t.defaults) reference ??= ids;
      if (reference !== null && ids !== reference) t.changesOutputs = true;
      const stats = ok.metrics[metric];
      if (!stats) return { key: keyOf(t), median: Number.NaN, ci: [Number.NaN, Number.NaN] as [number, number], eligible: false };
      const groups = [...(pooled.get(keyOf(t)) ?? []), ...processGroups(ok, metric)];
      pooled.set(keyOf(t), groups);
      const all = measuredStats(groups)!;
      const allCi = all.medianCi95 ?? [all.median, all.median];
      t.rounds.push({ round, median: stats.median, ci: stats.medianCi95 ?? [stats.median, stats.median], n: stats.n, pooled: { median: all.median, ci: allCi, processes: groups.length } });
      return { key: keyOf(t), median: all.median, ci: allCi, eligible: !t.changesOutputs };
    });
    const step = chooseSurvivors(scores, higherIsBetter);
    for (const t of inRound) {
      if (t.outcome) continue;
      if (t.changesOutputs) t.outcome = 'changes outputs';
      else if (!step.survivors.includes(keyOf(t)) && !t.defaults) t.outcome = `halved in round ${round}`;
    }
    winnerKey = step.survivors[0] ?? null;
    const best = winnerKey ? inRound.find((t) => keyOf(t) === winnerKey) : undefined;
    const base = inRound.find((t) => t.defaults);
    if (best && base) gain = gainOf(pooled.get(keyOf(best)) ?? [], pooled.get(keyOf(base)) ?? []) ?? gain;
    alive = step.survivors;
    // Done when the best is clear of the rest, or no other candidate is left to measure against it.
    if (step.winner || step.survivors.length <= 1) {
      decided = step.winner !== null && step.winner === winnerKey && scores.filter((x) => x.eligible).length > 1;
      break;
    }
  }
  const rounds = Math.min(round, maxRounds);
  const winner = winnerKey ? tried.find((t) => keyOf(t) === winnerKey)! : null;
  if (winner) winner.outcome = 'winner';
  for (const t of tried) if (!t.outcome) t.outcome = t.defaults ? 'the defaults (baseline of the gain)' : 'last round';
  const last = winner?.rounds.at(-1)?.pooled;
  return {
    model: options.model,
    backend: definition.id,
    objective: { metric, higherIsBetter, label: describeMetric(`metrics.${metric}`).label },
    workload: { promptTokens, genTokens },
    budgetSeconds,
    rounds,
    tried,
    winner: winner && last ? { options: winner.options, resolvedOptions: winner.resolvedOptions, median: last.median, ci: last.ci, decided } : null,
    gain,
  };
}

/** The objective's samples of each of the record's processes. */
function processGroups(record: OkEntryRecord, metric: TuneObjective): number[][] {
  const out: number[][] = [];
  (record.samples[metric] as number[]).forEach((v, i) => (out[record.samples.process[i]!] ??= []).push(v));
  return out.filter((g) => g.length > 0);
}

/** Winner ÷ defaults of the pooled medians, over processes; null when either has fewer than two processes. */
function gainOf(a: number[][], b: number[][]): TuneResult['gain'] {
  if (a.length < 2 || b.length < 2) return null;
  const interval = bootstrapRatioOfProcessMedians(a, b);
  return { ratio: interval.estimate, low: interval.low, high: interval.high, processes: [a.length, b.length] };
}
