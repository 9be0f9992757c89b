/**
 * The two sides of an A/B gate run in one job: the baseline config and the current config, each a
 * normal sweep into its own folder (`OUT/baseline`, `OUT/current`: sweep.json, entries.jsonl,
 * result.json), with their worker processes interleaved by {@link InterleavedTurns} (one process at a
 * time, each pair of launches in a seeded random order). The baseline is planned and set up first; the
 * current side starts its setup when the baseline asks for its first launch, and the first launch
 * waits for both, so no setup runs beside a measured process. Sides with the same entries and
 * processes alternate entry by entry: entry i, process p of each side run next to each other.
 * A failing side stops the other. No HTML report is written here (the caller writes what it wants once
 * both sides have ended, so that no rendering runs beside a measured process).
 */
import { join } from 'node:path';
import type { SweepConfig } from '../config/configSchema.js';
import type { RunEvents, RunOutcome, RunPlanOptions } from '../runner/runPlan.js';
import { runPlan } from '../runner/runPlan.js';
import { InterleavedTurns } from '../runner/InterleavedTurns.js';
import type { GateInterleaving } from './GateReport.js';

/** One side: its config as parsed, where its relative paths are resolved, and where it came from. */
export interface InterleavedSide {
  config: SweepConfig;
  /** Folder the config's relative model and task paths are resolved against. */
  baseDir: string;
  /** Recorded as `config.source`. */
  source: string;
  /** Progress of this side. Default: silent. */
  events?: RunEvents;
}

/** Options of {@link runInterleaved}. */
export interface InterleavedRunOptions extends Pick<RunPlanOptions, 'registry' | 'launchers'> {
  baseline: InterleavedSide;
  current: InterleavedSide;
  /** Output folder; the sides go in `baseline/` and `current/` under it (neither may hold a sweep). */
  out: string;
  /** Seed of the launch order (an integer). */
  seed: number;
  /** Stops both sides (as Ctrl-C stops `run`). Default: none. */
  signal?: AbortSignal;
}

/** What an A/B run made. */
export interface InterleavedOutcome {
  baseline: RunOutcome;
  current: RunOutcome;
  interleaving: GateInterleaving;
}

export async function runInterleaved(options: InterleavedRunOptions): Promise<InterleavedOutcome> {
  const turns = new InterleavedTurns(['baseline', 'current'], options.seed);
  const baselineTurns = turns.side(0);
  const currentTurns = turns.side(1);
  const stop = new AbortController();
  const forward = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  options.signal?.addEventListener('abort', forward, { once: true });
  const common = (side: InterleavedSide, name: 'baseline' | 'current'): RunPlanOptions => ({
    out: join(options.out, name),
    baseDir: side.baseDir,
    configSource: side.source,
    report: false,
    signal: stop.signal,
    ...(side.events ? { events: side.events } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.launchers ? { launchers: options.launchers } : {}),
  });

  // The first failure is the cause; the other side then stops with an interruption of its own.
  const failures: unknown[] = [];
  let startCurrent!: (go: boolean) => void;
  const currentMayStart = new Promise<boolean>((resolve) => (startCurrent = resolve));
  const baseline = runPlan(options.baseline.config, {
    ...common(options.baseline, 'baseline'),
    turns: {
      take: (entry, process) => {
        startCurrent(true);
        return baselineTurns.take(entry, process);
      },
    },
  }).then(
    (outcome) => {
      startCurrent(true); // a baseline that launched nothing (every entry skipped)
      return outcome;
    },
    (error: unknown) => {
      failures.push(error);
      startCurrent(false);
      stop.abort('the baseline side failed');
      throw error;
    },
  );
  void baseline.finally(() => baselineTurns.finish()).catch(() => undefined);
  const current = currentMayStart
    .then((go) => (go ? runPlan(options.current.config, { ...common(options.current, 'current'), turns: currentTurns }) : null))
    .catch((error: unknown) => {
      failures.push(error);
      stop.abort('the current side failed');
      throw error;
    })
    .finally(() => currentTurns.finish());
  try {
    const [a, b] = await Promise.allSettled([baseline, current]);
    // Both sides' rejections pass through the handlers above, so the first failure is recorded.
    if (a.status === 'rejected' || b.status === 'rejected') throw failures[0];
    return {
      baseline: a.value,
      current: b.value!,
      interleaving: {
        seed: turns.seed,
        launches: turns.launches.map((l) => ({ side: l.side as 'baseline' | 'current', entry: l.entry, process: l.process })),
      },
    };
  } finally {
    options.signal?.removeEventListener('abort', forward);
  }
}
