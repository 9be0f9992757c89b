/**
 * Worker process: measures exactly one matrix entry and reports it to the runner over IPC.
 * load (timed, cold) → prompt → warmup → measured loop until both the minimum repetitions and the minimum
 * seconds are reached (or the maximum repetitions) → memory → report.
 * A model served over HTTP (`model.info.remote`, the `remote` backend) gets no energy meter and no GPU
 * query: the server's energy and memory are not this process's (the entry reports them as not measured),
 * and its prefill rate counts the prompt tokens the server reported.
 */
import type { LoadedModel } from '../../adapters/types.js';
import { backendRegistry } from '../../adapters/registry.js';
import { BackendRuntimeError, WorkloadError, toErrorRecord } from '../errors.js';
import { detectModelFormat } from '../model/detectModelFormat.js';
import { readProcMemory } from '../trackers/readProcMemory.js';
import { latencySample, type RepetitionSample } from '../trackers/latencySample.js';
import { buildPromptTokens } from '../workload/buildPromptTokens.js';
import type { EnergySettings } from '../config/configSchema.js';
import type { EnergyConfig } from '../energy/EnergyConfig.js';
import { createEnergyMeter, type EnergyMeter } from '../energy/createEnergyMeter.js';
import { createMeasurementPolicy } from '../stats/createMeasurementPolicy.js';
import { decideWarmup, type WarmupPolicy } from '../stats/decideWarmup.js';
import { queryGpuProcessMemory } from '../trackers/queryGpuProcessMemory.js';
import { appendFileSync } from 'node:fs';
import { resolveQualityTasks } from '../quality/resolveQualityTasks.js';
import { runTask, type TaskResult } from '../../suites/runTask.js';
import type { ResolvedTask } from '../../suites/resolveTask.js';
import type { RunMessage, WorkerMeasurement, WorkerToRunner } from './messages.js';

function send(message: WorkerToRunner): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('the worker must be started by the runner (no IPC channel)'));
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

