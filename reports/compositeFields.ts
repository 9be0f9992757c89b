/**
 * What the reports show of a composite entry (a `cascade` or `ensemble` backend): its kind, its stages,
 * the cascade's threshold and confidence signal, its escalation rate and the share answered on the device. Read from the record's
 * `composite` section where there is one (ok entries), else from the backend id and options (an entry
 * that failed before measuring).
 */
import type { EntryRecord } from '../harness/result/EntryRecord.js';

/** The two composite backends. */
export type CompositeKind = 'cascade' | 'ensemble';

/** A composite entry's fields for reports. */
export interface CompositeFields {
  kind: CompositeKind;
  /** Stage model names, in stage order. */
  stages: string[];
  /** The stage names joined: `a → b` for a cascade, `a + b` for an ensemble. */
  stagesText: string;
  /** Cascade threshold as configured (`-inf`, `-1.5`, `inf`); null for an ensemble or when absent. */
  threshold: string | null;
  /** The threshold as a number (`-inf` → −Infinity, `inf` → Infinity), for ordering; null when none. */
  thresholdValue: number | null;
  /** Cascade confidence signal (`meanLogprob`, `minProb`, `entropy`); null for an ensemble. */
  signal: string | null;
  /** Cascade: tokens the signal is computed over; null when not recorded. */
  signalTokens: number | null;
  /** Ensemble: how distributions are combined, as configured; null when not recorded. */
  combine: string | null;
  /** Ensemble: stage weights, as configured; null when not recorded. */
  weights: number[] | null;
  /** Cascade: `metrics.escalationRate` (share of requests answered by a later stage); null otherwise. */
  escalationRate: number | null;
  /**
   * What stayed on the device, over the same requests as the escalation rate (the accuracy tasks' when tasks
   * ran, else the measured loop's): the share of requests a local stage answered, and the share of their
   * prompt tokens (null where not recorded). Null for a record without it (failed, or written before it was recorded).
   */
  localShare: { requests: number; promptTokens: number | null } | null;
}

const KINDS: readonly CompositeKind[] = ['cascade', 'ensemble'];

/** The entry's composite fields; null for a single model. */
export function compositeFields(entry: EntryRecord): CompositeFields | null {
  const kind = entry.composite?.kind ?? (KINDS.includes(entry.backend.id as CompositeKind) ? (entry.backend.id as CompositeKind) : null);
  if (!kind) return null;
  const options = entry.backend.options ?? {};
  const stages = stageNames(entry);
  const threshold = thresholdText(options.threshold);
  return {
    kind,
    stages,
    stagesText: stages.join(kind === 'cascade' ? ' → ' : ' + '),
    threshold,
    thresholdValue: threshold === null ? null : threshold === '-inf' ? -Infinity : threshold === 'inf' ? Infinity : Number(threshold),
    signal: kind === 'cascade' && typeof options.signal === 'string' ? options.signal : null,
    signalTokens: kind === 'cascade' && typeof options.signalTokens === 'number' ? options.signalTokens : null,
    combine: kind === 'ensemble' && typeof options.combine === 'string' ? options.combine : null,
    weights: kind === 'ensemble' && Array.isArray(options.weights) && options.weights.every((w) => typeof w === 'number') ? (options.weights as number[]) : null,
    escalationRate: kind === 'cascade' && typeof entry.metrics?.escalationRate === 'number' ? entry.metrics.escalationRate : null,
    localShare: entry.composite ? ((entry.composite.tasks ?? entry.composite.measured).local ?? null) : null,
  };
}

/** Stage names: the record's composite section, else the model's stages, else the resolved options. */
function stageNames(entry: EntryRecord): string[] {
  if (entry.composite?.stages.length) return entry.composite.stages.map((s) => s.name);
  if (entry.model.stages?.length) return entry.model.stages.map((s) => s.name);
  const stages = entry.backend.options?.stages;
  if (!Array.isArray(stages)) return [];
  return stages.map((s: { model?: { name?: unknown } } | null, i) => (typeof s?.model?.name === 'string' ? s.model.name : `stage ${i}`));
}

/** `-inf`, `inf` or the number as written; null when the threshold is absent or not understood. */
function thresholdText(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? 'inf' : '-inf';
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  if (['-inf', '-.inf', '-infinity'].includes(v)) return '-inf';
  if (['inf', '+inf', '.inf', '+.inf', 'infinity', '+infinity'].includes(v)) return 'inf';
  return v !== '' && Number.isFinite(Number(v)) ? v : null;
}
