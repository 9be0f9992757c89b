/**
 * Input tensors for one run of a decoder graph: exactly the inputs the graph declares, for batch 1.
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
  const totalLength = pastLength + ids.length;
  const feeds: Feeds = { ...past, input_ids: intTensor(graph.inputIdsType, ids.length, (i) => ids[i]!) };
  if (graph.attentionMaskType) feeds['attention_mask'] = intTensor(graph.attentionMaskType, totalLength, () => 1);
  if (graph.positionIdsType) feeds['position_ids'] = intTensor(graph.positionIdsType, ids.length, (i) => pastLength + i);
  if (graph.useCacheBranch) feeds['use_cache_branch'] = new ort.Tensor('bool', [pastLength > 0], [1]);
  return feeds;
}

/** KV-cache inputs of sequence length 0 ([1, kvHeads, 0, headDim]), for the first run over a sequence. */
export function emptyPast(graph: DecoderGraph): Feeds {
  const past: Feeds = {};
  for (const slot of graph.kv) {
    const dims = [1, slot.kvHeads, 0, slot.headDim];
    past[slot.past] = slot.type === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
  }
  return past;
}

function intTensor(type: IntType, length: number, value: (index: number) => number): ort.Tensor {
  if (type === 'int64') {
    const data = new BigInt64Array(length);
    for (let i = 0; i < length; i++) data[i] = BigInt(value(i));
    return new ort.Tensor('int64', data, [1, length]);
  }
  const data = new Int32Array(length);
  for (let i = 0; i < length; i++) data[i] = value(i);
  return new ort.Tensor('int32', data, [1, length]);
}