async function measure({ entry, measure: policy, energy: energySettings, cpu, quality, samplesFile }: RunMessage): Promise<WorkerMeasurement> {
  const definition = backendRegistry.find((d) => d.id === entry.backend.id);
  if (!definition) throw new BackendRuntimeError(entry.backend.id, 'not registered');
  await send({ type: 'phase', phase: 'loading' });
  // A composite backend loads its stages' models itself, from its options.
  const source = definition.composite ? { path: entry.model.path, format: 'composite' as const } : await detectModelFormat(entry.model.path);
  const tasks = quality ? resolveQualityTasks(quality) : [];
  const adapter = await definition.create();
  const rssBeforeLoadBytes = readProcMemory()?.rssBytes ?? process.memoryUsage.rss();
  const workload = entry.workload;
  const requiredContext = (workload.promptTokens ?? Buffer.byteLength(workload.prompt ?? '') + 2) + workload.genTokens;
  const loadStart = performance.now();
  const model: LoadedModel = await adapter.load(source, entry.backend.options, { requiredContext, fullContext: tasks.length > 0 });
  const loadMs = performance.now() - loadStart;
  const rssAfterLoadBytes = readProcMemory()?.rssBytes ?? process.memoryUsage.rss();
  try {
    const tokenizeStart = performance.now();
    const promptTokenIds = await buildPromptTokens(model, workload);
    const tokenizeMs = performance.now() - tokenizeStart;
    if (promptTokenIds.length === 0) throw new WorkloadError('the prompt is empty and the model has no BOS token');
    const needed = promptTokenIds.length + workload.genTokens;
    if (model.info.contextLength > 0 && needed > model.info.contextLength) {
      throw new WorkloadError(
        `workload ${workload.name} needs ${needed} tokens of context; ${entry.model.name} was trained for ${model.info.contextLength}`,
      );
    }
    const request = { promptTokenIds, maxNewTokens: workload.genTokens, ignoreEos: true };
    const runOnce = async (): Promise<RepetitionSample> => {
      const events = [];
      const start = performance.now();
      for await (const event of model.generate(request)) events.push(event);
      // A server without a tokenizer gets the prompt as text: its own count of prompt tokens is the true one.
      const sample = latencySample(start, events, model.info.remote?.serverPromptTokens ?? promptTokenIds.length);
      if (sample.tokenIds.length !== workload.genTokens) {
        throw new BackendRuntimeError(entry.backend.id, `generated ${sample.tokenIds.length} tokens instead of ${workload.genTokens}`);
      }
      return sample;
    };
    let reference: string | undefined;
    let outputsConsistent = true;
    const check = (sample: RepetitionSample) => {
      const key = sample.tokenIds.join(',');
      reference ??= key;
      if (key !== reference) outputsConsistent = false;
    };

    // Energy: providers chosen for this device; the idle baseline is taken before any work. A served
    // model's energy is spent on the server, which no provider here sees: no meter.
    const remote = model.info.remote;
    const gpus = !remote && model.info.device.startsWith('cuda') ? [0] : [];
    let meter: EnergyMeter | null = null;
    let energyError: string | null = remote ? `not measured: the model runs on the server at ${remote.baseUrl}` : null;
    if (!remote) {
      try {
        meter = await createEnergyMeter(toEnergyConfig(energySettings), { gpus, ...(cpu ? { cpu } : {}) });
        await meter.baseline();
      } catch (error) {
        meter = null;
        energyError = `energy meter unavailable: ${(error as Error).message}`;
      }
    }

    // Warmup: a fixed count, or until the repetition time settles.
    const warmupPolicy: WarmupPolicy = policy.warmupUntilStable
      ? { mode: 'stable', minRuns: Math.max(3, policy.warmupRuns), maxRuns: Math.max(10, policy.warmupRuns) }
      : { mode: 'fixed', count: policy.warmupRuns };
    // Then at least `warmupSeconds` of warmup in all: the first second of steady work runs slow.
    const warmupTimes: number[] = [];
    const warmupStart = performance.now();
    const warmupSecondsSoFar = () => (performance.now() - warmupStart) / 1000;
    let warmupDecision = decideWarmup(warmupTimes, warmupPolicy);
    const warmupSeconds = policy.warmupSeconds ?? 0;
    if (!warmupDecision.done || warmupSeconds > 0) await send({ type: 'phase', phase: 'warmup' });
    let extendedForTime = false;
    while (!warmupDecision.done || warmupSecondsSoFar() < warmupSeconds) {
      if (warmupDecision.done) extendedForTime = true;
      const sample = await runOnce();
      check(sample);
      warmupTimes.push(sample.e2eMs);
      if (!warmupDecision.done) warmupDecision = decideWarmup(warmupTimes, warmupPolicy);
    }
    const warmupReason = extendedForTime ? 'seconds' : warmupDecision.reason;
    const warmupSecondsSoFarAtEnd = warmupSecondsSoFar();

    // Measured loop: until the minimums and the precision target (or a maximum) are reached.
    const stopRule = createMeasurementPolicy({
      minRepetitions: policy.minRepetitions,
      maxRepetitions: policy.maxRepetitions,
      minSeconds: Math.max(policy.minSeconds, meter?.minSeconds ?? 0),
      maxSeconds: Math.max(policy.maxSeconds, policy.minSeconds, meter?.minSeconds ?? 0),
      targetRelativeWidth: policy.targetCiWidth,
    });
    const repetitions: RepetitionSample[] = [];
    const compositeRequests = model.info.composite?.requests;
    const measuredFrom = compositeRequests?.length ?? 0;
    await send({ type: 'phase', phase: 'measuring', repetitions: 0 });
    await meter?.start();
    const loopStart = performance.now();
    let stopReason: string | null = null;
    for (;;) {
      const sample = await runOnce();
      check(sample);
      repetitions.push(sample);
      const decision = stopRule.next({
        repetitions: repetitions.length,
        elapsedSeconds: (performance.now() - loopStart) / 1000,
        values: repetitions.flatMap((r) => (r.decodeTps === null ? [] : [r.decodeTps])),
      });
      // Progress without flooding the channel.
      if (repetitions.length <= policy.minRepetitions || repetitions.length % 10 === 0) {
        void send({ type: 'phase', phase: 'measuring', repetitions: repetitions.length });
      }
      if (decision.stop) {
        stopReason = decision.reason;
        break;
      }
    }
    const measuredSeconds = (performance.now() - loopStart) / 1000;
    const n = repetitions.length;
    const energy = meter
      ? await meter.stop({ outputTokens: workload.genTokens * n, totalTokens: needed * n, requests: n })
      : null;
    const gpuMemory = gpus.length ? await queryGpuProcessMemory(process.pid).catch(() => null) : null;
    // Peak memory of the speed measurement, read before the accuracy tasks (whose scoring allocates more).
    const vmHwmBytes = readProcMemory()?.hwmBytes ?? null;
    const measuredTo = compositeRequests?.length ?? 0;
    const qualityResults = tasks.length ? await runQuality(model, tasks, samplesFile) : null;
    const composite = model.info.composite
      ? {
          measured: model.info.composite.requests.slice(measuredFrom, measuredTo),
          quality: model.info.composite.requests.slice(measuredTo),
        }
      : undefined;
    const last = repetitions[repetitions.length - 1]!;
    const text = await model.detokenize(last.tokenIds);
    return {
      versions: await adapter.versions(),
      // The request log travels once, sliced, in `composite`.
      runtime: model.info.composite ? { ...model.info, composite: { ...model.info.composite, requests: [] } } : model.info,
      ...(composite ? { composite } : {}),
      loadMs,
      tokenizeMs,
      promptTokenIds,
      warmup: { runs: warmupTimes.length, timesMs: warmupTimes, reason: warmupReason, spread: warmupDecision.spread, seconds: warmupSecondsSoFarAtEnd },
      stopReason,
      repetitions,
      measuredSeconds,
      text,
      outputsConsistent,
      energy,
      energyError,
      quality: qualityResults,
      memory: {
        vmHwmBytes,
        rssBeforeLoadBytes,
        rssAfterLoadBytes,
        gpuBytes: gpuMemory?.usedBytes ?? null,
      },
    };
  } finally {
    await model.dispose().catch(() => undefined);
  }
}

