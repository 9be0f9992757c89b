/** The rules a gate applies when none are given. */
import type { GateRule } from './GateRule.js';
import { parseGateRule } from './parseGateRule.js';

/**
 * Default rules, as written: decode and prefill rates may drop 5% before a warning and 10% before a
 * failure, time to first token may rise 10% / 20%, peak memory 5% / 10%, accuracy (every quality task's
 * `acc`) drop 0.01 / 0.02. Default rules whose metric no entry has are left out silently.
 */
export const DEFAULT_GATE_RULE_TEXTS: readonly string[] = [
  'decodeTps:-5%,-10%',
  'prefillTps:-5%,-10%',
  'ttftMs:+10%,+20%',
  'peakRssBytes:+5%,+10%',
  'acc:-0.01,-0.02',
];

/** The default rules, parsed. */
export function defaultGateRules(): GateRule[] {
  return DEFAULT_GATE_RULE_TEXTS.map((text) => parseGateRule(text));
}
