/**
 * Small constructed results for report tests: real statistics (from `summarize`) over fixed,
 * deterministic samples, a model whose name is an HTML injection, an errored entry whose message is a
 * script, a skipped entry, quality metrics in the shape later issues add, and a second device; and a
 * result with composite strategies (two single models, a cascade of them swept over three thresholds, an
 * ensemble of them), whose `composite` sections come from the harness's own `compositeSummary`.
 */
import type { EntryModel, EntryRecord, OkEntryRecord } from '../../harness/result/EntryRecord.js';
import type { RunResult } from '../../harness/result/RunResult.js';
import { percentileSorted, summarize, type Stats } from '../../harness/stats/summarize.js';
import { summarizeEntries } from '../../harness/result/summarizeEntries.js';
import { oracleRouting, type RouteOracle } from '../../harness/oracle/oracleRouting.js';
import { compositeSummary } from '../../adapters/composite-common/compositeSummary.js';
import type { CompositeModelInfo, CompositeRequest } from '../../adapters/composite-common/CompositeModelInfo.js';
import type { StageRef } from '../../harness/matrix/expandMatrix.js';

export const INJECTED_NAME = '<img src=x onerror=alert(1)>';
export const INJECTED_ERROR = '<script>alert(2)</script> worker died';
export const INJECTED_TEXT = '"><svg onload=alert(3)>';

const MiB = 1024 * 1024;

/** One measured configuration of the fixture. */
interface Config {
  id: string;
  model: string;
  quant: string;
  params: number;
  backend: string;
  decodeTps: number;
  ttftMs: number;
  rssMiB: number;
  acc: number;
  /** Energy per output token (J). Default: peak RSS MiB ÷ 10,000. */
  joulesPerOutputToken?: number;
}

const CONFIGS: Config[] = [
  { id: 'aaaa00000001', model: 'tiny-1b', quant: 'Q4_0', params: 1.1e9, backend: 'llama-cpp', decodeTps: 120, ttftMs: 20, rssMiB: 300, acc: 0.52 },
  { id: 'aaaa00000002', model: 'tiny-1b', quant: 'Q4_0', params: 1.1e9, backend: 'onnxruntime', decodeTps: 90, ttftMs: 12, rssMiB: 420, acc: 0.52 },
  { id: 'aaaa00000003', model: INJECTED_NAME, quant: 'F16', params: 0.5e9, backend: 'llama-cpp', decodeTps: 60, ttftMs: 35, rssMiB: 800, acc: 0.41 },
  { id: 'aaaa00000004', model: INJECTED_NAME, quant: 'F16', params: 0.5e9, backend: 'transformers-js', decodeTps: 40, ttftMs: 50, rssMiB: 900, acc: 0.41 },
];

/** Samples spread deterministically around `center` (±`spread` relative). */
function around(center: number, n: number, spread: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => center * (1 + spread * Math.sin(seed * 7.1 + i * 2.3)));
}

function stats(samples: number[]): Stats {
  return summarize(samples)!;
}

/** Statistics as measured metrics carry them: the cold repetition and an interval of the median. */
function measured(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { ...stats(samples), cold: samples[0]!, medianCi95: [percentileSorted(sorted, 0.2), percentileSorted(sorted, 0.8)], outliers: [] };
}

