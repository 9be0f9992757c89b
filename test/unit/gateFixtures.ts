/**
 * Synthetic results for the gate, compare, merge and shard tests: seeded normal samples and minimal
 * `result.json` objects with the fields those commands read.
 */
import type { LoadedResult, AnyRunResult, DeviceEntryRecord } from '../../harness/result/AnyRunResult.js';
import { seededUniform } from '../../harness/stats/seededUniform.js';
import { summarize } from '../../harness/stats/summarize.js';
import { summarizeEntries } from '../../harness/result/summarizeEntries.js';

/** `n` normal samples with mean `mean` and coefficient of variation `cv` (Box-Muller on a seeded generator). */
export function normalSamples(seed: number, n: number, mean: number, cv: number): number[] {
  const u = seededUniform(seed);
  const out: number[] = [];
  while (out.length < n) {
    const u1 = 1 - u(); // (0, 1]
    const u2 = u();
    const r = Math.sqrt(-2 * Math.log(u1));
    out.push(mean * (1 + cv * r * Math.cos(2 * Math.PI * u2)));
    if (out.length < n) out.push(mean * (1 + cv * r * Math.sin(2 * Math.PI * u2)));
  }
  return out;
}

/**
 * Samples of `processes` worker processes with `repetitions` each, as a list with the process of each
 * (for `processOf`): each process has its own level, normal around `mean` with coefficient of variation
 * `processCv` (what one process's memory layout and clocks do), and its repetitions vary around that level
 * with `cv`.
 */
export function processSamples(seed: number, processes: number, repetitions: number, mean: number, cv: number, processCv: number): { values: number[]; processOf: number[] } {
  const levels = normalSamples(seed * 7919 + 1, processes, mean, processCv);
  const values: number[] = [];
  const processOf: number[] = [];
  levels.forEach((level, p) => {
    values.push(...normalSamples(seed * 7919 + 2 + p, repetitions, level, cv));
    processOf.push(...Array.from({ length: repetitions }, () => p));
  });
  return { values, processOf };
}

/** A device fingerprint with the fields the device id is made of. */
export function fingerprint(id: string, overrides: { brand?: string; logicalCores?: number; memoryGiB?: number; gpus?: string[] } = {}) {
  return {
    id,
    hostnameHash: 'abcdefabcdef',
    cpu: { manufacturer: 'AMD', brand: overrides.brand ?? 'AMD EPYC 7763 64-Core Processor', physicalCores: 2, logicalCores: overrides.logicalCores ?? 4, flags: ['avx2'] },
    memory: { totalBytes: (overrides.memoryGiB ?? 16) * 1024 ** 3 },
    os: { platform: 'linux', distro: 'Ubuntu', release: '24.04', kernel: '6.8.0', arch: 'x64' },
    runtime: { node: '20.19.0', v8: '11.3' },
    gpus: (overrides.gpus ?? []).map((model) => ({ vendor: 'NVIDIA', model, memoryBytes: null, driver: null, source: 'nvidia-smi' })),
    backendVersions: { 'node-llama-cpp': '3.21.1' },
  };
}

/** What an entry is made of. */
export interface EntrySpec {
  /** Entry id. Default: derived from the model and options. */
  id?: string;
  index?: number;
  model?: string;
  backend?: string;
  options?: Record<string, unknown>;
  promptTokens?: number;
  genTokens?: number;
  status?: 'ok' | 'errored' | 'skipped';
  /** Raw samples per metric (statistics objects are made from them). */
  samples?: Record<string, number[] | number[][]>;
  /**
   * Worker processes the samples were measured in: the repetitions are split into this many contiguous,
   * equal blocks (`samples.process`), as slmbench records them. Default: 3. `processOf` gives the
   * indices instead.
   */
  processes?: number;
  /** The process index of each repetition. Default: from `processes`. */
  processOf?: number[];
  peakRssBytes?: number;
  /** Quality estimates: `{task: {metric: {value, stderr, n}}}`. */
  quality?: Record<string, Record<string, { value: number; stderr: number | null; n: number; higherIsBetter?: boolean }>>;
  versions?: Record<string, string>;
  device?: string;
  /** Per-item scores by task (`record.quality[].rowScores`): the rows and each metric's scores; the dataset's sha256 is `data-<task>`. */
  rowScores?: Record<string, { rows: number[]; scores: Record<string, number[]> }>;
}

