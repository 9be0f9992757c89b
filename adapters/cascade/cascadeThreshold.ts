/**
 * The `threshold` option of the cascade backend: a number, or an infinity. Infinities are normalised to
 * the strings `-inf` and `inf` so that they survive JSON (results, IPC), where `Infinity` becomes null.
 */
import { z } from 'zod';

/** A parsed threshold: a finite number, `-inf` (never escalate) or `inf` (always escalate). */
export type CascadeThreshold = number | '-inf' | 'inf';

const POSITIVE = new Set<unknown>(['inf', '+inf', 'Infinity', '+Infinity', Infinity]);
const NEGATIVE = new Set<unknown>(['-inf', '-Infinity', -Infinity]);

/**
 * Accepts a finite number, `-inf`/`inf` (also `+inf`, `-Infinity`, `Infinity`, `+Infinity`) and the
 * numbers ±Infinity (YAML's `.inf` and `-.inf`); outputs a finite number, `-inf` or `inf`.
 */
export const cascadeThresholdSchema = z
  .union(
    [
      z.number(),
      z.enum(['-inf', 'inf', '+inf', '-Infinity', 'Infinity', '+Infinity']),
      // YAML's .inf / -.inf load as the numbers ±Infinity, which z.number() refuses.
      z.custom<number>((v) => v === Infinity || v === -Infinity).meta({ type: 'number', description: "YAML's .inf or -.inf" }),
    ],
    { error: (issue) => (issue.input === undefined ? 'required: a number, -inf or inf' : 'expected a number, -inf or inf') },
  )
  .transform((value): CascadeThreshold => (POSITIVE.has(value) ? 'inf' : NEGATIVE.has(value) ? '-inf' : (value as number)));