function okEntry(c: Config, index: number, speed: number, withEnergy: boolean): OkEntryRecord {
  const reps = 5;
  const gen = 16;
  const decode = around(c.decodeTps * speed, reps, 0.03, index + 1);
  const ttft = around(c.ttftMs / speed, reps, 0.05, index + 2);
  const itl = Array.from({ length: reps }, (_, r) => around(1000 / (c.decodeTps * speed), gen - 1, 0.08, index * 10 + r));
  const tpot = itl.map((gaps) => gaps.reduce((a, b) => a + b, 0) / gaps.length);
  const e2e = ttft.map((t, r) => t + itl[r]!.reduce((a, b) => a + b, 0));
  const prefill = ttft.map((t) => 32 / (t / 1000));
  const metrics = {
    loadMs: stats([250 + index * 40]),
    tokenizeMs: stats([0.5]),
    ttftMs: measured(ttft),
    tpotMs: measured(tpot),
    itlMs: stats(itl.flat()),
    prefillTps: measured(prefill),
    decodeTps: measured(decode),
    e2eMs: measured(e2e),
    peakRssBytes: Math.round(c.rssMiB * MiB),
    peakRssSampledBytes: Math.round(c.rssMiB * MiB) - 4096,
    rssAfterLoadBytes: Math.round(c.rssMiB * 0.9 * MiB),
    rssBeforeLoadBytes: 60 * MiB,
    modelResidentBytes: Math.round(c.rssMiB * 0.9 * MiB) - 60 * MiB,
    kvCacheBytes: 48 * 1024 * 22,
    gpuMemoryBytes: null,
    modelSizeBytes: Math.round(c.params * bytesPerParam(c.quant)),
    // Energy only where a meter worked (device A here): the default ranking then skips it.
    energy: withEnergy
      ? { joules: 0.5 * c.rssMiB / 100, joulesPerOutputToken: c.joulesPerOutputToken ?? c.rssMiB / 10000, joulesPerTotalToken: (c.joulesPerOutputToken ?? c.rssMiB / 10000) / 2, joulesPerRequest: 0.1, kWh: 1e-7, gCO2e: 5e-5, method: 'rapl', estimated: false, providers: ['rapl'], gridIntensity: 475, gridIntensityDefault: true, figures: [], unavailable: [], warnings: [] }
      : null,
    roofline: null,
    // The shape the quality issue adds: {value, stderr, n}.
    quality: { arc_easy: { acc: { value: c.acc, stderr: 0.01, n: 2376 } } },
  };
  return {
    ...base(c, index),
    status: 'ok',
    measurement: { processes: 1, intervals: 'bootstrap over the repetitions of one process', warmupRuns: 1, warmupReason: 'count', stopReason: 'minimums', repetitions: reps, measuredSeconds: 0.5, tokenHandover: 'stream', clock: 'performance.now() in the worker', eos: 'ignored' },
    metrics: metrics as unknown as OkEntryRecord['metrics'],
    samples: { loadMs: [250 + index * 40], ttftMs: ttft, tpotMs: tpot, prefillTps: prefill, decodeTps: decode, e2eMs: e2e, itlMs: itl, process: ttft.map(() => 0) },
    outputs: { tokenIds: Array.from({ length: gen }, (_, i) => i + 3), text: `Once upon a time ${INJECTED_TEXT}`, promptTokenIds: [1, 2, 3], eosIndex: null, consistent: true },
  };
}

function bytesPerParam(quant: string): number {
  return quant === 'F32' || quant === 'fp32' ? 4 : quant === 'F16' ? 2 : 0.56;
}

function base(c: Pick<Config, 'id' | 'model' | 'quant' | 'params' | 'backend'>, index: number): Pick<OkEntryRecord, 'id' | 'index' | 'label' | 'model' | 'backend' | 'workload' | 'startedAt' | 'endedAt' | 'durationMs'> {
  return {
    id: c.id,
    index,
    label: `${c.model} · ${c.backend} · pp32+tg16`,
    model: {
      spec: `models/${c.model}.gguf`,
      path: `/models/${c.model}.gguf`,
      name: c.model,
      format: c.backend === 'llama-cpp' ? 'gguf' : 'transformers-js',
      sha256: '0'.repeat(64),
      sizeBytes: Math.round(c.params * bytesPerParam(c.quant)),
      params: c.params,
      quant: c.quant,
      arch: 'llama',
      contextLength: 2048,
      vocabSize: 32000,
    },
    backend: { id: c.backend, version: '1.0.0', versions: { [c.backend]: '1.0.0' }, options: { threads: 'auto' }, resolvedOptions: { threads: 1 }, device: 'cpu' },
    workload: { name: 'pp32+tg16', promptTokens: 32, genTokens: 16, promptTokenCount: 32 },
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:01.000Z',
    durationMs: 1000,
  };
}

function device(id: string, brand: string): Record<string, unknown> {
  return {
    id,
    hostnameHash: 'abcdef012345',
    cpu: { manufacturer: 'Test', brand, physicalCores: 4, logicalCores: 8, flags: ['avx2'] },
    memory: { totalBytes: 16 * 1024 * MiB },
    os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1', arch: 'x64' },
    runtime: { node: '20.20.2', v8: '11.3' },
    gpus: [],
    backendVersions: { 'llama-cpp': '1.0.0' },
  };
}

