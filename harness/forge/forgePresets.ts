/**
 * Named model shapes for the forge. Each is a Llama-architecture decoder (RMSNorm, RoPE, grouped-query
 * attention, SwiGLU MLP); the forge fills it with seeded random weights.
 */

/** The dimensions of a forged model. */
export interface ForgeDimensions {
  /** Vocabulary size: 354 byte/character tokens, the rest unused filler tokens. At least 354. */
  vocabSize: number;
  /** Embedding width (`hidden_size`, `llama.embedding_length`). */
  hiddenSize: number;
  /** SwiGLU inner width (`intermediate_size`, `llama.feed_forward_length`). */
  intermediateSize: number;
  /** Decoder blocks. */
  numLayers: number;
  /** Query heads; `hiddenSize / numHeads` is the head dimension (even). */
  numHeads: number;
  /** Key/value heads (grouped-query attention); divides `numHeads`. */
  numKvHeads: number;
  /** Trained context length in tokens (`max_position_embeddings`, `llama.context_length`). */
  contextLength: number;
  /** Output projection shares the token-embedding matrix (no `output.weight` / `lm_head.weight`). */
  tiedEmbeddings: boolean;
  /** RoPE base frequency. */
  ropeTheta: number;
  /** RMSNorm epsilon. */
  rmsNormEps: number;
}

/** Names of the built-in shapes. */
export type ForgePresetName = 'tiny' | 'bigram' | 'stories15M' | 'smollm2-135M';

/**
 * The built-in shapes:
 * - `tiny`: about 145K parameters, for tests (intermediate 192 rather than stories260K's 172 so that every
 *   matrix row fills whole 32-value Q8_0/Q4_0 blocks).
 * - `bigram`: the shape for `--fit` (an exact bigram model of a text): the base vocabulary of 354 byte and
 *   character tokens (no fillers), hidden size 384 ≥ vocabulary (one-hot embeddings), untied; about 1M
 *   parameters.
 * - `stories15M`: the shape of karpathy's TinyStories 15M (llama2.c), 32000-token vocabulary, tied.
 * - `smollm2-135M`: the shape of HuggingFaceTB/SmolLM2-135M (GQA 9/3, 49152-token vocabulary, tied).
 */
export const FORGE_PRESETS: Readonly<Record<ForgePresetName, Readonly<ForgeDimensions>>> = {
  tiny: {
    vocabSize: 360,
    hiddenSize: 64,
    intermediateSize: 192,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    contextLength: 512,
    tiedEmbeddings: false,
    ropeTheta: 10000,
    rmsNormEps: 1e-5,
  },
  bigram: {
    vocabSize: 354,
    hiddenSize: 384,
    intermediateSize: 128,
    numLayers: 2,
    numHeads: 6,
    numKvHeads: 2,
    contextLength: 512,
    tiedEmbeddings: false,
    ropeTheta: 10000,
    rmsNormEps: 1e-5,
  },
  stories15M: {
    vocabSize: 32000,
    hiddenSize: 288,
    intermediateSize: 768,
    numLayers: 6,
    numHeads: 6,
    numKvHeads: 6,
    contextLength: 256,
    tiedEmbeddings: true,
    ropeTheta: 10000,
    rmsNormEps: 1e-5,
  },
  'smollm2-135M': {
    vocabSize: 49152,
    hiddenSize: 576,
    intermediateSize: 1536,
    numLayers: 30,
    numHeads: 9,
    numKvHeads: 3,
    contextLength: 2048,
    tiedEmbeddings: true,
    ropeTheta: 100000,
    rmsNormEps: 1e-5,
  },
};
