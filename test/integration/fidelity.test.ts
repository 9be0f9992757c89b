/**
 * Fidelity end to end on real engines: the same stories260K weights on llama.cpp (F32, f32 KV cache, flash
 * attention off: its reference options) and on both ONNX backends (fp32) agree to within float32 rounding
 * (mean KL < 1e-6, every top token the same, the same greedy ids), llama.cpp against its own reference is
 * exactly 0, the reference file is made once and reused by a second sweep (same sha256), a model with
 * another vocabulary is refused naming the first differing token, the mean KL grows F32 (0) < F16 < Q8_0 <
 * Q4_0 on a forged stories15M and on a `--fit` bigram model, whose fp32 ONNX agrees with its F32 GGUF to
 * float32 rounding and whose q8 ONNX file (the Q8_0 blocks) with its Q8_0 GGUF.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../harness/config/parseConfig.js';
import type { EntryRecord, OkEntryRecord } from '../../harness/result/EntryRecord.js';
import { forgeModel } from '../../harness/forge/forgeModel.js';
import { runPlan } from '../../harness/runner/runPlan.js';
import { projectPath } from '../../harness/util/projectPath.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

const MEASURE = 'measure: { warmupRuns: 0, warmupSeconds: 0, minRepetitions: 2, maxRepetitions: 2, minSeconds: 0, targetCiWidth: null, processes: 1 }';
const LLAMA_REFERENCE = '{ id: llama-cpp, threads: 1, kvCacheType: f32, flashAttention: false }';

function config(lines: string[]) {
  return parseConfig(parseYaml([...lines, MEASURE].join('\n')));
}

async function run(lines: string[], out: string): Promise<{ entries: EntryRecord[]; notes: string[] }> {
  const notes: string[] = [];
  const { result } = await runPlan(config(lines), { out, report: false, events: { onNote: (n) => notes.push(n) } });
  return { entries: result.entries, notes };
}

const ok = (entries: readonly EntryRecord[], backend: string) => entries.find((e) => e.backend.id === backend) as OkEntryRecord;

describe.skipIf(!hasShared)(`fidelity on real engines ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('same weights on three engines: llama.cpp against itself 0, the ONNX backends within float32 rounding; the reference is reused', async () => {
    const dir = tempDir('fidelity');
    const cache = join(dir, 'cache');
    const lines = [
      'sweep:',
      `  models: [${JSON.stringify(sharedPath('models/stories260K/gguf/stories260K-f32.gguf'))}, ${JSON.stringify(sharedPath('models/stories260K/transformersjs'))}]`,
      `  backends: [${LLAMA_REFERENCE}, { id: onnxruntime, intraOpThreads: 1 }, { id: transformers-js, intraOpThreads: 1 }]`,
      '  workloads: [{ prompt: "", genTokens: 24 }]',
      `quality: { fidelity: { windows: 3, windowTokens: 64, topK: 16, cacheDir: ${JSON.stringify(cache)} } }`,
    ];
    const first = await run(lines, join(dir, 'a'));
    expect(first.entries.map((e) => [e.backend.id, e.status])).toEqual([['llama-cpp', 'ok'], ['onnxruntime', 'ok'], ['transformers-js', 'ok']]);
    const files = readdirSync(cache);
    expect(files).toHaveLength(1);
    const llama = ok(first.entries, 'llama-cpp').metrics.fidelity!;
    // The default reference: the family's first F32 entry, llama.cpp (with its reference options, as here).
    expect(llama.reference.label).toBe('stories260K-f32 · llama-cpp');
    expect(first.notes).toContain(`fidelity reference stories260K-f32 · llama-cpp: made ${join(cache, files[0]!)} (sha256 ${llama.reference.sha256.slice(0, 12)})`);
    // Three windows of BOS + 63 predicted tokens.
    expect(llama.n).toBe(3 * 63);
    expect([llama.klMean, llama.klMax, llama.top1Agreement, llama.topLogprobDeltaMaxAbs, llama.deltaNll, llama.pplRatio]).toEqual([0, 0, 1, 0, 0, 1]);
    expect(llama.generation).toEqual({ firstDivergence: null, identicalShare: 1, tokens: 24 });
    for (const backend of ['onnxruntime', 'transformers-js']) {
      const f = ok(first.entries, backend).metrics.fidelity!;
      expect(f.reference.sha256).toBe(llama.reference.sha256);
      expect(f.klMean, backend).toBeLessThan(1e-6);
      expect(f.klMean, backend).toBeGreaterThanOrEqual(0);
      expect(f.top1Agreement, backend).toBe(1);
      expect(Math.abs(f.deltaNll), backend).toBeLessThan(1e-4);
      expect(f.generation, backend).toEqual({ firstDivergence: null, identicalShare: 1, tokens: 24 });
    }
    // A second sweep with the same reference reads the same file.
    const second = await run(lines.map((l) => (l.startsWith('  backends:') ? `  backends: [${LLAMA_REFERENCE}, { id: onnxruntime, intraOpThreads: 1 }]` : l)), join(dir, 'b'));
    expect(second.notes).toContain(`fidelity reference stories260K-f32 · llama-cpp: reused ${join(cache, files[0]!)} (sha256 ${llama.reference.sha256.slice(0, 12)})`);
    expect(ok(second.entries, 'onnxruntime').metrics.fidelity).toEqual(ok(first.entries, 'onnxruntime').metrics.fidelity);
    expect(readdirSync(cache)).toEqual(files);
  }, 240_000);

  it('refuses a model with another vocabulary than the reference\'s, naming the first differing token', async () => {
    const dir = tempDir('fidelity-vocab');
    const { entries } = await run(
      [
        'sweep:',
        `  models: [${JSON.stringify(sharedPath('models/llama-2-tiny-random/gguf/llama-2-tiny-random.gguf'))}]`,
        `  backends: [${LLAMA_REFERENCE}]`,
        '  workloads: [{ prompt: "", genTokens: 4 }]',
        `quality: { fidelity: { windows: 1, windowTokens: 16, cacheDir: ${JSON.stringify(join(dir, 'cache'))}, reference: { model: ${JSON.stringify(sharedPath('models/stories260K/gguf/stories260K-f32.gguf'))}, backend: llama-cpp } } }`,
      ],
      join(dir, 'out'),
    );
    expect(entries.map((e) => [e.status, e.error?.code])).toEqual([['errored', 'VOCABULARY_MISMATCH']]);
    // The two vocabularies share the byte tokens and part in the merges.
    expect(entries[0]!.error!.message).toBe('llama-cpp: llama-2-tiny-random\'s vocabulary differs from the fidelity reference (stories260K-f32 · llama-cpp) at token id 259: "▁▁" where the reference has "▁t"');
    // Refused before anything was measured.
    expect(entries[0]!.metrics).toBeUndefined();
  }, 240_000);

  it('orders a forged stories15M\'s quantizations by KL: F32 0 < F16 < Q8_0 < Q4_0', async () => {
    const dir = tempDir('fidelity-quant');
    const { entries } = await run(
      [
        'sweep:',
        '  models: [forge:stories15M/Q4_0, forge:stories15M/F16, forge:stories15M/F32, forge:stories15M/Q8_0]',
        `  backends: [${LLAMA_REFERENCE}]`,
        '  workloads: [{ prompt: "", genTokens: 8 }]',
        `quality: { fidelity: { windows: 2, windowTokens: 48, cacheDir: ${JSON.stringify(join(dir, 'cache'))} } }`,
      ],
      join(dir, 'out'),
    );
    const kl = Object.fromEntries(entries.map((e) => [e.model.quant, (e as OkEntryRecord).metrics.fidelity!.klMean]));
    expect(Object.keys(kl).sort()).toEqual(['F16', 'F32', 'Q4_0', 'Q8_0']);
    expect((entries[0] as OkEntryRecord).metrics.fidelity!.reference.label).toBe('stories15M/F32 · llama-cpp');
    expect(kl.F32).toBe(0);
    expect(kl.F16, JSON.stringify(kl)).toBeGreaterThan(0);
    expect(kl.Q8_0, JSON.stringify(kl)).toBeGreaterThan(kl.F16!);
    expect(kl.Q4_0, JSON.stringify(kl)).toBeGreaterThan(kl.Q8_0!);
  }, 400_000);

  it('on a --fit bigram model: F32 0 < F16 < Q8_0 < Q4_0, the same weights on onnxruntime ~0, and its q8 file the Q8_0 blocks', async () => {
    const dir = tempDir('fidelity-fit');
    await forgeModel({ outDir: join(dir, 'model'), preset: 'bigram', fit: readFileSync(projectPath('datasets', 'forge', 'fit.txt'), 'utf8'), formats: ['F32', 'F16', 'Q8_0', 'Q4_0', 'transformers-js', 'onnx-q8'] });
    const gguf = (type: string) => JSON.stringify(join(dir, 'model', `model-${type}.gguf`));
    const fidelity = (extra = '') => `quality: { fidelity: { windows: 4, windowTokens: 64, cacheDir: ${JSON.stringify(join(dir, 'cache'))}${extra} } }`;
    const { entries } = await run(
      [
        'sweep:',
        `  models: [${['F32', 'F16', 'Q8_0', 'Q4_0'].map(gguf).join(', ')}, ${JSON.stringify(join(dir, 'model', 'transformersjs'))}]`,
        `  backends: [${LLAMA_REFERENCE}, { id: onnxruntime, intraOpThreads: 1, dtype: [fp32, q8] }]`,
        '  workloads: [{ prompt: "", genTokens: 8 }]',
        fidelity(),
      ],
      join(dir, 'a'),
    );
    const f = (e: EntryRecord) => (e as OkEntryRecord).metrics.fidelity!;
    const byLabel = Object.fromEntries(entries.map((e) => [`${e.model.quant}${e.backend.id === 'onnxruntime' ? `/${String(e.backend.options.dtype)}` : ''}`, f(e)]));
    expect(Object.keys(byLabel)).toEqual(['F32', 'F16', 'Q8_0', 'Q4_0', 'fp32/fp32', 'fp32/q8']);
    // One family: the GGUF F32 on llama.cpp is everyone's reference (ONNX counts 2.4% more parameters).
    expect(new Set(Object.values(byLabel).map((x) => x.reference.label))).toEqual(new Set(['model-F32 · llama-cpp']));
    const kl = (k: string) => byLabel[k]!.klMean;
    const seen = JSON.stringify(Object.fromEntries(Object.keys(byLabel).map((k) => [k, kl(k)])));
    expect(kl('F32')).toBe(0);
    expect(kl('F16'), seen).toBeGreaterThan(0);
    expect(kl('Q8_0'), seen).toBeGreaterThan(kl('F16') * 10);
    expect(kl('Q4_0'), seen).toBeGreaterThan(kl('Q8_0') * 10);
    // The same weights on another engine: float32 rounding only.
    expect(kl('fp32/fp32'), seen).toBeLessThan(1e-10);
    expect(byLabel['fp32/fp32']!.top1Agreement).toBe(1);
    // The q8 file is the Q8_0 blocks: as far from F32 as the Q8_0 GGUF is, to within 5%.
    expect(Math.abs(kl('fp32/q8') / kl('Q8_0') - 1), seen).toBeLessThan(0.05);

    // Against the Q8_0 GGUF itself, the q8 file is ~0 and the fp32 one is not.
    const q8 = await run(
      [
        'sweep:',
        `  models: [${JSON.stringify(join(dir, 'model', 'transformersjs'))}]`,
        '  backends: [{ id: onnxruntime, intraOpThreads: 1, dtype: [q8, fp32] }]',
        '  workloads: [{ prompt: "", genTokens: 8 }]',
        fidelity(`, reference: { model: ${gguf('Q8_0')}, backend: ${LLAMA_REFERENCE} }`),
      ],
      join(dir, 'b'),
    );
    const [onnxQ8, onnxFp32] = q8.entries.map(f);
    expect(onnxQ8!.reference.label).toBe('model-Q8_0 · llama-cpp');
    expect(onnxQ8!.klMean, JSON.stringify([onnxQ8!.klMean, onnxFp32!.klMean])).toBeLessThan(1e-6);
    expect(onnxQ8!.top1Agreement).toBe(1);
    expect(onnxFp32!.klMean).toBeGreaterThan(onnxQ8!.klMean * 100);
  }, 400_000);
});