function result(entries: EntryRecord[], deviceRecord: Record<string, unknown>): RunResult {
  return {
    schemaVersion: 1,
    harness: { name: 'slmbench', version: '0.1.0', gitSha: '0123456789abcdef0123456789abcdef01234567' },
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:01:00.000Z',
    config: { source: 'test fixture', resolved: { sweep: {} } },
    device: deviceRecord,
    summary: summarizeEntries(entries),
    entries,
  };
}

/** Device A: the four configurations, one errored entry and one skipped entry. */
export function fixtureResultA(): RunResult {
  const entries: EntryRecord[] = CONFIGS.map((c, i) => okEntry(c, i, 1, true));
  entries.push({
    ...base({ id: 'aaaa00000005', model: 'tiny-1b', quant: 'Q4_0', params: 1.1e9, backend: 'transformers-js' }, 4),
    status: 'errored',
    error: { code: 'WORKER_CRASHED', message: INJECTED_ERROR },
  });
  entries.push({
    ...base({ id: 'aaaa00000006', model: 'tiny-1b', quant: 'Q4_0', params: 1.1e9, backend: 'mlc' }, 5),
    status: 'skipped',
    error: { code: 'FORMAT_UNSUPPORTED', message: 'backend mlc does not read gguf models' },
  });
  return result(entries, device('deviceaaaa000001', 'Test CPU A'));
}

/** Device B: the first two configurations again (same ids), 1.5× faster. */
export function fixtureResultB(): RunResult {
  return result(CONFIGS.slice(0, 2).map((c, i) => okEntry(c, i, 1.5, false)), device('devicebbbb000002', 'Test CPU B'));
}

/** The composite fixture's two stage models (llama-cpp, F32) measured alone. */
const STAGES: Config[] = [
  { id: 'cccc00000001', model: 'stories260K', quant: 'F32', params: 292_352, backend: 'llama-cpp', decodeTps: 2200, ttftMs: 1.5, rssMiB: 96, acc: 0.25 },
  { id: 'cccc00000002', model: 'stories15M', quant: 'F32', params: 15_191_712, backend: 'llama-cpp', decodeTps: 260, ttftMs: 9, rssMiB: 168, acc: 0.33 },
];

/** Questions of the composite fixture's accuracy task; each is scored over four choices. */
export const COMPOSITE_QUESTIONS = 2000;

/** The cascade's thresholds in the order the fixture lists them (not sorted: reports sort them). */
export const CASCADE_THRESHOLDS = ['inf', -1.5, '-inf'] as const;

/** Zero gaps per repetition in the -inf cascade's ITL samples (a legacy batched hand-over). */
export const LEGACY_ZERO_GAPS = 7;

/** Prompt tokens of each choice of the first half of the questions (those a cascade escalates first), and of the rest. */
export const LONG_PROMPT = 60;
export const SHORT_PROMPT = 20;

/** One composite entry of the fixture. */
interface CompositeConfig extends Config {
  kind: 'cascade' | 'ensemble';
  threshold?: number | string;
  /** Answering stage of the measured loop's one prompt (−1 for the ensemble). */
  measuredStage: number;
  /** Questions whose decision escalated (the cascade), out of {@link COMPOSITE_QUESTIONS}. */
  escalatedQuestions: number;
}

const COMPOSITES: CompositeConfig[] = [
  // Listed out of threshold order on purpose.
  { kind: 'cascade', threshold: 'inf', measuredStage: 1, escalatedQuestions: 2000, id: 'cccc00000003', model: '', quant: '', params: 0, backend: 'cascade', decodeTps: 255, ttftMs: 80, rssMiB: 250, acc: 0.33, joulesPerOutputToken: 0.0185 },
  { kind: 'cascade', threshold: -1.5, measuredStage: 0, escalatedQuestions: 800, id: 'cccc00000004', model: '', quant: '', params: 0, backend: 'cascade', decodeTps: 1990, ttftMs: 8.7, rssMiB: 250, acc: 0.31, joulesPerOutputToken: 0.011 },
  { kind: 'cascade', threshold: '-inf', measuredStage: 0, escalatedQuestions: 0, id: 'cccc00000005', model: '', quant: '', params: 0, backend: 'cascade', decodeTps: 2050, ttftMs: 8.5, rssMiB: 248, acc: 0.25, joulesPerOutputToken: 0.0105 },
  { kind: 'ensemble', measuredStage: -1, escalatedQuestions: 0, id: 'cccc00000006', model: '', quant: '', params: 0, backend: 'ensemble', decodeTps: 230, ttftMs: 12, rssMiB: 255, acc: 0.34, joulesPerOutputToken: 0.021 },
];

