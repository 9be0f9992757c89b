/**
 * The fidelity arithmetic on fixed distributions: top-k selection, the grouped KL divergence (a lower bound
 * of the full one, exact with a one-token remainder, exactly 0 for a model against itself, never negative),
 * top-1 agreement and Δ ln p, NLL and perplexity ratio, generation agreement, the default reference of a
 * family, and the reference file's round trip.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chooseFidelityReferences, weightBits } from '../../harness/fidelity/chooseFidelityReferences.js';
import { FidelityAccumulator } from '../../harness/fidelity/FidelityAccumulator.js';
import { FIDELITY_FORMAT, type FidelityReference } from '../../harness/fidelity/FidelityReference.js';
import { readFidelityReference, writeFidelityReference } from '../../harness/fidelity/fidelityReferenceFile.js';
import { generationAgreement } from '../../harness/fidelity/generationAgreement.js';
import { referencePosition, restMass, topIds } from '../../harness/fidelity/referencePosition.js';
import type { PlannedEntry } from '../../harness/matrix/PlannedEntry.js';
import { tempDir } from '../helpers/tempDir.js';

/** ln p of a distribution given by weights, as a float32 log-softmax would hand it over. */
function logprobsOf(weights: readonly number[]): Float32Array {
  const total = weights.reduce((a, b) => a + b, 0);
  return Float32Array.from(weights.map((w) => Math.log(w / total)));
}

/** The full KL(p ‖ q) in float64 over every token, each float32 distribution renormalised to 1. */
function fullKl(p: Float32Array, q: Float32Array): number {
  const lnSum = (x: Float32Array) => Math.log(x.reduce((s, v) => s + Math.exp(v), 0));
  const [lp, lq] = [lnSum(p), lnSum(q)];
  let kl = 0;
  for (let i = 0; i < p.length; i++) kl += Math.exp(p[i]! - lp) * (p[i]! - lp - (q[i]! - lq));
  return kl;
}

const P = logprobsOf([8, 4, 2, 1, 1, 0.5]);
const Q = logprobsOf([6, 5, 2, 1.5, 0.5, 1]);

describe('topIds and restMass', () => {
  it('takes the k largest, largest first, the lower id first among equals', () => {
    const values = Float32Array.from([0.1, 0.5, 0.5, -1, 0.3, 0.5]);
    expect(topIds(values, 3)).toEqual([1, 2, 5]);
    expect(topIds(values, 4)).toEqual([1, 2, 5, 4]);
    expect(topIds(values, 10)).toEqual([1, 2, 5, 4, 0, 3]);
    expect(topIds(values, 0)).toEqual([]);
  });

  it('sums the mass outside the top k', () => {
    const lp = logprobsOf([4, 2, 1, 1]);
    expect(restMass(lp, [0])).toBeCloseTo(0.5, 7);
    expect(restMass(lp, [0, 1, 2, 3])).toBe(0);
  });

  it('stores the top k, the rest and the target', () => {
    const position = referencePosition(P, 4, 2);
    expect(position.ids).toEqual([0, 1]);
    expect(position.logprobs).toEqual([P[0], P[1]]);
    expect(position.rest).toBeCloseTo(4.5 / 16.5, 7);
    expect(position.target).toBe(P[4]);
  });
});

