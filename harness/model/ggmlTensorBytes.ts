/**
 * Bytes a GGUF tensor's data occupies, from its ggml type and shape. Block sizes and block byte sizes are
 * ggml's `type_traits` (ggml/src/ggml.c, block structs in ggml-common.h) of the llama.cpp release that
 * node-llama-cpp 3.21.1 bundles; the removed types 4, 5 and 31–33, 36–38 are absent.
 */

/** `[elements per block, bytes per block]` by ggml type id. */
const GGML_TYPE_LAYOUTS: ReadonlyMap<number, readonly [number, number]> = new Map<number, readonly [number, number]>([
  [0, [1, 4]], // F32
  [1, [1, 2]], // F16
  [2, [32, 18]], // Q4_0
  [3, [32, 20]], // Q4_1
  [6, [32, 22]], // Q5_0
  [7, [32, 24]], // Q5_1
  [8, [32, 34]], // Q8_0
  [9, [32, 36]], // Q8_1
  [10, [256, 84]], // Q2_K
  [11, [256, 110]], // Q3_K
  [12, [256, 144]], // Q4_K
  [13, [256, 176]], // Q5_K
  [14, [256, 210]], // Q6_K
  [15, [256, 292]], // Q8_K
  [16, [256, 66]], // IQ2_XXS
  [17, [256, 74]], // IQ2_XS
  [18, [256, 98]], // IQ3_XXS
  [19, [256, 50]], // IQ1_S
  [20, [32, 18]], // IQ4_NL
  [21, [256, 110]], // IQ3_S
  [22, [256, 82]], // IQ2_S
  [23, [256, 136]], // IQ4_XS
  [24, [1, 1]], // I8
  [25, [1, 2]], // I16
  [26, [1, 4]], // I32
  [27, [1, 8]], // I64
  [28, [1, 8]], // F64
  [29, [256, 56]], // IQ1_M
  [30, [1, 2]], // BF16
  [34, [256, 54]], // TQ1_0
  [35, [256, 66]], // TQ2_0
  [39, [32, 17]], // MXFP4
  [40, [64, 36]], // NVFP4
  [41, [128, 18]], // Q1_0
  [42, [64, 18]], // Q2_0
]);

/**
 * Bytes of tensor data for ggml type `ggmlType` and GGUF dimensions `dims` (innermost first), or null
 * when the type is unknown or the innermost dimension is not a whole number of blocks.
 */
export function ggmlTensorBytes(ggmlType: number, dims: readonly (number | bigint)[]): number | null {
  const layout = GGML_TYPE_LAYOUTS.get(ggmlType);
  if (layout === undefined) return null;
  const [blockSize, blockBytes] = layout;
  const [first = 1, ...rest] = dims.map(Number);
  if (first % blockSize !== 0) return null;
  const rows = rest.reduce((product, d) => product * d, 1);
  return (first / blockSize) * blockBytes * rows;
}
