/**
 * The facts slmbench derives from a GGUF header, in one place: name, architecture and its numbers
 * (`<arch>.block_count`, `…attention.head_count_kv`, …), quantization, context length, vocabulary size,
 * the KV cache's shape and the weight bytes one decode step reads. Inspection and the decode roofline read
 * them here; a per-layer array (some architectures) counts with its largest entry.
 */
import type { KvShape } from '../DecodeFacts.js';
import { decodeWeightBytesFromGguf, type DecodeWeightBytes } from '../decodeWeightBytes.js';
import type { ModelDetails } from '../ModelRecord.js';
import { ggmlTypeName } from './ggmlTypes.js';
import { ggufFileTypeName } from './ggufFileTypeName.js';
import { ggufNumber, type GgufHeader } from './readGgufHeader.js';

/** What a GGUF header says about its model. */
export interface GgufModelFacts {
  /** `general.name`, or null when absent or empty. */
  name: string | null;
  /** `general.architecture`, e.g. `llama`; null when absent. */
  architecture: string | null;
  /** llama.cpp's file type name (`F32`, `Q4_K_M`; from `general.file_type`), else the type most matrix elements have. */
  quant: string;
  /** `<arch>.context_length`; null when absent. */
  contextLength: number | null;
  /** Length of `tokenizer.ggml.tokens`, else `<arch>.vocab_size`; null when neither. */
  vocabSize: number | null;
  /** Architecture numbers. */
  details: ModelDetails;
  /** The KV cache's shape (head width `<arch>.attention.key_length`, else embedding ÷ heads); null when the header does not give it. */
  kv: KvShape | null;
  /** Weight bytes a decode step reads; null without tensors or when a tensor's type has no known size. */
  decodeWeights: DecodeWeightBytes | null;
}

/** The facts of `header`; see the module comment. */
export function ggufModelFacts(header: GgufHeader): GgufModelFacts {
  const text = (key: string): string | null => {
    const value = header.values.get(key);
    return value?.type === 'string' && value.value !== '' ? value.value : null;
  };
  const architecture = text('general.architecture');
  const arch = (key: string): number | null => (architecture === null ? null : ggufNumber(header.values.get(`${architecture}.${key}`)));

  const fileType = ggufNumber(header.values.get('general.file_type'));
  let quant = fileType === null ? undefined : ggufFileTypeName(fileType);
  if (quant === undefined) {
    const elementsByType = new Map<string, number>();
    for (const tensor of header.tensors) {
      if (tensor.dims.length < 2) continue;
      const name = ggmlTypeName(tensor.typeCode);
      elementsByType.set(name, (elementsByType.get(name) ?? 0) + tensor.elements);
    }
    quant = [...elementsByType.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'unknown';
  }

  const tokens = header.values.get('tokenizer.ggml.tokens');
  const vocabSize = tokens?.type === 'array' && tokens.itemType === 'string' ? tokens.value.length : arch('vocab_size');
  const heads = arch('attention.head_count');
  const details: ModelDetails = {
    layers: arch('block_count'),
    hiddenSize: arch('embedding_length'),
    heads,
    kvHeads: arch('attention.head_count_kv') ?? heads,
    ffnSize: arch('feed_forward_length'),
    ropeTheta: arch('rope.freq_base'),
    normEpsilon: arch('attention.layer_norm_rms_epsilon') ?? arch('attention.layer_norm_epsilon'),
    experts: arch('expert_count'),
  };
  const headDim = arch('attention.key_length') ?? (details.hiddenSize !== null && heads ? details.hiddenSize / heads : null);
  const kv = [details.layers, details.kvHeads, headDim].every((n) => n !== null && Number.isFinite(n) && n > 0)
    ? { layers: details.layers!, kvHeads: details.kvHeads!, headDim: headDim! }
    : null;
  let decodeWeights: DecodeWeightBytes | null = null;
  if (header.tensors.length > 0) {
    try {
      decodeWeights = decodeWeightBytesFromGguf(header.tensors.map((t) => ({ name: t.name, type: t.typeCode, dims: t.dims })));
    } catch {
      decodeWeights = null; // a tensor type of unknown size
    }
  }
  return { name: text('general.name'), architecture, quant, contextLength: arch('context_length'), vocabSize, details, kv, decodeWeights };
}
