/**
 * A small seeded pseudo-random generator for the model forge: xoshiro128** (32-bit state words, period
 * 2^128 − 1) seeded through the statistics' {@link splitmix32}, with Box-Muller normals; a tensor's stream
 * is named by the statistics' {@link fnv1a32}. Every value it returns is a pure function of the seed, so a
 * forged model is reproducible from its seed alone. (The forge keeps its own generator, not the
 * statistics' mulberry32, so that forged bytes, and with them `FORGE_FORMAT_VERSION`, stay as they are.)
 */
import { fnv1a32 } from '../stats/fnv1a32.js';
import { SPLITMIX32_GAMMA, splitmix32 } from '../stats/splitmix32.js';

/** 2^-32: turns a uint32 into a number in [0, 1). */
const TWO_POW_MINUS_32 = 1 / 4294967296;

export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The second value of the last Box-Muller pair, not yet handed out. */
  private spareNormal: number | null = null;

  /** `seed` is taken modulo 2^32. */
  constructor(seed: number) {
    // splitmix32 as a sequence: the state advances by γ before each output.
    let state = seed >>> 0;
    const next = (): number => {
      const out = splitmix32(state);
      state = (state + SPLITMIX32_GAMMA) | 0;
      return out;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    // An all-zero state would stay zero forever; splitmix32 cannot give four zeros, but be explicit.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /**
   * A generator for one named stream (for example one tensor) of a seeded model: the name is hashed
   * (FNV-1a, 32 bits) and mixed with the seed, so each tensor can be generated on its own, in any order.
   */
  static forStream(seed: number, name: string): SeededRandom {
    return new SeededRandom((Math.imul(seed >>> 0, 0x9e3779b1) ^ fnv1a32(name)) >>> 0);
  }

  /** The next uint32 (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform number in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() * TWO_POW_MINUS_32;
  }

  /** A standard normal number (Box-Muller; values come in pairs, the second is kept for the next call). */
  nextNormal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    // u1 in (0, 1] so that the logarithm is finite.
    const u1 = (this.nextUint32() + 1) * TWO_POW_MINUS_32;
    const u2 = this.nextUint32() * TWO_POW_MINUS_32;
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /**
   * Fills `target` with normal numbers of mean 0 and standard deviation `std` (rounded to float32): the
   * same values as `nextNormal() * std` called `target.length` times, generated with the state in locals.
   */
  fillNormal(target: Float32Array, std: number): Float32Array {
    const n = target.length;
    let i = 0;
    if (this.spareNormal !== null && n > 0) {
      target[i++] = this.spareNormal * std;
      this.spareNormal = null;
    }
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    const twoPi = 2 * Math.PI;
    for (; i < n; i += 2) {
      // Two xoshiro128** steps, as nextUint32() twice.
      const a = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const b = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const radius = Math.sqrt(-2 * Math.log((a + 1) * TWO_POW_MINUS_32));
      const angle = twoPi * (b * TWO_POW_MINUS_32);
      target[i] = radius * Math.cos(angle) * std;
      if (i + 1 < n) target[i + 1] = radius * Math.sin(angle) * std;
      else this.spareNormal = radius * Math.sin(angle);
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    return target;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
