/** Parses the name of the test on raw samples (`--test`, a rules file's `test:`). */
import type { SampleTest } from './compareMetric.js';

/**
 * `processes`, the only test; the names of the tests before it (`mann-whitney`, `bootstrap`, which
 * pooled the repetitions of every process) are refused with why. Returns null with a message for the
 * caller's error class (usage or config), naming `where`.
 */
export function parseSampleTest(value: unknown, where: string): { test: SampleTest } | { problem: string } {
  if (value === 'processes') return { test: 'processes' };
  if (value === 'mann-whitney' || value === 'bootstrap') {
    return {
      problem: `${where} ${value}: no longer offered: it pooled the repetitions of every process as if they were independent, and called most pairs of identical runs different; the gate and compare now test processes (test: processes, the default)`,
    };
  }
  return { problem: `${where} ${String(value)}: expected processes` };
}