/** Runs the accuracy tasks on the loaded model, logging every row's prediction when asked. */
async function runQuality(model: LoadedModel, tasks: ResolvedTask[], samplesFile: string | null): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  for (const task of tasks) {
    await send({ type: 'phase', phase: 'quality', task: task.definition.id });
    const lines: string[] = [];
    const result = await runTask(model, task, samplesFile ? { logSamples: (sample) => lines.push(JSON.stringify(sample)) } : {});
    if (samplesFile && lines.length) appendFileSync(samplesFile, `${lines.join('\n')}\n`);
    results.push(result);
  }
  return results;
}

/** The energy meter's options from the config's `energy` section. */
function toEnergyConfig(settings: EnergySettings): EnergyConfig {
  return {
    providers: settings.providers,
    baselineSeconds: settings.baselineSeconds,
    ...(settings.gridIntensity === undefined ? {} : { gridIntensity: settings.gridIntensity }),
    estimate: settings.estimate,
    rapl: settings.rapl,
    nvidia: settings.nvidia,
  };
}

process.once('message', (message: RunMessage) => {
  measure(message)
    .then((measurement) => send({ type: 'done', measurement }))
    .catch((error: unknown) => send({ type: 'failed', error: toErrorRecord(error) }))
    .catch(() => undefined)
    .finally(() => {
      // Native backends may keep handles open; the entry is reported, so leave now.
      process.exit(0);
    });
});

// Unhandled failures still become a report rather than a silent crash.
process.on('uncaughtException', (error) => {
  void send({ type: 'failed', error: toErrorRecord(error) }).finally(() => process.exit(1));
});

// A runner that dies (killed, crashed) must not leave its worker running: the IPC channel closes, leave.
process.on('disconnect', () => process.exit(1));