describe('FidelityAccumulator', () => {
  it('gives exactly zero for a model against itself', () => {
    const acc = new FidelityAccumulator();
    for (const k of [1, 2, 6]) acc.add(referencePosition(P, 2, k), P, 2);
    const m = acc.result({ sha256: 'x', label: 'self' });
    expect([m.klMean, m.klMedian, m.klP99, m.klMax, m.top1Agreement, m.topLogprobDeltaMean, m.topLogprobDeltaMaxAbs, m.deltaNll, m.pplRatio, m.n]).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 1, 3]);
  });

  it('is the grouped KL over the top k and the remainder: a lower bound of the full KL, equal to it with a one-token remainder', () => {
    const full = fullKl(P, Q);
    const figures = (k: number) => new FidelityAccumulator().add(referencePosition(P, 0, k), Q, 0).kl;
    // By hand for k = 2: outcomes {0}, {1}, {2..5}.
    const p = [8, 4, 4.5].map((w) => w / 16.5);
    const q = [6, 5, 5].map((w) => w / 16);
    const grouped = p.reduce((s, pi, i) => s + pi * Math.log(pi / q[i]!), 0);
    expect(figures(2)).toBeCloseTo(grouped, 6);
    for (const k of [1, 2, 3, 4]) expect(figures(k)).toBeLessThanOrEqual(full + 1e-12);
    // k = 5: the remainder is token 5 alone, so nothing is merged.
    expect(figures(5)).toBeCloseTo(full, 12);
    expect(figures(6)).toBeCloseTo(full, 12);
    expect(figures(1)).toBeLessThan(figures(3));
  });

  it('is never negative where the two float32 distributions differ only by rounding', () => {
    const acc = new FidelityAccumulator();
    // The same distribution rounded through another log-softmax: values differ in the last float32 bit.
    const nudged = Float32Array.from(P, (v, i) => (i % 2 ? Math.fround(v * (1 + 2 ** -22)) : v));
    for (const k of [1, 2, 3]) expect(acc.add(referencePosition(P, 1, k), nudged, 1).kl).toBeGreaterThanOrEqual(0);
  });

  it('counts top-1 agreement, the reference top token\'s Δ ln p, NLL and the perplexity ratio', () => {
    const acc = new FidelityAccumulator();
    const flipped = logprobsOf([4, 8, 2, 1, 1, 0.5]);
    acc.add(referencePosition(P, 1, 2), Q, 1); // agrees: token 0 is Q's most likely too
    acc.add(referencePosition(P, 1, 2), flipped, 1); // token 1 is most likely there
    const m = acc.result({ sha256: 'abc', label: 'ref' });
    expect(m.top1Agreement).toBe(0.5);
    const deltas = [Q[0]! - P[0]!, flipped[0]! - P[0]!];
    expect(m.topLogprobDeltaMean).toBeCloseTo((deltas[0]! + deltas[1]!) / 2, 12);
    expect(m.topLogprobDeltaMaxAbs).toBeCloseTo(Math.max(...deltas.map(Math.abs)), 12);
    const nll = (-Q[1]! - flipped[1]!) / 2;
    expect(m.nll).toBeCloseTo(nll, 12);
    expect(m.deltaNll).toBeCloseTo(nll - -P[1]!, 12);
    expect(m.pplRatio).toBeCloseTo(Math.exp(m.deltaNll), 12);
    expect(m.reference).toEqual({ sha256: 'abc', label: 'ref' });
    expect(m.n).toBe(2);
  });

  it('summarises the KLs per position: mean, median, p99 and max', () => {
    const acc = new FidelityAccumulator();
    const kls = [Q, logprobsOf([1, 1, 1, 1, 1, 1]), P].map((q) => acc.add(referencePosition(P, 0, 6), q, 0).kl);
    const m = acc.result({ sha256: '', label: '' });
    const sorted = [...kls].sort((a, b) => a - b);
    expect(m.klMean).toBeCloseTo((kls[0]! + kls[1]! + kls[2]!) / 3, 15);
    expect(m.klMedian).toBe(sorted[1]);
    expect(m.klMax).toBe(sorted[2]);
    expect(m.klP99).toBeCloseTo(sorted[1]! + 0.98 * (sorted[2]! - sorted[1]!), 12);
    expect(sorted[0]).toBe(0);
  });

  it('keeps the KL finite where the entry gives a reference token no probability at all', () => {
    const zero = Float32Array.from(Q, (v, i) => (i === 1 ? -Infinity : v));
    const kl = new FidelityAccumulator().add(referencePosition(P, 0, 2), zero, 0).kl;
    expect(Number.isFinite(kl)).toBe(true);
    expect(kl).toBeGreaterThan(100);
  });
});

describe('generationAgreement', () => {
  it('finds the first divergence and the share of identical tokens', () => {
    expect(generationAgreement([1, 2, 3, 4], [1, 2, 3, 4])).toEqual({ firstDivergence: null, identicalShare: 1, tokens: 4 });
    expect(generationAgreement([1, 2, 3, 4], [1, 2, 9, 4])).toEqual({ firstDivergence: 2, identicalShare: 0.75, tokens: 4 });
    expect(generationAgreement([1, 2, 3], [1, 2])).toEqual({ firstDivergence: 2, identicalShare: 1, tokens: 2 });
    expect(generationAgreement([], [])).toEqual({ firstDivergence: null, identicalShare: 0, tokens: 0 });
  });
});