/** An entry record. */
export function entry(spec: EntrySpec = {}): DeviceEntryRecord {
  const model = spec.model ?? 'm1';
  const backend = spec.backend ?? 'llama-cpp';
  const options = spec.options ?? { threads: 1 };
  const status = spec.status ?? 'ok';
  const promptTokens = spec.promptTokens ?? 64;
  const genTokens = spec.genTokens ?? 64;
  const label = `${model} · ${backend} ${Object.entries(options).map(([k, v]) => `${k}=${String(v)}`).join(' ')} · pp${promptTokens}+tg${genTokens}`;
  const metrics: Record<string, unknown> = {};
  const samples: Record<string, unknown> = {};
  let repetitions = 0;
  for (const [name, values] of Object.entries(spec.samples ?? {})) {
    samples[name] = values;
    metrics[name] = summarize((values as (number | number[])[]).flat());
    repetitions = Math.max(repetitions, values.length);
  }
  if (repetitions > 0) {
    const p = Math.min(spec.processes ?? 3, repetitions);
    samples.process = spec.processOf ?? Array.from({ length: repetitions }, (_, i) => Math.floor((i * p) / repetitions));
  }
  if (spec.peakRssBytes !== undefined) metrics.peakRssBytes = spec.peakRssBytes;
  if (spec.quality) metrics.quality = spec.quality;
  const record = {
    id: spec.id ?? `${model}-${backend}-${JSON.stringify(options)}-${promptTokens}-${genTokens}`,
    index: spec.index ?? 0,
    label,
    status,
    model: { spec: `models/${model}.gguf`, path: `/models/${model}.gguf`, name: model, format: 'gguf', sha256: `sha-${model}`, sizeBytes: 1000, params: 10, quant: 'F32', arch: 'llama', contextLength: 256, vocabSize: 32 },
    backend: {
      id: backend,
      version: status === 'ok' ? '3.21.1' : null,
      versions: status === 'ok' ? (spec.versions ?? { 'node-llama-cpp': '3.21.1', 'llama.cpp': 'b1' }) : {},
      options,
      resolvedOptions: null,
      device: 'cpu',
    },
    workload: { name: `pp${promptTokens}+tg${genTokens}`, promptTokens, genTokens },
    ...(spec.rowScores
      ? { quality: Object.entries(spec.rowScores).map(([taskId, rowScores]) => ({ taskId, version: 1, type: 'multiple_choice', n: rowScores.rows.length, dataset: { id: taskId, path: `/data/${taskId}`, sha256: `data-${taskId}`, rows: rowScores.rows.length, files: [] }, truncated: 0, rowScores })) }
      : {}),
    ...(status === 'ok' ? { metrics, samples } : { error: { code: status === 'errored' ? 'WORKER_CRASHED' : 'FORMAT_UNSUPPORTED', message: 'it did not run' } }),
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:01.000Z',
    durationMs: 1000,
    ...(spec.device ? { device: spec.device } : {}),
  };
  return record as unknown as DeviceEntryRecord;
}

/** A result holding `entries`, run on device `deviceId`. */
export function result(entries: DeviceEntryRecord[], device: Record<string, unknown> = fingerprint('dev-a'), extra: Partial<AnyRunResult> = {}): AnyRunResult {
  return {
    schemaVersion: 1,
    harness: { name: 'slmbench', version: '0.1.0', gitSha: null },
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:10:00.000Z',
    config: { source: 'test', resolved: { sweep: {} } },
    device,
    summary: summarizeEntries(entries),
    entries,
    ...extra,
  };
}

/** A result with a source name, as the commands read it. */
export function loaded(r: AnyRunResult, source: string): LoadedResult {
  return { result: r, source };
}
