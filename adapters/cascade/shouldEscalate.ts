/**
 * The cascade's rule: escalate to the next stage when the stage's confidence is below the threshold.
 */
import type { CascadeThreshold } from './cascadeThreshold.js';

/**
 * @param confidence the stage's signal (higher = more confident); may be NaN (no token decoded) or -Infinity
 * @param threshold `-inf` never escalates and `inf` always does, whatever the confidence; a finite
 *   threshold escalates unless `confidence >= threshold` (so a NaN confidence escalates)
 */
export function shouldEscalate(confidence: number, threshold: CascadeThreshold): boolean {
  if (threshold === '-inf') return false;
  if (threshold === 'inf') return true;
  return !(confidence >= threshold);
}
