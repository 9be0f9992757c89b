/**
 * The default fidelity reference of each entry: entries form a family when their models have the same
 * architecture, vocabulary size and context length and parameter counts within 5% (formats count
 * constants differently: stories260K is 260,032 parameters in GGUF and 260,040 in ONNX, the forged bigram
 * model 1,355,136 and 1,387,909, 2.4% apart); a family's
 * reference is the variant with the most bits per weight (F32 before F16 before Q8_0 before Q4_0: the ONNX
 * backends' `dtype` option where set, else the model's quantization, ggml types by their block size, else
 * its bytes per parameter), the plan's first among equals (its first backend that runs it). Composite and
 * served models have no family.
 */
import { ggmlBytesPerElement } from '../../adapters/formats/gguf/ggmlTypes.js';
import type { PlannedEntry } from '../matrix/PlannedEntry.js';

/** Bits per weight of the transformers.js / ONNX dtype names. */
const ONNX_BITS: Readonly<Record<string, number>> = { fp32: 32, float32: 32, fp16: 16, float16: 16, bf16: 16, q8: 8, int8: 8, uint8: 8, q4: 4, q4f16: 4, bnb4: 4 };

/** One family and its reference. */
export interface FidelityFamily {
  reference: PlannedEntry;
  members: PlannedEntry[];
}

/** Whether an entry's model can be measured for fidelity at all: a single local model whose shape is known. */
export function fidelityEligible(entry: PlannedEntry): boolean {
  const m = entry.model;
  return m.format !== 'composite' && m.format !== 'remote' && m.vocabSize !== null && m.params !== null && m.sizeBytes !== null;
}

export function chooseFidelityReferences(entries: readonly PlannedEntry[]): FidelityFamily[] {
  const families: FidelityFamily[] = [];
  for (const entry of entries.filter(fidelityEligible)) {
    const family = families.find((f) => sameShape(f.members[0]!, entry));
    if (family) family.members.push(entry);
    else families.push({ reference: entry, members: [entry] });
  }
  for (const family of families) {
    // Most bytes per parameter; the plan's first among equals (its first backend).
    for (const entry of family.members) if (precision(entry) > precision(family.reference)) family.reference = entry;
  }
  return families;
}

function sameShape(a: PlannedEntry, b: PlannedEntry): boolean {
  const x = a.model;
  const y = b.model;
  return x.arch === y.arch && x.vocabSize === y.vocabSize && x.contextLength === y.contextLength && Math.abs(x.params! - y.params!) <= 0.05 * Math.max(x.params!, y.params!);
}

/** Bits per weight of the entry's weights as it runs them (a planned entry, or a recorded one). */
export function weightBits(entry: { model: Pick<PlannedEntry['model'], 'quant' | 'sizeBytes' | 'params'>; backend: { options: Record<string, unknown> } }): number {
  const dtype = entry.backend.options.dtype;
  if (typeof dtype === 'string' && ONNX_BITS[dtype.toLowerCase()] !== undefined) return ONNX_BITS[dtype.toLowerCase()]!;
  const quant = entry.model.quant;
  if (quant) {
    const ggml = ggmlBytesPerElement(quant);
    if (ggml !== undefined) return ggml * 8;
    const onnx = ONNX_BITS[quant.toLowerCase()];
    if (onnx !== undefined) return onnx;
  }
  return (entry.model.sizeBytes! / entry.model.params!) * 8;
}

function precision(entry: PlannedEntry): number {
  return weightBits(entry);
}