/** Accuracy over {@link COMPOSITE_QUESTIONS} questions, with its binomial standard error. */
function accuracy(acc: number) {
  return { arc_easy: { acc: { value: acc, stderr: Number(Math.sqrt((acc * (1 - acc)) / COMPOSITE_QUESTIONS).toFixed(4)), n: COMPOSITE_QUESTIONS, higherIsBetter: true } } };
}

function compositeEntry(c: CompositeConfig, index: number, stages: readonly OkEntryRecord[]): OkEntryRecord {
  const record = okEntry(c, index, 1, true);
  const stageModels: EntryModel[] = stages.map((s) => s.model);
  const joiner = c.kind === 'cascade' ? ' → ' : ' + ';
  const name = stageModels.map((m) => m.name).join(joiner);
  const spec = `${c.kind}:${stageModels.map((m) => `${m.spec}@llama-cpp`).join(joiner.trim())}`;
  const stageSpecs: StageRef[] = stageModels.map((m) => ({
    model: { spec: m.spec, path: m.path, name: m.name },
    backend: { id: 'llama-cpp', options: { threads: 1, contextSize: 'auto', batchSize: 512, gpu: 'auto', gpuLayers: 'auto', flashAttention: false, kvCacheType: 'f16', mmap: true } },
  }));
  const options: Record<string, unknown> =
    c.kind === 'cascade' ? { stages: stageSpecs, signal: 'meanLogprob', signalTokens: 16, threshold: c.threshold } : { stages: stageSpecs, combine: 'mean', weights: [1, 1] };
  const info: CompositeModelInfo = {
    kind: c.kind,
    stages: stageModels.map((m) => ({ name: m.name, backend: 'llama-cpp', versions: { 'node-llama-cpp': '3.21.1' }, resolvedOptions: { threads: 1 }, device: 'cpu', vocabSize: m.name === 'stories260K' ? 512 : 32000, remote: c.kind === 'cascade' && m.name === 'stories15M' })),
    requests: [],
  };
  // The measured loop: one request per repetition, all answered alike (one prompt).
  const measured: CompositeRequest[] = record.samples!.e2eMs.map((ms) => ({ kind: 'generate', stage: c.measuredStage, signals: c.kind === 'cascade' ? [-1.2] : [], cached: false, ms, cpuMs: ms * 0.96, promptTokens: 32 }));
  // The accuracy task: four scored choices per question; the first computes the decision, the rest reuse it.
  const tasks: CompositeRequest[] = [];
  for (let q = 0; q < COMPOSITE_QUESTIONS; q++) {
    const stage = c.kind === 'ensemble' ? -1 : q < c.escalatedQuestions ? 1 : 0;
    for (let choice = 0; choice < 4; choice++) {
      const ms = (stage === 0 ? 3 : 17) * (choice === 0 ? 1 : 0.3) * (1 + 0.05 * Math.sin(q * 1.7 + choice));
      tasks.push({ kind: 'score', stage, signals: [], cached: choice > 0, ms, cpuMs: ms * 0.95, promptTokens: q < COMPOSITE_QUESTIONS / 2 ? LONG_PROMPT : SHORT_PROMPT });
    }
  }
  const composite = compositeSummary(info, measured, tasks, { joules: record.metrics!.energy!.joules, method: 'rapl' });
  return {
    ...record,
    label: `${name} · ${c.kind}${c.kind === 'cascade' ? ` threshold=${String(c.threshold)}` : ''} · pp32+tg16`,
    model: {
      spec,
      path: spec,
      name,
      format: 'composite',
      sha256: null,
      sizeBytes: stageModels.reduce((n, m) => n + (m.sizeBytes ?? 0), 0),
      params: stageModels.reduce((n, m) => n + (m.params ?? 0), 0),
      quant: null,
      arch: null,
      contextLength: 2048,
      vocabSize: 512,
      stages: stageModels,
    },
    backend: { id: c.kind, version: '0.1.0', versions: { 'node-llama-cpp': '3.21.1' }, options, resolvedOptions: null, device: 'cpu' },
    measurement: { ...record.measurement!, tokenHandover: c.kind === 'cascade' ? 'batch' : 'stream' },
    // The -inf cascade as results written before a hand-over counted as one gap hold it: its held-back
    // tokens came 0 ms apart (the log-scale ITL chart must still draw it).
    samples: c.threshold === '-inf' ? { ...record.samples!, itlMs: record.samples!.itlMs.map((g) => g.map((x, i) => (i < LEGACY_ZERO_GAPS ? 0 : x))) } : record.samples!,
    metrics: {
      ...record.metrics!,
      modelSizeBytes: stageModels.reduce((n, m) => n + (m.sizeBytes ?? 0), 0),
      ...(c.kind === 'cascade' ? { escalationRate: (composite.tasks ?? composite.measured).escalationRate } : {}),
      quality: accuracy(c.acc),
    },
    composite,
    ...(c.kind === 'cascade' ? { oracle: [fixtureOracle(c.escalatedQuestions)] } : {}),
  };
}

