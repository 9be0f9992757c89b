/** The forge's seeded generator: fixed values for fixed seeds (checked against an independent Python port). */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../harness/forge/SeededRandom.js';

describe('SeededRandom', () => {
  it('gives fixed first values for seed 0 (xoshiro128** seeded by splitmix32)', () => {
    const random = new SeededRandom(0);
    expect(Array.from({ length: 5 }, () => random.nextUint32())).toEqual([3809008728, 1133695204, 53579671, 2891528803, 139681546]);
  });

  it('gives fixed first normals for seed 42', () => {
    const random = new SeededRandom(42);
    const normals = Array.from({ length: 4 }, () => random.nextNormal());
    const expected = [0.6362302295778758, 0.6514422658741048, 0.8308018979688013, -1.9218767348158754];
    normals.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 12));
  });

  it('derives a stream per name and seed', () => {
    const first = (seed: number, name: string): number => SeededRandom.forStream(seed, name).nextUint32();
    expect(first(0, 'token_embd.weight')).toBe(1195739370);
    expect(first(0, 'token_embd.weight')).toBe(first(0, 'token_embd.weight'));
    expect(first(0, 'token_embd.weight')).not.toBe(first(1, 'token_embd.weight'));
    expect(first(0, 'blk.0.attn_q.weight')).not.toBe(first(0, 'blk.1.attn_q.weight'));
  });

  it('makes standard normals and uniform floats', () => {
    const random = new SeededRandom(7);
    const values = random.fillNormal(new Float32Array(200_000), 2);
    let sum = 0;
    let squares = 0;
    for (const v of values) {
      sum += v;
      squares += v * v;
    }
    const mean = sum / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.sqrt(squares / values.length - mean * mean)).toBeCloseTo(2, 1);
    for (let i = 0; i < 1000; i++) {
      const u = random.nextFloat();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });
});