/** A planned entry with just what the reference rule reads. */
function planned(id: string, model: Partial<PlannedEntry['model']>, backend = 'llama-cpp', options: Record<string, unknown> = {}): PlannedEntry {
  return {
    id,
    index: 0,
    label: id,
    model: { spec: id, path: `/m/${id}`, name: id, format: 'gguf', sha256: null, sizeBytes: 1000, params: 260_032, quant: 'F32', arch: 'llama', contextLength: 512, vocabSize: 512, ...model },
    backend: { id: backend, options },
    workload: { name: 'pp16+tg16', promptTokens: 16, genTokens: 16 },
  };
}

describe('chooseFidelityReferences', () => {
  it('groups models of one shape and picks the most bits per weight, the plan\'s first among equals', () => {
    const entries = [
      planned('f16', { quant: 'F16' }),
      planned('q4', { quant: 'Q4_0' }),
      planned('f32', { quant: 'F32' }),
      planned('onnx-fp32', { format: 'transformers-js', quant: 'fp32', params: 260_040 }, 'onnxruntime'),
      planned('onnx-q8', { format: 'transformers-js', quant: 'fp32', params: 260_040 }, 'onnxruntime', { dtype: 'q8' }),
      planned('other', { vocabSize: 32_000, params: 513_048, quant: 'F32' }),
      planned('cascade', { format: 'composite' }, 'cascade'),
      planned('served', { format: 'remote', vocabSize: null, params: null, sizeBytes: null }, 'remote'),
    ];
    const families = chooseFidelityReferences(entries);
    expect(families.map((f) => [f.reference.id, f.members.map((m) => m.id)])).toEqual([
      ['f32', ['f16', 'q4', 'f32', 'onnx-fp32', 'onnx-q8']],
      ['other', ['other']],
    ]);
    expect(entries.slice(0, 5).map(weightBits)).toEqual([16, 4.5, 32, 32, 8]);
  });

  it('keeps models whose parameter counts differ by more than 5% apart', () => {
    const families = chooseFidelityReferences([planned('a', {}), planned('b', { params: 270_000 }), planned('c', { params: 275_000 })]);
    // 270,000 is 3.7% above 260,032; 275,000 is 5.4% above.
    expect(families.map((f) => [f.reference.id, f.members.map((m) => m.id)])).toEqual([['a', ['a', 'b']], ['c', ['c']]]);
  });
});

function reference(): FidelityReference {
  return {
    format: FIDELITY_FORMAT,
    version: 1,
    reference: { model: { spec: 'x', name: 'x', format: 'gguf', sha256: null, quant: 'F32' }, backend: { id: 'llama-cpp', options: {}, versions: {} }, label: 'x · llama-cpp' },
    text: { file: '/t.txt', sha256: 'ab', windowTokens: 4, windows: 1 },
    topK: 2,
    vocabulary: ['a', 'b', 'c'],
    windows: [{ prefix: [1], tokens: [2, 0, 1], positions: [referencePosition(Float32Array.from([Math.fround(-0.1), Math.fround(-2.5), Math.fround(-3.3)]), 2, 2)] }],
    greedy: [{ workload: 'w', promptTokenIds: [1], tokenIds: [2, 2] }],
    createdAt: '2026-12-07T00:00:00.000Z',
  };
}

describe('reference files', () => {
  it('round-trips the float32 values exactly and names the file by the sha256 of its bytes', () => {
    const file = join(tempDir('fidelity-file'), 'r.json.gz');
    const sha = writeFidelityReference(file, reference());
    expect(sha).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    const read = readFidelityReference(file);
    expect(read).toEqual({ reference: reference(), sha256: sha });
  });

  it('refuses what is not a reference, naming the file', () => {
    const dir = tempDir('fidelity-bad');
    const plain = join(dir, 'plain.json.gz');
    writeFileSync(plain, '{}');
    expect(() => readFidelityReference(plain)).toThrow(`${plain}: not a fidelity reference (gzip-compressed JSON)`);
    const other = join(dir, 'other.json.gz');
    writeFileSync(other, gzipSync(JSON.stringify({ format: 'x' })));
    expect(() => readFidelityReference(other)).toThrow(`${other}: not a fidelity reference (format is not ${FIDELITY_FORMAT})`);
    const later = join(dir, 'later.json.gz');
    writeFileSync(later, gzipSync(JSON.stringify({ ...reference(), version: 2 })));
    expect(() => readFidelityReference(later)).toThrow('fidelity reference version 2 is not one this slmbench reads (1)');
    expect(() => readFidelityReference(join(dir, 'none.json.gz'))).toThrow(/cannot read the fidelity reference \(ENOENT\)/);
  });
});
