/**
 * A model of the sweep as the run knows it: resolved to local files (`forge:` and `hf:` specs made or
 * fetched), its format detected and its file inspected, once, before the first entry runs. Every entry
 * carries its model's record; the worker loads `{ path, format }` as it is, and the result records it.
 */
import type { ModelFormat } from '../../adapters/types.js';

/** What is known of a model file or folder. */
export interface PreparedModel {
  /** The model as written in the config or on the command line. */
  spec: string;
  /** Absolute path of the file or folder (for a format read through a scheme, `remote:NAME`, the spec). */
  path: string;
  /** Display name. */
  name: string;
  /**
   * The format's id (`gguf`, `onnx`, `transformers-js`, `remote`, or a backend's own), or `composite` for
   * the model of a cascade or ensemble, whose stages are in `stages`.
   */
  format: ModelFormat | 'composite';
  /** sha256 of the weights file (hex); null where nothing local is inspected (a served model). */
  sha256: string | null;
  /** Bytes on disk (all files of a folder); null where nothing local is inspected. */
  sizeBytes: number | null;
  /** Parameter count. */
  params: number | null;
  /** Quantization / element type, e.g. `F32`, `Q4_0`, `fp16`. */
  quant: string | null;
  /** Architecture, e.g. `llama`. */
  arch: string | null;
  /** Trained context length (tokens). */
  contextLength: number | null;
  /** Vocabulary size. */
  vocabSize: number | null;
  /**
   * A composite's (`cascade`, `ensemble`) stage models in stage order; absent for a single model. The
   * composite's own `sizeBytes` and `params` are the stages' sums (null when a stage is not inspected),
   * `contextLength` the smallest.
   */
  stages?: PreparedModel[];
}

/** A model as the config names it, before it is prepared: the spec, its absolute path (or the spec with a scheme), its display name. */
export interface ModelRef {
  spec: string;
  path: string;
  name: string;
}
