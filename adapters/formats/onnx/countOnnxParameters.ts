/**
 * Parameter count, element types and quantization of an ONNX model, from its initializers and the nodes
 * that use them. The rules, applied to the initializers of the main graph:
 *
 * - Integer (except 8/4/2-bit), boolean and string initializers are shape, axis and index constants, not
 *   weights: they appear in `tensorTypes` and `paramsStored`, not in `params`.
 * - Initializers used only as quantization metadata (scales and zero points of DequantizeLinear,
 *   MatMulInteger, MatMulNBits, …) and rotary cos/sin caches of the com.microsoft attention operators are
 *   buffers, not parameters.
 * - Quantized weights count their logical elements: a 4-bit MatMulNBits weight with attributes K and N
 *   counts K·N (its packed uint8 initializer holds K·N/2 bytes); 8-, 4- and 2-bit integer initializers
 *   of a QDQ model already have their logical shape.
 * - A tied output head stored as a second copy of the token embedding (the initializer read by a Gather),
 *   possibly transposed for MatMul, counts once. The copies are compared on 64 sampled elements plus the
 *   first and last, exactly (byte for byte); a false match between trained or random weights is not a
 *   practical concern.
 *
 * Small float constants (an epsilon, a RoPE `inv_freq`) cannot be told from weights by type and are
 * counted: stories260K's hand-built graph has 8 such elements, so its ONNX counts 260,040 where its GGUF
 * counts 260,032.
 */
