/**
 * Sizes a transformers.js folder's `config.json` states, read the same way by every adapter that loads
 * such folders.
 */
import type { JsonObject } from './readJsonIfPresent.js';

/** What config.json says about the model's sizes. */
export interface ConfigSizes {
  /** `vocab_size`, or null when absent or not a positive integer. */
  vocabSize: number | null;
  /** `max_position_embeddings`, else `n_positions`; 0 when neither is a positive integer. */
  contextLength: number;
}

/** @param config the parsed config.json, or null when the folder has none */
export function configSizes(config: JsonObject | null): ConfigSizes {
  return {
    vocabSize: positiveInteger(config?.['vocab_size']),
    contextLength: positiveInteger(config?.['max_position_embeddings']) ?? positiveInteger(config?.['n_positions']) ?? 0,
  };
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}
