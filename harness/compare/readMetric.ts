/**
 * Reads one metric of an entry in the form the comparison tests need:
 * - `samples`: a statistics object (`metrics.<name>`) whose raw per-repetition values are kept at
 *   `samples.<name>`. The samples are those the statistics summarise: the first (cold) repetition, which
 *   the statistics report on their own (`cold`), is left out. For a list of lists (`itlMs`: the gaps of
 *   each repetition) the unit of the test is the repetition: one value per repetition, the median of its
 *   gaps (gaps within one repetition are not independent samples), again without the cold repetition
 *   when the statistics leave it out.
 * - `estimate`: an estimate with a standard error, `{value, stderr, n}` (quality metrics).
 * - `single`: one number per run: a plain number (`peakRssBytes`), an object with a `value` and no
 *   standard error (energy figures), or a statistics object whose raw samples are missing.
 */
import { percentileSorted } from '../stats/summarize.js';
import { notMeasuredReason } from '../result/notMeasuredReason.js';
import { valueAt } from '../result/valueAt.js';

/** A metric read from an entry. */
export type MetricReading =
  | {
      kind: 'samples';
      /** One value per unit (repetition). */
      samples: number[];
      /**
       * `samples` by the worker process that measured them, in process order (`samples.process`); one
       * group when the entry does not say. Comparisons test processes, not repetitions.
       */
      groups: number[][];
      /** `repetition`: the raw per-repetition values; `repetition median`: each repetition's median (itlMs). */
      unit: 'repetition' | 'repetition median';
      /** Median of `samples`. */
      value: number;
      higherIsBetter: null;
    }
  | {
      kind: 'estimate';
      value: number;
      /** Standard error; null when the run could not give one (fewer than two rows). */
      stderr: number | null;
      /** Rows it was computed from, when recorded. */
      n: number | null;
      /** Direction as the task recorded it, when it did. */
      higherIsBetter: boolean | null;
      /**
       * Per-item scores behind the estimate (a quality metric whose task recorded `rowScores`): the rows in
       * ascending order, each row's score, and the task's data (sha256 of the dataset, version), so that two
       * entries on the same items are compared pair by pair. Absent where not recorded.
       */
      items?: { rows: number[]; scores: number[]; dataset: string; version: number };
    }
  | {
      kind: 'single';
      value: number;
      /** Why there is only one number, when it is not the metric's nature (e.g. `no raw samples`). */
      note: string | null;
      higherIsBetter: boolean | null;
    };

/** The metric at `path` (dot-separated, from the entry's root, e.g. `metrics.decodeTps`), or null when absent or not numeric. */
export function readMetric(entry: unknown, path: string): MetricReading | null {
  // A metric the entry says it cannot measure (a remote model's memory and energy) is absent, not a value.
  if (notMeasuredReason(entry, path) !== null) return null;
  const raw = valueAt(entry, path.split('.'));
  if (typeof raw === 'number') return Number.isFinite(raw) ? { kind: 'single', value: raw, note: null, higherIsBetter: null } : null;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const o = raw as Record<string, unknown>;
  const higherIsBetter = typeof o.higherIsBetter === 'boolean' ? o.higherIsBetter : null;
  if (isFiniteNumber(o.median)) {
    const process = valueAt(entry, ['samples', 'process']);
    const processes = Array.isArray(process) && process.every(isFiniteNumber) ? (process as number[]) : null;
    const samples = path.startsWith('metrics.') ? rawSamples(valueAt(entry, ['samples', ...path.split('.').slice(1)]), o, processes) : null;
    if (samples && samples.values.length > 0) {
      const sorted = [...samples.values].sort((a, b) => a - b);
      return { kind: 'samples', samples: samples.values, groups: samples.groups, unit: samples.unit, value: percentileSorted(sorted, 0.5), higherIsBetter: null };
    }
    return { kind: 'single', value: o.median, note: 'no raw samples: the median alone', higherIsBetter };
  }
  if (isFiniteNumber(o.value)) {
    if ('stderr' in o) {
      const stderr = isFiniteNumber(o.stderr) ? Math.abs(o.stderr) : null;
      const items = qualityItems(entry, path);
      return { kind: 'estimate', value: o.value, stderr, n: isFiniteNumber(o.n) ? o.n : null, higherIsBetter, ...(items ? { items } : {}) };
    }
    return { kind: 'single', value: o.value, note: null, higherIsBetter };
  }
  return null;
}


