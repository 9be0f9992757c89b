/**
 * Small constructed results for report tests: real statistics (from `summarize`) over fixed,
 * deterministic samples, a model whose name is an HTML injection, an errored entry whose message is a
 * script, a skipped entry, quality metrics in the shape later issues add, and a second device.
 */
import type { EntryRecord } from '../../harness/result/EntryRecord.js';
import type { RunResult } from '../../harness/result/RunResult.js';
import { percentileSorted, summarize, type Stats } from '../../harness/stats/summarize.js';
import { summarizeEntries } from '../../harness/result/summarizeEntries.js';

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

function okEntry(c: Config, index: number, speed: number, withEnergy: boolean): EntryRecord {
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
    modelSizeBytes: Math.round(c.params * (c.quant === 'F16' ? 2 : 0.56)),
    // Energy only where a meter worked (device A here): the default ranking then skips it.
    energy: withEnergy
      ? { joules: 0.5 * c.rssMiB / 100, joulesPerOutputToken: c.rssMiB / 10000, joulesPerTotalToken: c.rssMiB / 20000, joulesPerRequest: 0.1, kWh: 1e-7, gCO2e: 5e-5, method: 'rapl', estimated: false, providers: ['rapl'], gridIntensity: 475, gridIntensityDefault: true, figures: [], unavailable: [], warnings: [] }
      : null,
    roofline: null,
    // The shape the quality issue adds: {value, stderr, n}.
    quality: { arc_easy: { acc: { value: c.acc, stderr: 0.01, n: 2376 } } },
  };
  return {
    ...base(c, index),
    status: 'ok',
    measurement: { warmupRuns: 1, warmupReason: 'count', stopReason: 'minimums', repetitions: reps, measuredSeconds: 0.5, tokenHandover: 'stream', clock: 'performance.now() in the worker', eos: 'ignored' },
    metrics: metrics as unknown as EntryRecord['metrics'],
    samples: { loadMs: [250 + index * 40], ttftMs: ttft, tpotMs: tpot, prefillTps: prefill, decodeTps: decode, e2eMs: e2e, itlMs: itl },
    outputs: { tokenIds: Array.from({ length: gen }, (_, i) => i + 3), text: `Once upon a time ${INJECTED_TEXT}`, promptTokenIds: [1, 2, 3], eosIndex: null, consistent: true },
  };
}

function base(c: Pick<Config, 'id' | 'model' | 'quant' | 'params' | 'backend'>, index: number): Omit<EntryRecord, 'status'> {
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
      sizeBytes: Math.round(c.params * (c.quant === 'F16' ? 2 : 0.56)),
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
  const entries = CONFIGS.map((c, i) => okEntry(c, i, 1, true));
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
