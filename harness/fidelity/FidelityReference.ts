/**
 * A fidelity reference file: a reference entry's next-token distributions over the windows of a fixed
 * text, teacher-forced, stored per position as its top-k tokens with their log-probabilities plus the
 * remainder's mass (llama.cpp's `--kl-divergence-base` idea, kept small), and its greedy ids for the
 * workloads of the entries compared with it. Written once (`writeFidelityReference`), gzip-compressed JSON,
 * and named by its content's sha256, so entries in other workers, later sweeps and other devices compare
 * with the same file and say which.
 */

/** The `format` of a reference file. */
export const FIDELITY_FORMAT = 'slmbench-fidelity-reference';

/** The reference's distribution at one position: what the compared entries are measured against. */
export interface ReferencePosition {
  /** The k most likely token ids, most likely first (ties: the lower id first). */
  ids: number[];
  /** ln p of each of `ids` (float32 values, as the backend computed them). */
  logprobs: number[];
  /** Σ p over every token not in `ids` (computed in float64 from the whole distribution); 0 when nothing is left. */
  rest: number;
  /** ln p of the text's actual next token. */
  target: number;
}

/** One window of the text: its tokens and the reference's distribution before each of them. */
export interface ReferenceWindow {
  /** Tokens fed before the first predicted one (the BOS, where the model has one; else the window's first token). */
  prefix: number[];
  /** The predicted tokens, teacher-forced: position i's distribution is the one before `tokens[i]`. */
  tokens: number[];
  positions: ReferencePosition[];
}

/** The reference's greedy ids for one workload (fixed length, end-of-sequence ignored). */
export interface ReferenceGreedy {
  workload: string;
  promptTokenIds: number[];
  tokenIds: number[];
}

/** The whole file. */
export interface FidelityReference {
  format: typeof FIDELITY_FORMAT;
  version: 1;
  /** Which entry made it: model and backend as the run resolved them, with the backend's package versions. */
  reference: {
    model: { spec: string; name: string; format: string; sha256: string | null; quant: string | null };
    backend: { id: string; options: Record<string, unknown>; versions: Record<string, string> };
    label: string;
  };
  text: { file: string; sha256: string; windowTokens: number; windows: number };
  topK: number;
  /** The reference's vocabulary, token by token (entries with another are refused, naming the first difference). */
  vocabulary: string[];
  windows: ReferenceWindow[];
  greedy: ReferenceGreedy[];
  createdAt: string;
}
