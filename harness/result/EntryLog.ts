/**
 * `entries.jsonl`: one entry record per line, appended (and flushed to disk) as each entry ends, so a
 * sweep whose runner dies loses nothing already measured. A runner killed while appending leaves a last
 * line cut short: {@link EntryLog.recover} (run by the runner that takes the folder over, before it appends)
 * sets that line aside into `entries.jsonl.torn` and cuts the journal back to its last whole line, and every
 * append starts on a fresh line, so a torn record is never glued to the next one. An append that fails (a
 * full disk) cuts the journal back to where it was: no half record is left behind.
 */
import { appendFileSync, closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { OutputError } from '../errors.js';
import { describeFsError } from '../util/makeDir.js';
import type { EntryRecord } from './EntryRecord.js';

/** The journal's file name inside a sweep's output folder. */
export const ENTRIES_FILE = 'entries.jsonl';

/** Suffix of the file a torn last line is set aside into. */
export const TORN_SUFFIX = '.torn';

const NEWLINE = 0x0a;

export class EntryLog {
  constructor(readonly path: string) {}

  /** Appends one record (on a line of its own) and syncs it to disk; on failure the journal is left as it was. */
  append(record: EntryRecord): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'a+');
    } catch (error) {
      throw new OutputError(`${this.path}: cannot record entry ${record.id} (${describeFsError(error)})`);
    }
    try {
      const size = fstatSync(fd).size;
      const fresh = size === 0 || lastByte(fd, size) === NEWLINE;
      const bytes = Buffer.from(`${fresh ? '' : '\n'}${JSON.stringify(record)}\n`, 'utf8');
      try {
        for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
        fsyncSync(fd);
      } catch (error) {
        try {
          ftruncateSync(fd, size);
          fsyncSync(fd);
        } catch {
          // the journal keeps a torn last line, which the next runner sets aside
        }
        throw new OutputError(
          `${this.path}: cannot record entry ${record.id} (${describeFsError(error)}); the entries before it are kept: free the space and continue with --resume`,
        );
      }
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Makes the journal safe to append to: a last line cut short (no newline, not a whole record) is moved to
   * `<journal>.torn` and cut off; a whole last record without its newline gets one. Returns a note for
   * each thing it found (also for lines in the middle that are not records, which stay and are ignored),
   * and the records the journal then holds, as {@link read} returns them (the file is parsed once).
   */
  recover(): { notes: string[]; records: EntryRecord[] } {
    if (!existsSync(this.path)) return { notes: [], records: [] };
    const bytes = readFileSync(this.path);
    const notes: string[] = [];
    const lines = bytes.toString('utf8').split('\n');
    const parsed = lines.map(parseRecord);
    parsed.forEach((record, index) => {
      if (record === null && index < lines.length - 1 && lines[index]!.trim()) notes.push(`${this.path}: line ${index + 1} is not an entry record; ignored`);
    });
    const records = latestById(parsed);
    if (bytes.length === 0 || bytes[bytes.length - 1] === NEWLINE) return { notes, records };
    const cut = bytes.lastIndexOf(NEWLINE) + 1;
    const tail = bytes.subarray(cut);
    if (parsed[parsed.length - 1] !== null) {
      appendFileSync(this.path, '\n');
      return { notes, records };
    }
    const torn = `${this.path}${TORN_SUFFIX}`;
    try {
      appendFileSync(torn, Buffer.concat([tail, Buffer.from('\n')]));
      const fd = openSync(this.path, 'r+');
      try {
        ftruncateSync(fd, cut);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      throw new OutputError(`${this.path}: cannot set its torn last line aside (${describeFsError(error)})`);
    }
    notes.push(
      `${this.path}: its last line was cut short (${tail.length} bytes: a runner stopped while writing it); ` +
        `set aside in ${torn}, and that entry runs again`,
    );
    return { notes, records };
  }

  /**
   * Reads every whole record; lines that are not records (a torn last line) are skipped. When the same id
   * appears more than once (an entry run again with `--retry-errored`), the last record wins.
   */
  read(): EntryRecord[] {
    if (!existsSync(this.path)) return [];
    return latestById(readFileSync(this.path, 'utf8').split('\n').map(parseRecord));
  }
}

/** The last record of each id, in the order the ids first appear. */
function latestById(records: readonly (EntryRecord | null)[]): EntryRecord[] {
  const byId = new Map<string, EntryRecord>();
  for (const record of records) if (record) byId.set(record.id, record); // a later record replaces the earlier in its place
  return [...byId.values()];
}

/** The record on a line, or null when the line is blank or not a whole record. */
function parseRecord(line: string): EntryRecord | null {
  if (!line.trim()) return null;
  try {
    const value = JSON.parse(line) as EntryRecord | null;
    return value !== null && typeof value === 'object' && typeof value.id === 'string' && typeof value.status === 'string' ? value : null;
  } catch {
    return null;
  }
}

function lastByte(fd: number, size: number): number | undefined {
  const one = Buffer.alloc(1);
  readSync(fd, one, 0, 1, size - 1);
  return one[0];
}
