/**
 * The tensors of a forged Llama model, in the order they are generated and written, with their GGUF and
 * ONNX names, shapes and initialisation. Every matrix is N(0, 1/cols) (cols = the row length, the input
 * width of the projection; for the embedding the hidden size), so every projection keeps activations at
 * about unit RMS: attention scores are N(0, 1) (context and position matter, RoPE mistakes show) and
 * logits have about unit spread (no degenerate, near-tied outputs). RMSNorm weights are 1.
 */
import type { ForgeDimensions } from './forgePresets.js';

/** One tensor of the model. */
export interface ForgeTensor {
  /** GGUF tensor name (llama.cpp `llama` architecture). */
  ggufName: string;
  /** ONNX initializer name (Hugging Face Llama naming; `.T` marks a transposed MatMul weight). */
  onnxName: string;
  /** PyTorch-order shape: `[rows, cols]` (rows = output features) for matrices, `[n]` for norms. */
  shape: readonly [number, number] | readonly [number];
  /** `matrix` (random), `norm` (ones). */
  kind: 'matrix' | 'norm';
  /** Standard deviation of a matrix's values (0 for norms). */
  std: number;
  /** Stored transposed (`[cols, rows]`) in the ONNX file, as MatMul's right-hand input. */
  onnxTransposed: boolean;
}

/** The model's tensors in writing order. */
export function planLlamaTensors(dims: ForgeDimensions): ForgeTensor[] {
  const headDim = dims.hiddenSize / dims.numHeads;
  const qWidth = dims.numHeads * headDim;
  const kvWidth = dims.numKvHeads * headDim;
  const tensors: ForgeTensor[] = [];
  const matrix = (ggufName: string, onnxName: string, rows: number, cols: number, onnxTransposed: boolean): void => {
    tensors.push({ ggufName, onnxName, shape: [rows, cols], kind: 'matrix', std: 1 / Math.sqrt(cols), onnxTransposed });
  };
  const norm = (ggufName: string, onnxName: string): void => {
    tensors.push({ ggufName, onnxName, shape: [dims.hiddenSize], kind: 'norm', std: 0, onnxTransposed: false });
  };
  matrix('token_embd.weight', 'model.embed_tokens.weight', dims.vocabSize, dims.hiddenSize, false);
  for (let i = 0; i < dims.numLayers; i++) {
    const hf = `model.layers.${i}`;
    norm(`blk.${i}.attn_norm.weight`, `${hf}.input_layernorm.weight`);
    matrix(`blk.${i}.attn_q.weight`, `${hf}.self_attn.q_proj.weight.T`, qWidth, dims.hiddenSize, true);
    matrix(`blk.${i}.attn_k.weight`, `${hf}.self_attn.k_proj.weight.T`, kvWidth, dims.hiddenSize, true);
    matrix(`blk.${i}.attn_v.weight`, `${hf}.self_attn.v_proj.weight.T`, kvWidth, dims.hiddenSize, true);
    matrix(`blk.${i}.attn_output.weight`, `${hf}.self_attn.o_proj.weight.T`, dims.hiddenSize, qWidth, true);
    norm(`blk.${i}.ffn_norm.weight`, `${hf}.post_attention_layernorm.weight`);
    matrix(`blk.${i}.ffn_gate.weight`, `${hf}.mlp.gate_proj.weight.T`, dims.intermediateSize, dims.hiddenSize, true);
    matrix(`blk.${i}.ffn_up.weight`, `${hf}.mlp.up_proj.weight.T`, dims.intermediateSize, dims.hiddenSize, true);
    matrix(`blk.${i}.ffn_down.weight`, `${hf}.mlp.down_proj.weight.T`, dims.hiddenSize, dims.intermediateSize, true);
  }
  norm('output_norm.weight', 'model.norm.weight');
  if (!dims.tiedEmbeddings) {
    // Kept [vocab, hidden] in ONNX too: the LM head is a Gemm with transB, like the tied case.
    matrix('output.weight', 'lm_head.weight', dims.vocabSize, dims.hiddenSize, false);
  }
  return tensors;
}

/** Number of parameters (tied embeddings counted once). */
export function countForgeParameters(dims: ForgeDimensions): number {
  return planLlamaTensors(dims).reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
}
