/**
 * A run's progress on the console, for the commands that run sweeps (`run`, `gate --config`): forging and
 * probe notes, the plan (its entries and the pairs left out), then a progress bar on a terminal or one line
 * per finished entry in CI logs, all on stderr.
 */
import { describeUnpaired } from '../../reports/console/describeUnpaired.js';
import { SweepProgress } from '../../reports/console/SweepProgress.js';
import type { RunEvents } from '../runner/runPlan.js';

/** The events to hand to `runPlan`, and `stop()` to end the progress display. */
export function consoleRunEvents(err: NodeJS.WritableStream = process.stderr): { events: RunEvents; stop(): void } {
  let progress: SweepProgress | null = null;
  const events: RunEvents = {
    onForge: (spec, folder) => err.write(`slmbench: forging ${spec} into ${folder} (once; reused after)\n`),
    onNote: (message) => err.write(`slmbench: ${message}\n`),
    onPlan: (plan, outDir, done) => {
      const n = plan.entries.length;
      err.write(`slmbench: ${n} ${n === 1 ? 'entry' : 'entries'} → ${outDir}\n`);
      for (const entry of plan.entries) err.write(`  ${String(entry.index + 1).padStart(3)}. ${entry.label}  [${entry.id}]\n`);
      if (plan.unpaired.length) err.write(`slmbench: ${describeUnpaired(plan.unpaired)}\n`);
      progress = new SweepProgress(plan.entries, done.map((r) => r.id));
    },
    onEntryStart: (entry) => progress?.start(entry),
    onPhase: (entry, phase) => progress?.phase(entry, phase),
    onProcesses: (entry, pids) => progress?.spawned(entry, pids[0]),
    onEntryEnd: (record) => progress?.end(record),
  };
  return { events, stop: () => progress?.stop() };
}
