/** Pairs the entries of a baseline with those of a current result by {@link entryMatchKey}. */
import { EXIT_USAGE, SlmbenchError } from '../errors.js';
import type { DeviceEntryRecord } from '../result/AnyRunResult.js';
import { DEFAULT_MATCH, entryMatchKey, type MatchField } from './entryMatchKey.js';

/** An entry with its key and where it came from. */
export interface KeyedEntry {
  key: string;
  entry: DeviceEntryRecord;
  /** Fingerprint id of the device it ran on. */
  device: string;
}

/** Matched pairs and the entries left over, each list in its side's order. */
export interface EntryMatching {
  pairs: { key: string; baseline: KeyedEntry; current: KeyedEntry }[];
  /** Entries of the baseline with no match in the current result. */
  baselineOnly: KeyedEntry[];
  /** Entries of the current result with no match in the baseline. */
  currentOnly: KeyedEntry[];
}

/**
 * Matches `baseline` with `current` on the fields of `match` (default: all). A key may appear once per
 * side: a side holding one entry twice (two devices of a merged result, one model file listed under two
 * names, or two settings that `match` leaves out) is refused with a SlmbenchError `NOT_COMPARABLE`
 * naming `sideNames`, since the pairing would be ambiguous.
 */
export function matchEntries(
  baseline: readonly Omit<KeyedEntry, 'key'>[],
  current: readonly Omit<KeyedEntry, 'key'>[],
  sideNames: [string, string] = ['baseline', 'current'],
  match: readonly MatchField[] = DEFAULT_MATCH,
): EntryMatching {
  const base = index(baseline, sideNames[0], match);
  const cur = index(current, sideNames[1], match);
  const pairs: EntryMatching['pairs'] = [];
  const baselineOnly: KeyedEntry[] = [];
  for (const b of base.values()) {
    const c = cur.get(b.key);
    if (c) pairs.push({ key: b.key, baseline: b, current: c });
    else baselineOnly.push(b);
  }
  const currentOnly = [...cur.values()].filter((c) => !base.has(c.key));
  return { pairs, baselineOnly, currentOnly };
}

function index(entries: readonly Omit<KeyedEntry, 'key'>[], side: string, match: readonly MatchField[]): Map<string, KeyedEntry> {
  const out = new Map<string, KeyedEntry>();
  const partial = match.length !== DEFAULT_MATCH.length || DEFAULT_MATCH.some((f) => !match.includes(f));
  for (const item of entries) {
    const key = entryMatchKey(item.entry, match);
    const previous = out.get(key);
    if (previous) {
      const where = previous.device === item.device ? '' : ` (devices ${previous.device} and ${item.device}; compare devices with compare --by device)`;
      throw new SlmbenchError(
        'NOT_COMPARABLE',
        partial
          ? `${side}: entries "${previous.entry.label}" and "${item.entry.label}" are the same on --match ${match.join(',')}${where}; a side must hold each entry once: match on more fields (e.g. options.NAME)`
          : `${side}: entries "${previous.entry.label}" and "${item.entry.label}" measured the same model, backend options and workload${where}; a side must hold each entry once`,
        EXIT_USAGE,
      );
    }
    out.set(key, { ...item, key });
  }
  return out;
}
