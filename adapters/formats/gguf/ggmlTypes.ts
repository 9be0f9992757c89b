/**
 * The ggml tensor types: `enum ggml_type` codes and names, and the block layout of each (values per block,
 * bytes per block), from ggml's `type_traits` (ggml/src/ggml.c, block structs in ggml-common.h) of the
 * llama.cpp release that node-llama-cpp 3.21.1 bundles. The one table of slmbench's GGUF module: tensor
 * sizes for inspection and the roofline, the forge's writable types, KV-cache element sizes. Removed
 * types (4, 5, 31–33, 36–38) keep their names and have no layout.
 */

/** A ggml type: its code, name and block layout (null for removed types). */
export interface GgmlType {
  code: number;
  name: string;
  /** `[values per block, bytes per block]`; null for a type whose data llama.cpp no longer reads. */
  layout: readonly [number, number] | null;
}

const TYPES: readonly GgmlType[] = [
  { code: 0, name: 'F32', layout: [1, 4] },
  { code: 1, name: 'F16', layout: [1, 2] },
  { code: 2, name: 'Q4_0', layout: [32, 18] },
  { code: 3, name: 'Q4_1', layout: [32, 20] },
  { code: 4, name: 'Q4_2', layout: null },
  { code: 5, name: 'Q4_3', layout: null },
  { code: 6, name: 'Q5_0', layout: [32, 22] },
  { code: 7, name: 'Q5_1', layout: [32, 24] },
  { code: 8, name: 'Q8_0', layout: [32, 34] },
  { code: 9, name: 'Q8_1', layout: [32, 36] },
  { code: 10, name: 'Q2_K', layout: [256, 84] },
  { code: 11, name: 'Q3_K', layout: [256, 110] },
  { code: 12, name: 'Q4_K', layout: [256, 144] },
  { code: 13, name: 'Q5_K', layout: [256, 176] },
  { code: 14, name: 'Q6_K', layout: [256, 210] },
  { code: 15, name: 'Q8_K', layout: [256, 292] },
  { code: 16, name: 'IQ2_XXS', layout: [256, 66] },
  { code: 17, name: 'IQ2_XS', layout: [256, 74] },
  { code: 18, name: 'IQ3_XXS', layout: [256, 98] },
  { code: 19, name: 'IQ1_S', layout: [256, 50] },
  { code: 20, name: 'IQ4_NL', layout: [32, 18] },
  { code: 21, name: 'IQ3_S', layout: [256, 110] },
  { code: 22, name: 'IQ2_S', layout: [256, 82] },
  { code: 23, name: 'IQ4_XS', layout: [256, 136] },
  { code: 24, name: 'I8', layout: [1, 1] },
  { code: 25, name: 'I16', layout: [1, 2] },
  { code: 26, name: 'I32', layout: [1, 4] },
  { code: 27, name: 'I64', layout: [1, 8] },
  { code: 28, name: 'F64', layout: [1, 8] },
  { code: 29, name: 'IQ1_M', layout: [256, 56] },
  { code: 30, name: 'BF16', layout: [1, 2] },
  { code: 31, name: 'Q4_0_4_4', layout: null },
  { code: 32, name: 'Q4_0_4_8', layout: null },
  { code: 33, name: 'Q4_0_8_8', layout: null },
  { code: 34, name: 'TQ1_0', layout: [256, 54] },
  { code: 35, name: 'TQ2_0', layout: [256, 66] },
  { code: 36, name: 'IQ4_NL_4_4', layout: null },
  { code: 37, name: 'IQ4_NL_4_8', layout: null },
  { code: 38, name: 'IQ4_NL_8_8', layout: null },
  { code: 39, name: 'MXFP4', layout: [32, 17] },
  { code: 40, name: 'NVFP4', layout: [64, 36] },
  { code: 41, name: 'Q1_0', layout: [128, 18] },
  { code: 42, name: 'Q2_0', layout: [64, 18] },
];

const BY_CODE = new Map(TYPES.map((t) => [t.code, t]));
const BY_NAME = new Map(TYPES.map((t) => [t.name.toLowerCase(), t]));

/** The type named `name` (case-insensitive: `q8_0`, `Q8_0`), or undefined. */
export function ggmlTypeOfName(name: string): GgmlType | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** The name of type `code` (`Q4_K`), or `type <code>` for an unknown code. */
export function ggmlTypeName(code: number): string {
  return BY_CODE.get(code)?.name ?? `type ${code}`;
}

/**
 * Bytes of tensor data for ggml type `code` and GGUF dimensions `dims` (innermost first), or null when the
 * type has no layout or the innermost dimension is not a whole number of blocks.
 */
export function ggmlTensorBytes(code: number, dims: readonly (number | bigint)[]): number | null {
  const layout = BY_CODE.get(code)?.layout;
  if (!layout) return null;
  const [blockSize, blockBytes] = layout;
  const [first = 1, ...rest] = dims.map(Number);
  if (first % blockSize !== 0) return null;
  const rows = rest.reduce((product, d) => product * d, 1);
  return (first / blockSize) * blockBytes * rows;
}

/** Bytes per element of type `name` (block bytes ÷ block values: q8_0 34/32), or undefined for an unknown or removed type. */
export function ggmlBytesPerElement(name: string): number | undefined {
  const layout = ggmlTypeOfName(name)?.layout;
  return layout ? layout[1] / layout[0] : undefined;
}
