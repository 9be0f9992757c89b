/**
 * What slmbench records about a model: identity (path, sha256, size), shape (parameters, architecture
 * numbers) and storage (quantization, tensor types). Written beside every result so that two runs can
 * tell whether they measured the same weights.
 */
import type { ModelFormat } from '../types.js';

/** One file belonging to a model. */
export interface ModelFileRecord {
  /** Path relative to the model folder (or to the model file's folder), `/`-separated. */
  path: string;
  /** Size in bytes. */
  sizeBytes: number;
  /** sha256 of the file contents, lower-case hex. */
  sha256: string;
}

/** Architecture numbers, where the model states them; null when it does not. */
export interface ModelDetails {
  /** Transformer blocks (GGUF `<arch>.block_count`, config `num_hidden_layers`). */
  layers: number | null;
  /** Width of the residual stream (GGUF `<arch>.embedding_length`, config `hidden_size`). */
  hiddenSize: number | null;
  /** Query heads (GGUF `<arch>.attention.head_count`, config `num_attention_heads`). */
  heads: number | null;
  /** Key/value heads (GGUF `<arch>.attention.head_count_kv`, config `num_key_value_heads`); equals `heads` without GQA. */
  kvHeads: number | null;
  /** Width of the feed-forward layer (GGUF `<arch>.feed_forward_length`, config `intermediate_size`). */
  ffnSize: number | null;
  /** RoPE base frequency (GGUF `<arch>.rope.freq_base`, config `rope_theta`); null when not stated (llama.cpp then assumes 10000). */
  ropeTheta: number | null;
  /** Epsilon of the (RMS) normalization layers. */
  normEpsilon: number | null;
  /** Experts of a mixture-of-experts model; null for a dense model. */
  experts: number | null;
}

/** Structure of an ONNX graph, reported for `onnx` and `transformers-js` models. */
export interface OnnxGraphRecord {
  /** ModelProto.ir_version. */
  irVersion: number;
  /** ModelProto.producer_name and producer_version, e.g. `pytorch 2.5.1`. */
  producer: string;
  /** Opset version by domain; the default domain is `ai.onnx`. */
  opsets: Record<string, number>;
  /** Names of the graph inputs (initializers excluded). */
  inputs: string[];
  /** Names of the graph outputs. */
  outputs: string[];
  /** Nodes by operator, `domain:Op` for operators outside the default domain. */
  operators: Record<string, number>;
}

/** Everything {@link inspectModel} reports about a model. */
export interface ModelRecord {
  /** Absolute path of the model file or folder. */
  path: string;
  /** Detected format. */
  format: ModelFormat;
  /** Model name as the model states it (GGUF `general.name`, config `_name_or_path`), else the file or folder name. */
  name: string;
  /**
   * sha256 of the weights file that is loaded: the `.gguf` file (the first part of a split GGUF), the
   * `.onnx` file, or for a transformers.js folder the ONNX file of its default dtype.
   */
  sha256: string;
  /** Total bytes of the model's files (every file of a transformers.js folder; every part of a split GGUF). */
  sizeBytes: number;
  /**
   * Parameters: elements of the weight tensors, each distinct tensor counted once. A tied input/output
   * embedding stored twice (as in stories260K) counts once; element types that are not weights (integer
   * shape/index constants, quantization scales and zero points, rotary cos/sin caches) do not count;
   * quantized weights count their logical elements (a 4-bit MatMulNBits weight of K×N counts K·N).
   */
  params: number;
  /** Elements of every stored tensor, before the deductions that `params` makes. */
  paramsStored: number;
  /**
   * Quantization. GGUF: llama.cpp's file type name (`F32`, `F16`, `Q4_K_M`, …; from `general.file_type`,
   * else the most common tensor type by elements). ONNX: the type most weight elements have, in
   * transformers.js dtype names (`fp32`, `fp16`, `bf16`, `int8`, `uint8`, `q4`, `q4f16`, …).
   */
  quant: string;
  /** Architecture: GGUF `general.architecture` (e.g. `llama`); config `model_type`; null when unknown. */
  arch: string | null;
  /** First entry of config.json `architectures` (e.g. `LlamaForCausalLM`), when there is a config. */
  architectureClass?: string;
  /** Trained context length in tokens; null when the model does not state it. */
  contextLength: number | null;
  /** Vocabulary size (GGUF token list length, config `vocab_size`, else the last dimension of `logits`); null when unknown. */
  vocabSize: number | null;
  /** The model's files; for a single GGUF or ONNX file, that file (and its external data files). */
  files?: ModelFileRecord[];
  /** Tensors by element type (GGUF: ggml type such as `Q4_K`; ONNX: `float16`, `int64`, …) → count. */
  tensorTypes?: Record<string, number>;
  /** Architecture numbers. */
  details?: ModelDetails;
  /** ONNX graph structure, for ONNX-based formats. */
  onnx?: OnnxGraphRecord;
}
