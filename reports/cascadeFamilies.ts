/**
 * Cascade threshold sweeps: the ok cascade entries that differ only in their threshold (same stages,
 * signal, signal tokens and every other option, same workload, same device), grouped into families of at
 * least two thresholds and ordered by threshold, `-inf` (never escalate) first and `inf` (always escalate)
 * last. Reports draw each family as a curve.
 */
import type { ReportEntry } from './buildReportModel.js';
import { compositeFields, type CompositeFields } from './compositeFields.js';

/** One member of a family: the entry and its composite fields. */
export interface CascadeMember {
  entry: ReportEntry;
  fields: CompositeFields;
}

/** One threshold sweep. */
export interface CascadeFamily {
  /** `cascade-1`, `cascade-2`, … in order of first appearance in the report. */
  id: string;
  /** What is common to the members, e.g. `a → b · meanLogprob over 16 tokens` (workload and device added where they vary across the report). */
  label: string;
  /** Stage names joined with ` → `. */
  stagesText: string;
  signal: string | null;
  signalTokens: number | null;
  workload: string;
  /** Device name. */
  device: string;
  /** Members ordered by threshold (−inf first, inf last); ties keep report order. */
  members: CascadeMember[];
}

/** The report's cascade families with at least two distinct thresholds. */
export function cascadeFamilies(entries: readonly ReportEntry[]): CascadeFamily[] {
  const groups = new Map<string, CascadeMember[]>();
  for (const entry of entries) {
    if (entry.entry.status !== 'ok') continue;
    const fields = compositeFields(entry.entry);
    if (fields?.kind !== 'cascade' || fields.thresholdValue === null) continue;
    const key = familyKey(entry);
    const members = groups.get(key) ?? [];
    members.push({ entry, fields });
    groups.set(key, members);
  }
  const varies = (f: (e: ReportEntry) => string) => new Set(entries.map(f)).size > 1;
  const showWorkload = varies((e) => e.entry.workload.name);
  const showDevice = varies((e) => e.device.id);
  const families: CascadeFamily[] = [];
  for (const members of groups.values()) {
    if (new Set(members.map((m) => m.fields.thresholdValue)).size < 2) continue;
    const sorted = members
      .map((m, i) => ({ m, i }))
      .sort((a, b) => compareThresholds(a.m.fields.thresholdValue!, b.m.fields.thresholdValue!) || a.i - b.i)
      .map(({ m }) => m);
    const first = sorted[0]!;
    const signal = first.fields.signal === null ? null : `${first.fields.signal}${first.fields.signalTokens === null ? '' : ` over ${first.fields.signalTokens} tokens`}`;
    const parts = [first.fields.stagesText, ...(signal ? [signal] : []), ...(showWorkload ? [first.entry.entry.workload.name] : []), ...(showDevice ? [first.entry.device.short] : [])];
    families.push({
      id: `cascade-${families.length + 1}`,
      label: parts.join(' · '),
      stagesText: first.fields.stagesText,
      signal: first.fields.signal,
      signalTokens: first.fields.signalTokens,
      workload: first.entry.entry.workload.name,
      device: first.entry.device.name,
      members: sorted,
    });
  }
  return families;
}

/** Every option but the threshold and the display name, the workload and the device, as canonical JSON. */
function familyKey(e: ReportEntry): string {
  const { threshold: _threshold, name: _name, stages, ...rest } = e.entry.backend.options ?? {};
  // Stage models by spec, as entry ids do: where the files lie does not make another cascade.
  const stageKeys = Array.isArray(stages)
    ? stages.map((s: { model?: { spec?: unknown; name?: unknown }; backend?: unknown } | null) => ({ model: s?.model?.spec ?? s?.model?.name ?? null, backend: s?.backend ?? null }))
    : null;
  const { promptTokenCount: _count, ...workload } = e.entry.workload;
  return canonicalJson({ backend: e.entry.backend.id, options: { ...rest, stages: stageKeys }, workload, device: e.device.id });
}

function compareThresholds(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** JSON with object keys sorted, so equal values give equal text whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
