/**
 * What makes matched entries not comparable: a different device, or different versions of the packages
 * behind a backend. The gate refuses such pairs unless `--allow-mismatch` names the kind.
 */
import { describeDeviceDifference } from './describeDeviceDifference.js';
import type { EntryMatching } from './matchEntries.js';

/**
 * Kinds of difference that `--allow-mismatch` may accept:
 * - `device`: the entries ran on devices with different fingerprint ids (CPU, cores, memory, OS/arch, GPUs);
 * - `backend-version`: an entry's `backend.versions` (backend package, native library, runtime) differ.
 */
export const MISMATCH_KINDS = ['device', 'backend-version'] as const;

/** A kind of difference; see {@link MISMATCH_KINDS}. */
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

/** One difference found, with the entries it concerns. */
export interface Mismatch {
  kind: MismatchKind;
  /** What differs, e.g. `cpu brand "AMD EPYC" vs "Apple M2", logical cores 2 vs 8 (device 1377415932483a51 vs 9f…)`. */
  detail: string;
  /** Labels of the current entries concerned. */
  entries: string[];
}

/**
 * The differences between the matched pairs, one per distinct detail. `fingerprint` gives the device
 * fingerprint of an id on each side.
 */
export function findMismatches(
  pairs: EntryMatching['pairs'],
  fingerprint: (side: 'baseline' | 'current', id: string) => Record<string, unknown>,
): Mismatch[] {
  const found = new Map<string, Mismatch>();
  const add = (kind: MismatchKind, detail: string, label: string) => {
    const key = `${kind}\u0000${detail}`;
    const m = found.get(key) ?? { kind, detail, entries: [] };
    if (!m.entries.includes(label)) m.entries.push(label);
    found.set(key, m);
  };
  for (const { baseline, current } of pairs) {
    if (baseline.device !== current.device) {
      const fields = describeDeviceDifference(fingerprint('baseline', baseline.device), fingerprint('current', current.device));
      const named = fields.map((f) => `${f.field} ${f.baseline} vs ${f.current}`).join(', ');
      add('device', `${named ? `${named} ` : ''}(device ${baseline.device} vs ${current.device})`, current.entry.label);
    }
    const a = baseline.entry.backend.versions ?? {};
    const b = current.entry.backend.versions ?? {};
    // Entries that did not run (skipped, errored early) record no versions: nothing to compare.
    if (Object.keys(a).length === 0 || Object.keys(b).length === 0) continue;
    const differing = [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .sort()
      .filter((name) => a[name] !== b[name])
      .map((name) => `${name} ${a[name] ?? 'absent'} vs ${b[name] ?? 'absent'}`);
    if (differing.length) add('backend-version', `${current.entry.backend.id}: ${differing.join(', ')}`, current.entry.label);
  }
  return [...found.values()];
}