import { open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { onnxDataTypes } from './onnxDataTypes.js';
import type { OnnxModelSummary, OnnxTensorHeader } from './readOnnxModel.js';
import { seededUniform } from '../../../harness/stats/seededUniform.js';

/** Result of {@link countOnnxParameters}. */
export interface OnnxParameterCount {
  /** Parameters by the rules above. */
  params: number;
  /** Elements of all initializers as stored (packed 4-bit weights count their stored elements). */
  paramsStored: number;
  /** Initializers by element type name → count. */
  tensorTypes: Record<string, number>;
  /** Dominant weight storage in transformers.js dtype names (`fp32`, `fp16`, `q4`, `q4f16`, `uint8`, …). */
  quant: string;
}

/** Inputs (by position) of operators that are quantization metadata or caches, not parameters. */
const NON_PARAMETER_INPUTS: ReadonlyMap<string, readonly number[]> = new Map([
  ['DequantizeLinear', [1, 2]],
  ['QuantizeLinear', [1, 2]],
  ['MatMulInteger', [2, 3]],
  ['ConvInteger', [2, 3]],
  ['QLinearMatMul', [1, 2, 4, 5, 6, 7]],
  ['QLinearConv', [1, 2, 4, 5, 6, 7]],
  ['com.microsoft:MatMulNBits', [2, 3, 4]],
  ['com.microsoft:MatMulBnb4', [2]],
  ['com.microsoft:GatherBlockQuantized', [2, 3]],
  ['com.microsoft:DynamicQuantizeMatMul', [2, 3]],
  ['com.microsoft:MatMulIntegerToFloat', [2, 3, 4, 5]],
  ['com.microsoft:DequantizeLinear', [1, 2]],
  ['com.microsoft:QuantizeLinear', [1, 2]],
  ['com.microsoft:RotaryEmbedding', [2, 3]],
  ['com.microsoft:GroupQueryAttention', [7, 8]],
]);

/** Storage names of weight element types, transformers.js style. */
const WEIGHT_KIND: Readonly<Record<string, string>> = {
  float32: 'fp32',
  float16: 'fp16',
  bfloat16: 'bf16',
  float64: 'fp64',
  float8e4m3fn: 'fp8',
  float8e4m3fnuz: 'fp8',
  float8e5m2: 'fp8',
  float8e5m2fnuz: 'fp8',
  float4e2m1: 'fp4',
  int8: 'int8',
  uint8: 'uint8',
  int4: 'q4',
  uint4: 'q4',
  int2: 'q2',
  uint2: 'q2',
};

const SAMPLES = 64;

/**
 * Counts the parameters of the ONNX model read from `modelPath` (its external data files are resolved
 * beside it). Reads at most a few hundred sampled elements, for the tied-embedding check.
 */
export async function countOnnxParameters(summary: OnnxModelSummary, modelPath: string): Promise<OnnxParameterCount> {
  const byName = new Map(summary.initializers.map((t) => [t.name, t]));
  /** Uses of each initializer: operator key and input position. */
  const uses = new Map<string, { op: string; index: number; node: number }[]>();
  for (const [nodeIndex, node] of summary.nodes.entries()) {
    const op = node.domain === '' || node.domain === 'ai.onnx' ? node.opType : `${node.domain}:${node.opType}`;
    node.inputs.forEach((input, index) => {
      if (!byName.has(input)) return;
      const list = uses.get(input) ?? [];
      list.push({ op, index, node: nodeIndex });
      uses.set(input, list);
    });
  }

  const tensorTypes: Record<string, number> = {};
  const elementsByKind = new Map<string, number>();
  let paramsStored = 0;
  let params = 0;
  const floatKinds = new Map<string, number>();
  for (const tensor of summary.initializers) {
    tensorTypes[tensor.typeName] = (tensorTypes[tensor.typeName] ?? 0) + 1;
    paramsStored += tensor.elements;
    const kind = WEIGHT_KIND[tensor.typeName];
    if (kind === undefined) continue;
    const tensorUses = uses.get(tensor.name) ?? [];
    if (tensorUses.length > 0 && tensorUses.every((u) => NON_PARAMETER_INPUTS.get(u.op)?.includes(u.index))) continue;

    let logical = tensor.elements;
    let logicalKind = kind;
    for (const use of tensorUses) {
      const attributes = summary.nodes[use.node]!.intAttributes;
      if ((use.op === 'com.microsoft:MatMulNBits' || use.op === 'com.microsoft:MatMulBnb4') && use.index === 1) {
        if (attributes.K !== undefined && attributes.N !== undefined) logical = attributes.K * attributes.N;
        logicalKind = use.op === 'com.microsoft:MatMulBnb4' ? 'bnb4' : `q${attributes.bits ?? 4}`;
      } else if (use.op === 'com.microsoft:GatherBlockQuantized' && use.index === 0) {
        const bits = attributes.bits ?? 4;
        const storedBits = onnxDataTypes.get(tensor.dataType)?.bits ?? 8;
        logical = (tensor.elements * storedBits) / bits;
        logicalKind = `q${bits}`;
      }
    }
    params += logical;
    elementsByKind.set(logicalKind, (elementsByKind.get(logicalKind) ?? 0) + logical);
    if (onnxDataTypes.get(tensor.dataType)?.float) floatKinds.set(kind, (floatKinds.get(kind) ?? 0) + logical);
  }

  params -= await tiedCopyElements(summary, uses, byName, modelPath);

  const dominant = [...elementsByKind.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'unknown';
  const dominantFloat = [...floatKinds.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const quant = dominant === 'q4' && dominantFloat === 'fp16' ? 'q4f16' : dominant;
  return { params, paramsStored, tensorTypes, quant };
}

/**
 * Elements of a second stored copy of the token embedding (a 2-D initializer read by Gather), or 0 when
 * there is none.
 */
async function tiedCopyElements(
  summary: OnnxModelSummary,
  uses: ReadonlyMap<string, { op: string; index: number }[]>,
  byName: ReadonlyMap<string, OnnxTensorHeader>,
  modelPath: string,
): Promise<number> {
  const embeddings = summary.initializers.filter(
    (t) => !t.sparse && t.dims.length === 2 && (uses.get(t.name) ?? []).some((u) => u.op === 'Gather' && u.index === 0),
  );
  for (const embedding of embeddings) {
    const [rows, cols] = embedding.dims as [number, number];
    for (const candidate of byName.values()) {
      if (candidate === embedding || candidate.sparse || candidate.dataType !== embedding.dataType || candidate.dims.length !== 2) continue;
      const same = candidate.dims[0] === rows && candidate.dims[1] === cols;
      const swapped = candidate.dims[0] === cols && candidate.dims[1] === rows;
      if (!same && !swapped) continue;
      if (await sampledEqual(embedding, candidate, swapped && !same, modelPath)) return candidate.elements;
    }
  }
  return 0;
}

/** Compares `a` ([rows, cols]) with `b` (same shape, or [cols, rows] when `transposed`) on sampled elements. */
async function sampledEqual(a: OnnxTensorHeader, b: OnnxTensorHeader, transposed: boolean, modelPath: string): Promise<boolean> {
  const bits = onnxDataTypes.get(a.dataType)?.bits;
  if (bits === undefined || bits === null || bits % 8 !== 0) return false;
  const elementBytes = bits / 8;
  const locationA = locate(a, modelPath);
  const locationB = locate(b, modelPath);
  if (locationA === null || locationB === null) return false;
  const [rows, cols] = a.dims as [number, number];
  const positions: [number, number][] = [
    [0, 0],
    [rows - 1, cols - 1],
  ];
  const uniform = seededUniform(0x2545f491);
  for (let i = 0; i < SAMPLES; i++) {
    const row = Math.floor(uniform() * rows);
    positions.push([row, Math.floor(uniform() * cols)]);
  }
  const handles = new Map<string, Awaited<ReturnType<typeof open>>>();
  try {
    const read = async (location: { file: string; offset: number }, index: number): Promise<Buffer> => {
      let handle = handles.get(location.file);
      if (!handle) {
        handle = await open(location.file, 'r');
        handles.set(location.file, handle);
      }
      const buffer = Buffer.alloc(elementBytes);
      await handle.read(buffer, 0, elementBytes, location.offset + index * elementBytes);
      return buffer;
    };
    for (const [row, col] of positions) {
      const valueA = await read(locationA, row * cols + col);
      const valueB = await read(locationB, transposed ? col * rows + row : row * cols + col);
      if (!valueA.equals(valueB)) return false;
    }
    return true;
  } catch {
    return false;
  } finally {
    for (const handle of handles.values()) await handle.close();
  }
}

/** File and byte offset of a tensor's packed values, or null when they are not stored densely. */
function locate(tensor: OnnxTensorHeader, modelPath: string): { file: string; offset: number } | null {
  const storage = tensor.storage;
  if (storage.kind === 'raw') return { file: modelPath, offset: storage.start };
  if (storage.kind === 'external') return { file: resolve(dirname(modelPath), storage.location), offset: storage.offset };
  // float_data (field 4) is packed little-endian float32: the same layout as raw_data.
  if (storage.kind === 'typed' && storage.field === 4 && tensor.dataType === 1) return { file: modelPath, offset: storage.start };
  return null;
}
