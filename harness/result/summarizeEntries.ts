import type { EntryRecord } from './EntryRecord.js';
import type { RunResult } from './RunResult.js';

/** The `summary` of a result: how many entries, and how many of each status. */
export function summarizeEntries(entries: readonly Pick<EntryRecord, 'status'>[]): RunResult['summary'] {
  return {
    entries: entries.length,
    ok: entries.filter((e) => e.status === 'ok').length,
    errored: entries.filter((e) => e.status === 'errored').length,
    skipped: entries.filter((e) => e.status === 'skipped').length,
  };
}
