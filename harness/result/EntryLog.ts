/**
 * `entries.jsonl`: one entry record per line, appended (and flushed to disk) as each entry ends, so a
 * sweep whose runner dies loses nothing already measured.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { EntryRecord } from './EntryRecord.js';

/** The journal's file name inside a sweep's output folder. */
export const ENTRIES_FILE = 'entries.jsonl';

export class EntryLog {
  constructor(readonly path: string) {}

  /** Appends one record and syncs it to disk. */
  append(record: EntryRecord): void {
    const fd = openSync(this.path, 'a');
    try {
      writeSync(fd, `${JSON.stringify(record)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Reads every complete record. A last line cut short by a crash is ignored; when the same id appears
   * twice, the first record wins (a resumed sweep never repeats an entry).
   */
  read(): EntryRecord[] {
    if (!existsSync(this.path)) return [];
    const records: EntryRecord[] = [];
    const seen = new Set<string>();
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let record: EntryRecord;
      try {
        record = JSON.parse(line) as EntryRecord;
      } catch {
        continue; // a torn write
      }
      if (seen.has(record.id)) continue;
      seen.add(record.id);
      records.push(record);
    }
    return records;
  }
}
