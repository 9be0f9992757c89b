/**
 * The ONNX decoder graph of a forged Llama model (opset 17, standard operators only), with a KV cache in
 * the transformers.js layout:
 * - inputs `input_ids` int64 [batch, seq], `attention_mask` int64 [batch, total], `position_ids` int64
 *   [batch, seq], `past_key_values.{i}.key|value` float32 [batch, kvHeads, past, headDim];
 * - outputs `logits` float32 [batch, seq, vocab], `present.{i}.key|value` [batch, kvHeads, total, headDim].
 * Symbolic dimensions are named `batch_size`, `sequence_length`, `past_sequence_length` and
 * `total_sequence_length`; transformers.js sizes the empty first cache from them (batch from the input,
 * every other symbol 0).
 *
 * RoPE is the interleaved variant (pairs `(x[2i], x[2i+1])`, GGML's "normal" rope that llama.cpp uses for
 * the `llama` architecture), so the GGUF files carry the same Q/K weights unpermuted. The cos/sin tables
 * are initializers (see {@link buildRopeTables}) gathered by `position_ids`. The attention mask combines
 * causality with `attention_mask` (left padding works). RMSNorm is written as Pow → ReduceMean → Add →
 * Sqrt → Reciprocal → Mul, the pattern ONNX Runtime fuses into SimplifiedLayerNormalization.
 *
 * The weight type (see {@link planOnnxWeights}) changes only how weights are stored and multiplied:
 * `fp32` uses MatMul/Gather/Gemm; `q8` and `q4` use `com.microsoft` MatMulNBits (bits 8 or 4, block 32,
 * default zero point, float32 activations: `accuracy_level` left unset, so ONNX Runtime's CPU provider
 * computes in float32 without quantizing activations) and GatherBlockQuantized over the GGUF Q8_0/Q4_0
 * blocks (MatMul/Gemm for a matrix stored float32 because its rows are not whole blocks). Inputs, outputs
 * and everything else are the same.
 */
import type { ForgeDimensions } from './forgePresets.js';
import { buildRopeTables } from './buildRopeTables.js';
import { ONNX_BOOL, ONNX_FLOAT, ONNX_INT64, OnnxGraphBuilder } from './OnnxGraphBuilder.js';
import type { ForgeTensor } from './planLlamaTensors.js';
import { ONNX_BLOCK_TYPES, planOnnxWeights, TOKEN_EMBEDDING, type OnnxTensorPlan, type OnnxWeightType } from './planOnnxWeights.js';

/** float32's lowest finite value: the additive mask of a position that may not be attended to. */
const MASKED = -3.4028234663852886e38;

/** The graph and how its weights are stored. */
export interface LlamaDecoderGraph {
  graph: OnnxGraphBuilder;
  /** Per tensor (in the order of `tensors`), its initializers; weights are declared in this order. */
  plan: OnnxTensorPlan[];
}

