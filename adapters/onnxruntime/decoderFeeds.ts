/**
 * Input tensors for one run of a decoder graph: exactly the inputs the graph declares, for one sequence or a
 * batch of sequences of one length.
 */
import * as ort from 'onnxruntime-node';
import type { DecoderGraph, IntType } from './describeDecoderGraph.js';

/** Input tensors by name. */
export type Feeds = Record<string, ort.Tensor>;

/**
 * Inputs that run `ids` at positions `pastLength …` attending to everything before them: `input_ids`,
 * `attention_mask` of ones over past + new tokens, `position_ids` counting on from `pastLength`, and the
 * KV-cache tensors in `past` (whose sequence length must be `pastLength`).
 */
export function decoderFeeds(graph: DecoderGraph, ids: readonly number[], pastLength: number, past: Feeds): Feeds {
  return batchDecoderFeeds(graph, [ids], pastLength, past);
}

/**
 * The same for a batch: one row of ids per sequence, every row of one length and at the same position
 * (`past` holds the batch's cache, batch dimension first), so no padding is needed.
 */
export function batchDecoderFeeds(graph: DecoderGraph, rows: readonly (readonly number[])[], pastLength: number, past: Feeds): Feeds {
  const length = rows[0]?.length ?? 0;
  if (rows.some((row) => row.length !== length)) throw new Error('batchDecoderFeeds: every row must have the same length');
  const batch = rows.length;
  const totalLength = pastLength + length;
  const feeds: Feeds = { ...past, input_ids: intTensor(graph.inputIdsType, batch, length, (b, i) => rows[b]![i]!) };
  if (graph.attentionMaskType) feeds['attention_mask'] = intTensor(graph.attentionMaskType, batch, totalLength, () => 1);
  if (graph.positionIdsType) feeds['position_ids'] = intTensor(graph.positionIdsType, batch, length, (_b, i) => pastLength + i);
  if (graph.useCacheBranch) feeds['use_cache_branch'] = new ort.Tensor('bool', [pastLength > 0], [1]);
  return feeds;
}

/** KV-cache inputs of sequence length 0 ([batch, kvHeads, 0, headDim]), for the first run over a sequence. */
export function emptyPast(graph: DecoderGraph, batch = 1): Feeds {
  const past: Feeds = {};
  for (const slot of graph.kv) {
    const dims = [batch, slot.kvHeads, 0, slot.headDim];
    past[slot.past] = slot.type === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
  }
  return past;
}

function intTensor(type: IntType, batch: number, length: number, value: (row: number, index: number) => number): ort.Tensor {
  if (type === 'int64') {
    const data = new BigInt64Array(batch * length);
    for (let b = 0; b < batch; b++) for (let i = 0; i < length; i++) data[b * length + i] = BigInt(value(b, i));
    return new ort.Tensor('int64', data, [batch, length]);
  }
  const data = new Int32Array(batch * length);
  for (let b = 0; b < batch; b++) for (let i = 0; i < length; i++) data[b * length + i] = value(b, i);
  return new ort.Tensor('int32', data, [batch, length]);
}
