/** One cell of the sweep matrix: everything that defines a measured entry. */
export interface MatrixEntry {
  /** Stable id: a hash of model, backend with options, and workload (not of the measurement policy). */
  id: string;
  /** Position in the matrix, from 0. */
  index: number;
  /** Human-readable label, e.g. `stories260K-f32 · llama-cpp threads=1 · pp128+tg64`. */
  label: string;
  model: {
    /** Path as written in the config or on the command line. */
    spec: string;
    /** Absolute path. */
    path: string;
    /** Display name. */
    name: string;
  };
  backend: {
    id: string;
    /** Options with every default filled in. */
    options: Record<string, unknown>;
  };
  workload: Workload;
}

/** A single workload after expansion. */
export interface Workload {
  /** llama-bench-style name: `pp128+tg64`, or `prompt#<hash>+tg64` for explicit prompts. */
  name: string;
  /** Prompt length in tokens (BOS included) for synthetic prompts. */
  promptTokens?: number;
  /** Explicit prompt text. */
  prompt?: string;
  /** Tokens to generate. */
  genTokens: number;
  /** Tokens of real text in the KV cache before the prompt (not timed); absent for an empty cache. */
  depth?: number;
  /** Requests in flight together (a repetition is a round of them); absent for one. */
  concurrency?: number;
  /** How a round's requests arrive (absent: all at once); present only with `concurrency`. */
  arrival?: { rate: number };
  /** Micro-batching window (ms) of static batches; present only with `concurrency` when not the default 5. */
  batchWindowMs?: number;
}
