/**
 * What the reports show of fidelity (`metrics.fidelity`): the entries grouped by the reference they were
 * compared with (one reference file each), the sweep's own entry of that reference where it has one (same
 * model sha256 and backend, the same options first), and per entry its accuracy against that entry's,
 * tested pair by pair on the items both scored (`compareMetric`: exact McNemar, paired bootstrap). An entry
 * with the reference's bits per weight on another backend is a cross-engine parity row: the same weights,
 * where any KL above float32 rounding is a defect worth seeing.
 */
import { compareMetric, type MetricComparison } from '../harness/compare/compareMetric.js';
import { readMetric } from '../harness/compare/readMetric.js';
import { weightBits } from '../harness/fidelity/chooseFidelityReferences.js';
import type { EntryFidelity } from '../harness/fidelity/measureFidelity.js';
import type { OkEntryRecord } from '../harness/result/EntryRecord.js';
import { canonicalJson } from '../harness/util/stableHash.js';
import type { ReportEntry } from './buildReportModel.js';

/** Mean KL (nats) above which a same-weights, other-engine entry is flagged. */
export const PARITY_KL_LIMIT = 1e-4;

/** One entry's fidelity row. */
export interface FidelityRow {
  entry: ReportEntry;
  fidelity: EntryFidelity;
  /** Same bits per weight as the reference on another backend (cross-engine parity). */
  parity: boolean;
  /** Its quality metrics against the reference entry's (two-sided, paired where both recorded per-item scores). */
  quality: { path: string; comparison: MetricComparison }[];
}

/** The entries compared with one reference. */
export interface FidelityFamily {
  /** The reference's label and file sha256. */
  reference: EntryFidelity['reference'];
  /** The sweep's entry of the reference, when it ran in the report's results. */
  referenceEntry: ReportEntry | null;
  rows: FidelityRow[];
  /** The quality metrics (paths) some row is compared on, in first-seen order: the tables' delta columns. */
  qualityPaths: string[];
}

export function fidelityFamilies(entries: readonly ReportEntry[]): FidelityFamily[] {
  const families = new Map<string, FidelityFamily>();
  for (const e of entries) {
    const fidelity = e.entry.status === 'ok' ? e.entry.metrics.fidelity : undefined;
    if (!fidelity) continue;
    let family = families.get(fidelity.reference.sha256);
    if (!family) {
      family = { reference: fidelity.reference, referenceEntry: referenceEntry(entries, fidelity.reference), rows: [], qualityPaths: [] };
      families.set(fidelity.reference.sha256, family);
    }
    family.rows.push({ entry: e, fidelity, parity: false, quality: [] });
  }
  for (const family of families.values()) {
    const ref = family.referenceEntry;
    const refBits = ref ? bits(ref) : null;
    for (const row of family.rows) {
      row.parity = ref !== null && row.entry.entry.backend.id !== ref.entry.backend.id && refBits !== null && bits(row.entry) === refBits;
      if (ref && row.entry !== ref) row.quality = qualityAgainst(ref.entry as OkEntryRecord, row.entry.entry as OkEntryRecord);
    }
    family.qualityPaths = [...new Set(family.rows.flatMap((r) => r.quality.map((q) => q.path)))];
  }
  return [...families.values()];
}

/** The report's entry the reference was made from: same model and backend, the same options first. */
function referenceEntry(entries: readonly ReportEntry[], reference: EntryFidelity['reference']): ReportEntry | null {
  if (!reference.backend) return null;
  const candidates = entries.filter((e) => e.entry.status === 'ok' && e.entry.backend.id === reference.backend && (e.entry.model.sha256 ?? null) === (reference.modelSha256 ?? null));
  const options = reference.options ? canonicalJson(reference.options) : null;
  return candidates.find((e) => canonicalJson(e.entry.backend.options ?? {}) === options) ?? candidates[0] ?? null;
}

function bits(e: ReportEntry): number | null {
  const m = e.entry.model;
  if (m.params == null || m.sizeBytes == null) return null;
  return weightBits({ model: { quant: m.quant ?? null, sizeBytes: m.sizeBytes, params: m.params }, backend: { options: e.entry.backend.options ?? {} } });
}

/** Each quality metric the two entries share, current against the reference. */
function qualityAgainst(reference: OkEntryRecord, entry: OkEntryRecord): FidelityRow['quality'] {
  const out: FidelityRow['quality'] = [];
  for (const [task, metrics] of Object.entries(entry.metrics.quality ?? {})) {
    for (const [metric, value] of Object.entries(metrics)) {
      const path = `metrics.quality.${task}.${metric}`;
      const a = readMetric(reference, path);
      const b = readMetric(entry, path);
      if (!a || !b) continue;
      out.push({ path, comparison: compareMetric(a, b, { direction: value.higherIsBetter === false ? 'lower' : 'higher' }) });
    }
  }
  return out;
}
