/**
 * Weight bytes a decoder reads to generate one token (BACKEND-NOTES pitfall 5: not the file size). A
 * decode step reads every weight in full, except lookup tables, of which it reads one row: the token
 * embedding (and a learned position embedding or token-type table where a model has one). When the
 * output projection reuses the token embedding (tied embeddings: no separate `output.weight`), the
 * whole matrix is read for the logits and counted once, the looked-up row being part of it.
 */
import { ggmlTensorBytes } from './gguf/ggmlTypes.js';

/** One GGUF tensor as a tensor list states it. */
export interface GgufTensorFacts {
  /** Tensor name, e.g. `blk.0.attn_q.weight`, `token_embd.weight`. */
  name: string;
  /** ggml type id (0 F32, 1 F16, 2 Q4_0, 8 Q8_0, 12 Q4_K, …). */
  type: number;
  /** GGUF dimensions, innermost first (`token_embd.weight` is [hidden, vocab]). */
  dims: ReadonlyArray<number | bigint>;
}

/** A group of parameters stored with one element size (for formats without a tensor list at hand). */
export interface ParamGroup {
  /** Group name, e.g. `layers`, `token embedding`. */
  name: string;
  /** Elements in the group. */
  params: number;
  /** Bytes per element (4 fp32, 2 fp16, 0.5 + scales for 4-bit: e.g. 18/32 for Q4_0). */
  bytesPerElement: number;
  /** Set for a lookup table (token embedding): the elements of one row (the hidden size); one row is read per token. Default: unset (the group is read in full). */
  rowParams?: number;
  /** Set on the token embedding when the output projection reuses it: the whole table is read per token. Default: false. */
  tiedOutput?: boolean;
}

/** Bytes read per generated token from the weights, with the parts that make it up. */
export interface DecodeWeightBytes {
  /** Bytes of the weights read in full (every tensor but the lookup tables; a tied embedding is read in full). */
  fullyReadBytes: number;
  /** Bytes of the lookup-table rows read (one row per table; 0 for a tied embedding). */
  lookupRowBytes: number;
  /** fullyReadBytes + lookupRowBytes. */
  bytesPerToken: number;
  /** Bytes of the token embedding table. */
  embeddingTableBytes: number;
  /** Whether the output projection reuses the token embedding. */
  tiedEmbeddings: boolean;
  /** Bytes of all weights (the file-size shortcut this replaces). */
  totalWeightBytes: number;
}

/** Lookup tables of llama.cpp's GGUF naming: one row of each is read per token. */
export const GGUF_LOOKUP_TABLES: readonly string[] = ['token_embd.weight', 'position_embd.weight', 'token_types.weight'];

/**
 * From a GGUF tensor list; tied when there is no `output.weight`. Throws a RangeError for a tensor whose
 * ggml type is unknown or whose row is not a whole number of blocks.
 */
export function decodeWeightBytesFromGguf(tensors: readonly GgufTensorFacts[]): DecodeWeightBytes {
  const tiedEmbeddings = tensors.some((t) => t.name === 'token_embd.weight') && !tensors.some((t) => t.name === 'output.weight');
  let fullyReadBytes = 0;
  let lookupRowBytes = 0;
  let embeddingTableBytes = 0;
  let totalWeightBytes = 0;
  for (const tensor of tensors) {
    const bytes = ggmlTensorBytes(tensor.type, tensor.dims);
    if (bytes === null) throw new RangeError(`tensor ${tensor.name}: unknown size for ggml type ${tensor.type} and dims [${tensor.dims.join(', ')}]`);
    totalWeightBytes += bytes;
    if (tensor.name === 'token_embd.weight') embeddingTableBytes = bytes;
    const lookup = GGUF_LOOKUP_TABLES.includes(tensor.name) && !(tiedEmbeddings && tensor.name === 'token_embd.weight');
    if (!lookup) {
      fullyReadBytes += bytes;
      continue;
    }
    const row = ggmlTensorBytes(tensor.type, tensor.dims.slice(0, 1));
    if (row === null) throw new RangeError(`tensor ${tensor.name}: a row of ggml type ${tensor.type} has no whole size`);
    lookupRowBytes += row;
  }
  return { fullyReadBytes, lookupRowBytes, bytesPerToken: fullyReadBytes + lookupRowBytes, embeddingTableBytes, tiedEmbeddings, totalWeightBytes };
}

/** From parameter groups: groups with `rowParams` are lookup tables unless `tiedOutput`. */
export function decodeWeightBytesFromGroups(groups: readonly ParamGroup[]): DecodeWeightBytes {
  let fullyReadBytes = 0;
  let lookupRowBytes = 0;
  let embeddingTableBytes = 0;
  let totalWeightBytes = 0;
  let tiedEmbeddings = false;
  for (const group of groups) {
    if (!(group.params >= 0) || !(group.bytesPerElement > 0)) {
      throw new RangeError(`group ${group.name}: params ${group.params} and bytesPerElement ${group.bytesPerElement} must be ≥ 0 and > 0`);
    }
    const bytes = group.params * group.bytesPerElement;
    totalWeightBytes += bytes;
    if (group.rowParams === undefined) {
      fullyReadBytes += bytes;
      continue;
    }
    embeddingTableBytes += bytes;
    if (group.tiedOutput) {
      tiedEmbeddings = true;
      fullyReadBytes += bytes;
    } else {
      lookupRowBytes += group.rowParams * group.bytesPerElement;
    }
  }
  return { fullyReadBytes, lookupRowBytes, bytesPerToken: fullyReadBytes + lookupRowBytes, embeddingTableBytes, tiedEmbeddings, totalWeightBytes };
}
