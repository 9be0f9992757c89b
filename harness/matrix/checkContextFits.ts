/**
 * Refuses, before anything runs, an entry whose workload cannot fit its model's trained context: depth +
 * prompt + generated tokens beyond the context the model's file states. One config error names the
 * workload, the numbers that add up and the model. Explicit prompts are counted at run time (their length
 * in tokens is known only to the model's tokenizer), and models whose context is unknown pass.
 */
import { ConfigError } from '../errors.js';
import type { PlannedEntry } from './PlannedEntry.js';

/** Throws a ConfigError for the first entry of `entries` whose workload does not fit its model's context. */
export function checkContextFits(entries: readonly Pick<PlannedEntry, 'label' | 'model' | 'workload'>[]): void {
  for (const entry of entries) {
    const { workload, model } = entry;
    const context = model.contextLength;
    if (workload.promptTokens === undefined || !context) continue;
    const depth = workload.depth ?? 0;
    const needed = depth + workload.promptTokens + workload.genTokens;
    if (needed <= context) continue;
    const parts = [...(depth ? [`depth ${depth}`] : []), `prompt ${workload.promptTokens}`, `generated ${workload.genTokens}`];
    throw new ConfigError(
      `sweep.workloads: ${workload.name} needs ${needed} tokens of context (${parts.join(' + ')}); ${model.name} was trained for ${context}`,
    );
  }
}