/** Builds the graph; weights are declared in the order of `tensors`, each tensor's initializers in plan order. */
export function buildLlamaDecoderGraph(dims: ForgeDimensions, tensors: readonly ForgeTensor[], weightType: OnnxWeightType = 'fp32'): LlamaDecoderGraph {
  const g = new OnnxGraphBuilder('slmbench-forge-llama');
  const H = dims.numHeads;
  const KV = dims.numKvHeads;
  const D = dims.hiddenSize / H;
  const plan = planOnnxWeights(tensors, weightType, dims.tiedEmbeddings);
  const plans = new Map<string, { plan: OnnxTensorPlan; names: Map<string, string> }>();
  for (const p of plan) {
    const names = new Map<string, string>();
    for (const init of p.initializers) names.set(init.role, g.weight(init.name, init.dims, init.dataType));
    plans.set(p.tensor.ggufName, { plan: p, names });
  }
  const lookup = (ggufName: string): { plan: OnnxTensorPlan; role: (role: string) => string } => {
    const entry = plans.get(ggufName);
    if (!entry) throw new Error(`no tensor ${ggufName}`);
    return {
      plan: entry.plan,
      role: (role) => {
        const name = entry.names.get(role);
        if (!name) throw new Error(`internal: ${ggufName} has no ${role} initializer`);
        return name;
      },
    };
  };
  const w = (ggufName: string): string => lookup(ggufName).role('float');

  // Inputs and outputs.
  g.input('input_ids', ONNX_INT64, ['batch_size', 'sequence_length']);
  g.input('attention_mask', ONNX_INT64, ['batch_size', 'total_sequence_length']);
  g.input('position_ids', ONNX_INT64, ['batch_size', 'sequence_length']);
  for (let i = 0; i < dims.numLayers; i++) {
    for (const kind of ['key', 'value']) {
      g.input(`past_key_values.${i}.${kind}`, ONNX_FLOAT, ['batch_size', KV, 'past_sequence_length', D]);
    }
  }
  g.output('logits', ONNX_FLOAT, ['batch_size', 'sequence_length', dims.vocabSize]);
  for (let i = 0; i < dims.numLayers; i++) {
    for (const kind of ['key', 'value']) {
      g.output(`present.${i}.${kind}`, ONNX_FLOAT, ['batch_size', KV, 'total_sequence_length', D]);
    }
  }

  // Constants.
  const axis0 = g.int64s('const.axes_0', [1], [0]);
  const axis1 = g.int64s('const.axes_1', [1], [1]);
  const axes12 = g.int64s('const.axes_1_2', [2], [1, 2]);
  const axes14 = g.int64s('const.axes_1_4', [2], [1, 4]);
  const index1 = g.int64s('const.index_1', [], [1]);
  const zeroI = g.int64s('const.zero', [], [0]);
  const oneI = g.int64s('const.one', [], [1]);
  const two = g.floats('const.two', [], [2]);
  const eps = g.floats('const.rms_norm_eps', [], [dims.rmsNormEps]);
  const scale = g.floats('const.attention_scale', [], [1 / Math.sqrt(D)]);
  const zeroF = g.floats('const.mask_open', [], [0]);
  const maskedF = g.floats('const.mask_closed', [], [MASKED]);
  const shapeQ = g.int64s('const.shape_heads_q', [4], [0, 0, H, D]);
  const shapeKv = g.int64s('const.shape_heads_kv', [4], [0, 0, KV, D]);
  const shapePairs = g.int64s('const.shape_pairs', [5], [0, 0, 0, D / 2, 2]);
  const shapeUnpair = g.int64s('const.shape_unpair', [4], [0, 0, 0, D]);
  const shapeGroupQ = g.int64s('const.shape_group_q', [4], [0, KV, -1, D]);
  const shapeUngroup = g.int64s('const.shape_ungroup', [4], [0, H, -1, 0]);
  const shapeGroupScores = g.int64s('const.shape_group_scores', [4], [0, KV, -1, 0]);
  const shapeMerge = g.int64s('const.shape_merge_heads', [3], [0, 0, H * D]);
  const rope = buildRopeTables(dims.contextLength, D, dims.ropeTheta);
  const cosTable = g.floats('rope.cos', [dims.contextLength, D / 2], rope.cos);
  const sinTable = g.floats('rope.sin', [dims.contextLength, D / 2], rope.sin);

  // RoPE cos/sin for these positions: [batch, 1, seq, D/2, 1].
  const cos = g.op('Unsqueeze', [g.op('Gather', [cosTable, 'position_ids'], { axis: 0 }), axes14]);
  const sin = g.op('Unsqueeze', [g.op('Gather', [sinTable, 'position_ids'], { axis: 0 }), axes14]);

  // Additive attention mask [batch, 1, seq, total]: key j is visible to query i (absolute position
  // past + i) when j <= past + i and attention_mask[b, j] = 1.
  const total = g.op('Gather', [g.op('Shape', ['attention_mask']), index1], { axis: 0 });
  const idsShape = g.op('Shape', ['input_ids']);
  const seq = g.op('Gather', [idsShape, index1], { axis: 0 });
  const past = g.op('Sub', [total, seq]);
  const keyPositions = g.op('Unsqueeze', [g.op('Range', [zeroI, total, oneI]), axis0]);
  const queryPositions = g.op('Unsqueeze', [g.op('Range', [past, total, oneI]), axis1]);
  const causal = g.op('LessOrEqual', [keyPositions, queryPositions]);
  const padding = g.op('Unsqueeze', [g.op('Cast', ['attention_mask'], { to: ONNX_BOOL }), axes12]);
  const visible = g.op('And', [causal, padding]);
  const mask = g.op('Where', [visible, zeroF, maskedF]);

  const rmsNorm = (x: string, weight: string): string => {
    const meanSquare = g.op('ReduceMean', [g.op('Pow', [x, two])], { axes: [-1], keepdims: 1 });
    const inverse = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [meanSquare, eps])])]);
    return g.op('Mul', [g.op('Mul', [x, inverse]), weight]);
  };
  /** [batch, heads, seq, D] → same, rotated pairwise. */
  const applyRope = (x: string): string => {
    const [x0, x1] = g.node('Split', [g.op('Reshape', [x, shapePairs])], { axis: 4 }, 2) as [string, string];
    const r0 = g.op('Sub', [g.op('Mul', [x0, cos]), g.op('Mul', [x1, sin])]);
    const r1 = g.op('Add', [g.op('Mul', [x0, sin]), g.op('Mul', [x1, cos])]);
    return g.op('Reshape', [g.op('Concat', [r0, r1], { axis: 4 }), shapeUnpair]);
  };
  /** [batch, seq, heads·D] → [batch, heads, seq, D]. */
  const splitHeads = (x: string, shape: string): string => g.op('Transpose', [g.op('Reshape', [x, shape])], { perm: [0, 2, 1, 3] });

  /**
   * `x` [..., in] times the projection `ggufName` ([out, in] in GGUF order) → [..., out]; `output` names
   * the result (default: a generated name).
   */
  const linear = (x: string, ggufName: string, output?: string): string => {
    const { plan: p, role: name } = lookup(ggufName);
    switch (p.layout) {
      case 'float':
      case 'float-f16':
        return g.op('MatMul', [x, name('float')], {}, output);
      case 'q8':
      case 'q4': {
        const [rows, cols] = p.tensor.shape;
        const { bits, blockValues } = ONNX_BLOCK_TYPES[p.layout];
        return g.msOp('MatMulNBits', [x, name('block-codes'), name('block-scales')], { K: cols!, N: rows, bits, block_size: blockValues }, output);
      }
    }
  };
  const embed = (): string => {
    const { plan: p, role: name } = lookup(TOKEN_EMBEDDING);
    switch (p.layout) {
      case 'float':
      case 'float-f16':
        return g.op('Gather', [name('float'), 'input_ids'], { axis: 0 });
      case 'q8':
      case 'q4': {
        const { bits, blockValues } = ONNX_BLOCK_TYPES[p.layout];
        const blocks = g.msOp('GatherBlockQuantized', [name('block-codes'), 'input_ids', name('block-table-scales')], {
          gather_axis: 0,
          quantize_axis: 2,
          block_size: blockValues,
          bits,
        });
        return g.op('Reshape', [blocks, g.int64s('const.shape_embedding', [3], [0, 0, dims.hiddenSize])]);
      }
    }
  };

  let hidden = embed();
  for (let i = 0; i < dims.numLayers; i++) {
    const x = rmsNorm(hidden, w(`blk.${i}.attn_norm.weight`));
    const q = applyRope(splitHeads(linear(x, `blk.${i}.attn_q.weight`), shapeQ));
    const k = applyRope(splitHeads(linear(x, `blk.${i}.attn_k.weight`), shapeKv));
    const v = splitHeads(linear(x, `blk.${i}.attn_v.weight`), shapeKv);
    const keys = g.op('Concat', [`past_key_values.${i}.key`, k], { axis: 2 }, `present.${i}.key`);
    const values = g.op('Concat', [`past_key_values.${i}.value`, v], { axis: 2 }, `present.${i}.value`);
    // Grouped-query attention: query heads h·G … h·G+G−1 share key/value head h; grouping them along the
    // sequence axis turns the product into one batched MatMul per KV head.
    const qGrouped = g.op('Reshape', [q, shapeGroupQ]);
    const scores = g.op('Reshape', [g.op('MatMul', [qGrouped, g.op('Transpose', [keys], { perm: [0, 1, 3, 2] })]), shapeUngroup]);
    const probs = g.op('Softmax', [g.op('Add', [g.op('Mul', [scores, scale]), mask])], { axis: -1 });
    const context = g.op('Reshape', [g.op('MatMul', [g.op('Reshape', [probs, shapeGroupScores]), values]), shapeUngroup]);
    const merged = g.op('Reshape', [g.op('Transpose', [context], { perm: [0, 2, 1, 3] }), shapeMerge]);
    hidden = g.op('Add', [hidden, linear(merged, `blk.${i}.attn_output.weight`)]);

    const y = rmsNorm(hidden, w(`blk.${i}.ffn_norm.weight`));
    const gate = linear(y, `blk.${i}.ffn_gate.weight`);
    const up = linear(y, `blk.${i}.ffn_up.weight`);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    hidden = g.op('Add', [hidden, linear(act, `blk.${i}.ffn_down.weight`)]);
  }
  const final = rmsNorm(hidden, w('output_norm.weight'));
  const headName = dims.tiedEmbeddings ? TOKEN_EMBEDDING : 'output.weight';
  const head = lookup(headName);
  if (head.plan.layout === 'float' || head.plan.layout === 'float-f16') {
    // The [vocab, hidden] matrix as it is, through Gemm's transB (no transposed copy of a tied embedding).
    const shapeRows = g.int64s('const.shape_rows', [2], [-1, dims.hiddenSize]);
    const vocab = g.int64s('const.vocab', [1], [dims.vocabSize]);
    const rows = g.op('Gemm', [g.op('Reshape', [final, shapeRows]), head.role('float')], { transB: 1 });
    const logitsShape = g.op('Concat', [idsShape, vocab], { axis: 0 });
    g.op('Reshape', [rows, logitsShape], {}, 'logits');
  } else {
    linear(final, headName, 'logits');
  }
  return { graph: g, plan };
}