/**
 * The raw samples behind `stats`, without the cold repetitions when the statistics leave them out: the
 * first of each worker process (`samples.process` says which process each repetition ran in; one
 * process without it), when the statistics report a `cold` value — or, for lists of lists without
 * process indices, when only the repetitions after the first add up to the count `n`.
 */
function rawSamples(
  value: unknown,
  stats: Record<string, unknown>,
  processes: number[] | null,
): { values: number[]; groups: number[][]; unit: 'repetition' | 'repetition median' } | null {
  if (!Array.isArray(value)) return null;
  const indexed = processes !== null && processes.length === value.length;
  /** Whether item i is the first (cold) repetition of a process that has more than one. */
  const isCold = (i: number): boolean => {
    if (!indexed) return i === 0 && value.length > 1;
    const p = processes[i]!;
    return processes.indexOf(p) === i && processes.lastIndexOf(p) !== i;
  };
  /** Values (index-aligned with `value`, null where left out) grouped by process, in order of first appearance. */
  const grouped = (values: (number | null)[]): number[][] => {
    if (!indexed) return [values.filter((v): v is number => v !== null)];
    const byProcess = new Map<number, number[]>();
    values.forEach((v, i) => {
      const list = byProcess.get(processes[i]!) ?? [];
      if (v !== null) list.push(v);
      byProcess.set(processes[i]!, list);
    });
    return [...byProcess.values()].filter((g) => g.length > 0);
  };
  if (value.every((v) => isFiniteNumber(v))) {
    const dropCold = isFiniteNumber(stats.cold);
    const kept = (value as number[]).map((v, i) => (dropCold && isCold(i) ? null : v));
    return { values: kept.filter((v): v is number => v !== null), groups: grouped(kept), unit: 'repetition' };
  }
  if (value.every((v) => Array.isArray(v) && v.every((x) => isFiniteNumber(x)))) {
    const reps = value as number[][];
    const count = (list: number[][]) => list.reduce((sum, v) => sum + v.length, 0);
    const dropCold = indexed || (reps.length > 1 && count(reps) !== stats.n && count(reps.slice(1)) === stats.n);
    const medians = reps.map((v, i) => (v.length === 0 || (dropCold && isCold(i)) ? null : percentileSorted([...v].sort((a, b) => a - b), 0.5)));
    return { values: medians.filter((v): v is number => v !== null), groups: grouped(medians), unit: 'repetition median' };
  }
  return null;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** The per-item scores of `metrics.quality.<task>.<metric>` from the record's `quality` list, when recorded. */
function qualityItems(entry: unknown, path: string): { rows: number[]; scores: number[]; dataset: string; version: number } | null {
  const match = /^metrics\.quality\.([^.]+)\.([^.]+)$/.exec(path);
  if (!match) return null;
  const tasks = valueAt(entry, ['quality']);
  if (!Array.isArray(tasks)) return null;
  const task = tasks.find((t: { taskId?: unknown }) => t?.taskId === match[1]) as
    | { rowScores?: { rows?: unknown; scores?: Record<string, unknown> }; dataset?: { sha256?: unknown }; version?: unknown }
    | undefined;
  const rows = task?.rowScores?.rows;
  const scores = task?.rowScores?.scores?.[match[2]!];
  if (!Array.isArray(rows) || !Array.isArray(scores) || rows.length !== scores.length || !rows.every(isFiniteNumber) || !scores.every(isFiniteNumber)) return null;
  return { rows: rows as number[], scores: scores as number[], dataset: typeof task?.dataset?.sha256 === 'string' ? task.dataset.sha256 : '', version: isFiniteNumber(task?.version) ? task.version : 0 };
}