/**
 * Device C: stories260K and stories15M alone, a cascade of the two at thresholds `inf`, `-1.5`, `-inf`
 * (listed in that order; the tasks escalate 100%, 40% and 0% of their requests) whose stories15M is served
 * (`remote`: what escalates leaves the device), and their ensemble (both stages local).
 */
export function fixtureResultComposite(): RunResult {
  const singles = STAGES.map((c, i) => {
    const e = okEntry(c, i, 1, true);
    return { ...e, metrics: { ...e.metrics!, quality: accuracy(c.acc) } };
  });
  const entries = [...singles, ...COMPOSITES.map((c, i) => compositeEntry(c, singles.length + i, singles))];
  return result(entries, device('devicecccc000003', 'Test CPU C'));
}

/**
 * The arc_easy oracle of a cascade of the fixture, made by the harness's own {@link oracleRouting} from
 * per-row scores: stage 0 right on every 4th question, stage 1 on every 3rd; the cascade escalates its
 * first `escalated` questions.
 */
function fixtureOracle(escalated: number): RouteOracle {
  const rows = Array.from({ length: COMPOSITE_QUESTIONS }, (_, i) => i);
  const s0 = new Map(rows.map((i) => [i, i % 4 === 0 ? 1 : 0]));
  const s1 = new Map(rows.map((i) => [i, i % 3 === 0 ? 1 : 0]));
  const routed = new Map(rows.map((i) => [i, i < escalated ? { stage: 1, score: s1.get(i)! } : { stage: 0, score: s0.get(i)! }]));
  return oracleRouting('arc_easy', 'acc', [{ name: 'stories260K', scores: s0 }, { name: 'stories15M', scores: s1 }], routed);
}

/** Items of the fidelity fixture's accuracy task; the reference is right on the first 240. */
export const FIDELITY_ITEMS = 400;

/** One fidelity entry: a stories15M variant, its fidelity against the F32 llama.cpp reference, and which items it gets right. */
interface FidelityConfig extends Config {
  kl: number;
  top1: number;
  /** Items the reference got right that this one gets wrong, and the other way round. */
  lost: number;
  gained: number;
}

