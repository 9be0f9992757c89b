/**
 * Progress of a sweep on stderr: a bar with ETA when stderr is a terminal, one line per finished entry
 * otherwise (CI logs).
 */
import cliProgress from 'cli-progress';
/** What the progress shows of an entry. */
type ProgressEntry = { id: string; label: string };
import type { PhaseMessage } from '../../harness/runner/messages.js';
import type { EntryRecord } from '../../harness/result/EntryRecord.js';
import { formatStat } from './formatStat.js';

export class SweepProgress {
  private readonly bar: cliProgress.SingleBar | null;
  private readonly total: number;
  private finished: number;
  private running = false;

  constructor(entries: readonly ProgressEntry[], alreadyDone: readonly string[]) {
    this.total = entries.length;
    const ids = new Set(entries.map((e) => e.id));
    this.finished = alreadyDone.filter((id) => ids.has(id)).length;
    if (this.finished > 0) process.stderr.write(`resuming: ${this.finished} of ${this.total} entries already finished\n`);
    this.bar = process.stderr.isTTY
      ? new cliProgress.SingleBar(
          {
            format: '{bar} {value}/{total} entries | ETA {eta_formatted} | {label} {phase}',
            stream: process.stderr,
            hideCursor: true,
            etaBuffer: 4,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  }

  start(entry: ProgressEntry): void {
    if (this.bar && !this.running) {
      this.bar.start(this.total, this.finished, { label: entry.label, phase: '' });
      this.running = true;
    }
    this.bar?.update(this.finished, { label: entry.label, phase: 'starting' });
  }

  /** A worker process started for the entry (its pid is printed in logs, for profilers and tests). */
  spawned(entry: ProgressEntry, pid: number | undefined): void {
    if (!this.bar) process.stderr.write(`[${this.finished + 1}/${this.total}] start ${entry.label} (worker pid ${pid ?? '?'})\n`);
  }

  phase(entry: ProgressEntry, phase: PhaseMessage): void {
    const text = phase.phase === 'measuring' ? `measuring (${phase.repetitions ?? 0})` : phase.phase;
    this.bar?.update(this.finished, { label: entry.label, phase: text });
  }

  end(record: EntryRecord): void {
    this.finished++;
    if (this.bar) {
      this.bar.update(this.finished, { label: record.label, phase: record.status });
      return;
    }
    const detail =
      record.status === 'ok'
        ? `decode ${formatStat(record.metrics?.decodeTps, 1)} tok/s, TTFT ${formatStat(record.metrics?.ttftMs)} ms`
        : `${record.error?.code}: ${record.error?.message}`;
    process.stderr.write(`[${this.finished}/${this.total}] ${record.status} ${record.label}: ${detail}\n`);
  }

  stop(): void {
    if (this.bar && this.running) this.bar.stop();
    this.running = false;
  }
}
