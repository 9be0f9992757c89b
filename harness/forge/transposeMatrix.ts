/** Transposition of a row-major matrix, tiled so that large matrices stay cache-friendly. */

/** Typed arrays {@link transposeMatrix} handles. */
export type TransposableArray = Float32Array | Int8Array | Uint8Array;

/** Row-major `[rows, cols]` → row-major `[cols, rows]`, in a new array of the same type. */
export function transposeMatrix<T extends TransposableArray>(values: T, rows: number, cols: number): T {
  if (values.length !== rows * cols) throw new RangeError(`transpose: ${values.length} values are not ${rows}×${cols}`);
  const out = new (values.constructor as new (length: number) => T)(values.length);
  const tile = 64;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(rows, r0 + tile);
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const c1 = Math.min(cols, c0 + tile);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) out[c * rows + r] = values[r * cols + c]!;
      }
    }
  }
  return out;
}