const FIDELITY_CONFIGS: FidelityConfig[] = [
  { id: 'ffff00000001', model: 'stories15M-F32', quant: 'F32', params: 24_400_000, backend: 'llama-cpp', decodeTps: 245, ttftMs: 4, rssMiB: 160, acc: 0.6, kl: 0, top1: 1, lost: 0, gained: 0 },
  { id: 'ffff00000002', model: 'stories15M-F16', quant: 'F16', params: 24_400_000, backend: 'llama-cpp', decodeTps: 300, ttftMs: 3.5, rssMiB: 110, acc: 0.6, kl: 2.1e-6, top1: 0.998, lost: 0, gained: 0 },
  { id: 'ffff00000003', model: 'stories15M-Q4_0', quant: 'Q4_0', params: 24_400_000, backend: 'llama-cpp', decodeTps: 420, ttftMs: 3, rssMiB: 60, acc: 0.5375, kl: 0.0015, top1: 0.36, lost: 30, gained: 5 },
  { id: 'ffff00000004', model: 'stories15M-fp32', quant: 'fp32', params: 24_400_000, backend: 'onnxruntime', decodeTps: 232, ttftMs: 5, rssMiB: 190, acc: 0.6, kl: 1.5e-12, top1: 1, lost: 0, gained: 0 },
];

/** Sha256 of the fidelity fixture's reference file. */
export const FIDELITY_REFERENCE_SHA = 'f1de11'.padEnd(64, '0');

/**
 * Device F: a forged stories15M as F32, F16 and Q4_0 on llama.cpp and fp32 on onnxruntime, each with its
 * fidelity against the F32 llama.cpp entry (the reference) and per-item accuracy on 400 items: Q4_0 loses
 * 30 of the reference's right answers and gains 5; the others answer as the reference.
 */
export function fixtureResultFidelity(): RunResult {
  const entries = FIDELITY_CONFIGS.map((c, i) => {
    const e = okEntry(c, i, 1, false);
    const scores = Array.from({ length: FIDELITY_ITEMS }, (_, item) => (item < c.lost ? 0 : item < 240 ? 1 : item < 240 + c.gained ? 1 : 0));
    const options = c.backend === 'llama-cpp' ? { threads: 1, kvCacheType: 'f32', flashAttention: false } : { intraOpThreads: 1 };
    const reference = FIDELITY_CONFIGS[0]!;
    const fidelity = {
      reference: { sha256: FIDELITY_REFERENCE_SHA, label: 'stories15M-F32 · llama-cpp', modelSha256: `${reference.quant}`.padEnd(64, '0'), backend: 'llama-cpp', options: { threads: 1, kvCacheType: 'f32', flashAttention: false } },
      klMean: c.kl,
      klMedian: c.kl / 2,
      klP99: c.kl * 8,
      klMax: c.kl * 12,
      top1Agreement: c.top1,
      topLogprobDeltaMean: 0,
      topLogprobDeltaMaxAbs: c.kl * 10,
      deltaNll: c.kl * 3,
      nll: 4 + c.kl * 3,
      pplRatio: Math.exp(c.kl * 3),
      n: 254,
      restMassMean: 0.98,
      generation: { firstDivergence: c.top1 === 1 ? null : 3, identicalShare: c.top1 === 1 ? 1 : 0.25, tokens: 16 },
    };
    return {
      ...e,
      model: { ...e.model, sha256: c.quant.padEnd(64, '0'), sizeBytes: Math.round(c.params * bytesPerParam(c.quant)) },
      backend: { ...e.backend, options },
      metrics: {
        ...e.metrics!,
        quality: { arc_easy: { acc: { value: c.acc, stderr: Math.sqrt((c.acc * (1 - c.acc)) / FIDELITY_ITEMS), n: FIDELITY_ITEMS, higherIsBetter: true } } },
        fidelity,
      },
      quality: [
        {
          taskId: 'arc_easy',
          version: 1,
          type: 'multiple_choice',
          n: FIDELITY_ITEMS,
          dataset: { id: 'shared:arc_easy', path: '/data/arc_easy', sha256: 'a'.repeat(64), rows: FIDELITY_ITEMS, files: [] },
          policy: { limit: null, seed: 1234, fewshot: 0, bootstrapIterations: 1000 },
          truncated: 0,
          rowScores: { rows: Array.from({ length: FIDELITY_ITEMS }, (_, item) => item), scores: { acc: scores } },
        },
      ],
    } as OkEntryRecord;
  });
  return result(entries, device('deviceffff000006', 'Test CPU F'));
}

