/**
 * Cosine and sine tables of rotary position embedding for positions 0…contextLength−1, computed the way
 * ggml's CPU `rope` computes them (float32 throughout): `theta_scale = powf(base, -2/headDim)`, then for
 * each position p, `theta = p` multiplied by `theta_scale` once per pair, `cosf(theta)` / `sinf(theta)`.
 * Using the same float32 recurrence keeps ONNX and llama.cpp within rounding of each other even at the
 * end of a long context.
 */

/** `cos` and `sin`, each `[contextLength, headDim / 2]` row-major. */
export interface RopeTables {
  cos: Float32Array;
  sin: Float32Array;
}

export function buildRopeTables(contextLength: number, headDim: number, base: number): RopeTables {
  const pairs = headDim / 2;
  const fround = Math.fround;
  const thetaScale = fround(Math.pow(fround(base), fround(-2 / headDim)));
  const cos = new Float32Array(contextLength * pairs);
  const sin = new Float32Array(contextLength * pairs);
  for (let p = 0; p < contextLength; p++) {
    let theta = fround(p);
    for (let i = 0; i < pairs; i++) {
      cos[p * pairs + i] = Math.cos(theta);
      sin[p * pairs + i] = Math.sin(theta);
      theta = fround(theta * thetaScale);
    }
  }
  return { cos, sin };
}