/** One entry of the depth fixture: its backend, depth, TTFT and TPOT (ms, every repetition alike) and whether it meets `chat`. */
export const DEPTH_CONFIGS = [
  { backend: 'llama-cpp', depth: 0, ttftMs: 20, tpotMs: 4, met: true },
  { backend: 'llama-cpp', depth: 256, ttftMs: 22, tpotMs: 4.5, met: true },
  { backend: 'llama-cpp', depth: 512, ttftMs: 25, tpotMs: 5, met: true },
  { backend: 'llama-cpp', depth: 1024, ttftMs: 31, tpotMs: 6, met: false },
  { backend: 'onnxruntime', depth: 0, ttftMs: 12, tpotMs: 3, met: true },
  { backend: 'onnxruntime', depth: 1024, ttftMs: 18, tpotMs: 3.5, met: true },
] as const;

/**
 * Device D: tiny-1b Q4_0 on llama.cpp at depths 0, 256, 512 and 1024 (TPOT 4 → 6 ms, missing `chat` at
 * 1024) and on onnxruntime at 0 and 1024, plus one entry at depth 0 only (no family).
 */
export function fixtureResultDepth(): RunResult {
  const entries = DEPTH_CONFIGS.map((d, i) => {
    const c = { ...CONFIGS[0]!, backend: d.backend, id: `dddd0000000${i + 1}` };
    const e = okEntry(c, i, 1, false);
    const name = `pp32+tg16${d.depth ? `@d${d.depth}` : ''}`;
    return {
      ...e,
      label: `tiny-1b · ${d.backend} · ${name}`,
      workload: { name, promptTokens: 32, genTokens: 16, ...(d.depth ? { depth: d.depth } : {}), promptTokenCount: 32 },
      metrics: {
        ...e.metrics!,
        ttftMs: measured([d.ttftMs, d.ttftMs, d.ttftMs]),
        tpotMs: measured([d.tpotMs, d.tpotMs, d.tpotMs]),
        slo: { preset: 'chat', bounds: { ttftMs: 200, itlP99Ms: 50 }, attainment: d.met ? 1 : 0.5, ci95: [0.5, 1], n: 4, target: 0.9, met: d.met, misses: d.met ? {} : { itlP99Ms: 2 } },
      },
    } as unknown as OkEntryRecord;
  });
  const single = okEntry({ ...CONFIGS[2]!, id: 'dddd00000009' }, 6, 1, false);
  return result([...entries, single], device('devicedddd000007', 'Test CPU D'));
}

/** The concurrency fixture's entries: requests together, output tok/s, TTFT and TPOT (ms), batching, goodput. */
export const CONCURRENCY_CONFIGS = [
  { concurrency: 1, outputTps: 200, ttftMs: 25, tpotMs: 4.5, batching: null, goodput: null },
  { concurrency: 2, outputTps: 350, ttftMs: 40, tpotMs: 5, batching: 'static', goodput: 5.5 },
  { concurrency: 4, outputTps: 600, ttftMs: 60, tpotMs: 6, batching: 'static', goodput: 9.25 },
] as const;

/** Device C: tiny-1b Q4_0 on onnxruntime at concurrency 1, 2 and 4 (static batching), every repetition alike. */
export function fixtureResultConcurrency(): RunResult {
  const entries = CONCURRENCY_CONFIGS.map((d, i) => {
    const c = { ...CONFIGS[1]!, id: `cccc1000000${i + 1}` };
    const e = okEntry(c, i, 1, false);
    const name = `pp32+tg16${d.concurrency > 1 ? `@c${d.concurrency}` : ''}`;
    return {
      ...e,
      label: `tiny-1b · onnxruntime · ${name}`,
      workload: { name, promptTokens: 32, genTokens: 16, ...(d.concurrency > 1 ? { concurrency: d.concurrency } : {}), promptTokenCount: 32 },
      metrics: {
        ...e.metrics!,
        ttftMs: measured([d.ttftMs, d.ttftMs, d.ttftMs]),
        tpotMs: measured([d.tpotMs, d.tpotMs, d.tpotMs]),
        outputTps: measured([d.outputTps, d.outputTps, d.outputTps]),
        ...(d.batching ? { concurrency: { requests: d.concurrency, arrival: 'burst', batchWindowMs: 5, batching: d.batching, meanBatchSize: d.concurrency, goodputRps: d.goodput } } : {}),
      },
    } as unknown as OkEntryRecord;
  });
  return result(entries, device('devicecccc000008', 'Test CPU C'));
}
