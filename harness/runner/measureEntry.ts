/**
 * The scenario of one entry, in the process that runs it (the worker, for the process launcher; a test,
 * in-process): load (timed, cold) → prompt → the workload's depth kept in the KV cache (untimed) → warmup →
 * measured loop until both the minimum repetitions and the minimum seconds are reached (or the maximum
 * repetitions) → cached first tokens (the prompt but its last token kept) → accuracy tasks → fidelity (against a
 * reference file, or making one; `harness/fidelity`) → report. Trackers of one
 * shape surround the work: memory around load and the measured loop, energy and GPU memory around the
 * measured loop, latency around each generation. What the backend states decides what is metered: the
 * processes that hold the model (`RuntimeModelInfo.processIds`; none for a model served elsewhere, which
 * gets no energy meter), its GPUs, and what cannot be measured here (`notMeasured`).
 */
import type { BackendDefinition, LoadedModel, TokenEvent, WorkPhase } from '../../adapters/types.js';
import { backendRegistry } from '../../adapters/registry.js';
import { BackendRuntimeError, UnsupportedWorkloadError, WorkloadError } from '../errors.js';
import type { PlannedEntry } from '../matrix/PlannedEntry.js';
import { createMeasurementPolicy } from '../stats/createMeasurementPolicy.js';
import { decideWarmup, type WarmupPolicy } from '../stats/decideWarmup.js';
import { EnergyTracker } from '../trackers/EnergyTracker.js';
import { GpuMemoryTracker } from '../trackers/GpuMemoryTracker.js';
import { LatencyTracker } from '../trackers/LatencyTracker.js';
import { MemoryTracker } from '../trackers/MemoryTracker.js';
import type { RepetitionSample } from '../trackers/latencySample.js';
import { resolveQualityTasks } from '../../suites/resolveQualityTasks.js';
import { buildPromptTokens } from './buildPromptTokens.js';
import type { PhaseMessage, ScenarioSettings, WorkerMeasurement } from './messages.js';
import { runQualityTasks } from './runQualityTasks.js';
import { runOracle, type RoutedSample } from '../oracle/runOracle.js';
import { arrivalOffsets } from './concurrency/arrivalOffsets.js';
import { runConcurrentRound, type Batching, type RoundResult } from './concurrency/runConcurrentRound.js';
import type { TaskSample } from '../../suites/runTask.js';
import { FidelityStep } from '../fidelity/FidelityStep.js';

/** What the scenario tells whoever runs it. */
export interface ScenarioHooks {
  /** Each phase as it begins, and the measured repetitions so far (for progress). Default: none. */
  phase?(message: PhaseMessage): Promise<void> | void;
  /** Once after load: the processes besides this one that hold the model (a server the backend started). Default: none. */
  processes?(pids: number[]): Promise<void> | void;
}

/**
 * Measures `entry` in this process and returns what was measured; throws the backend's and the
 * workload's errors. `registry` gives the entry's backend (default: the built-in backends).
 */
export async function measureEntry(
  entry: PlannedEntry,
  settings: ScenarioSettings,
  hooks: ScenarioHooks = {},
  registry: readonly BackendDefinition[] = backendRegistry,
): Promise<WorkerMeasurement> {
  const { measure: policy, quality, samplesFile } = settings;
  const definition = registry.find((d) => d.id === entry.backend.id);
  if (!definition) {
    throw new BackendRuntimeError(
      entry.backend.id,
      'not in the registry this scenario runs with (a forked worker knows the built-in backends; a backend defined in your own code runs with launcher "in-process")',
    );
  }
  const phase = async (message: Omit<PhaseMessage, 'type'>) => hooks.phase?.({ type: 'phase', ...message });
  await phase({ phase: 'loading' });
  const tasks = quality ? resolveQualityTasks(quality) : [];
  const adapter = await definition.create();
  const workload = entry.workload;
  const depth = workload.depth ?? 0;
  if (depth > 0 && adapter.capabilities.prefixCache !== true) {
    throw new UnsupportedWorkloadError(
      `workload ${workload.name}: backend ${definition.id} keeps no KV prefix, and a depth needs one (the history must be in the cache before the prompt)`,
    );
  }
  const requiredContext = depth + (workload.promptTokens ?? Buffer.byteLength(workload.prompt ?? '') + 2) + workload.genTokens;
  const loadMemory = new MemoryTracker();
  loadMemory.start();
  const loadStart = performance.now();
  const model: LoadedModel = await adapter.load({ path: entry.model.path, format: entry.model.format }, entry.backend.options, {
    requiredContext,
    fullContext: tasks.length > 0,
    ...(workload.concurrency && workload.concurrency > 1 ? { concurrency: workload.concurrency } : {}),
  });
  const loadMs = performance.now() - loadStart;
  const loaded = loadMemory.stop();
  const phases: Partial<Record<WorkPhase, unknown>> = {};
  const endPhase = (name: WorkPhase) => {
    const report = model.endPhase?.(name);
    if (report !== undefined) phases[name] = report;
  };
  try {
    // The processes that hold the model: this one unless the backend says otherwise.
    const holders = [...(model.info.processIds ?? [process.pid])];
    const helpers = holders.filter((pid) => pid !== process.pid);
    if (helpers.length) await hooks.processes?.(helpers);
    // What would refuse the entry's fidelity step (another vocabulary than the reference's) does so now.
    const fidelityStep = settings.fidelity ? await FidelityStep.open(settings.fidelity, model, entry) : null;

    const tokenizeStart = performance.now();
    const promptTokenIds = await buildPromptTokens(model, workload);
    const tokenizeMs = performance.now() - tokenizeStart;
    if (promptTokenIds.length === 0) throw new WorkloadError('the prompt is empty and the model has no BOS token');
    const needed = promptTokenIds.length + workload.genTokens;
    if (model.info.contextLength > 0 && needed > model.info.contextLength) {
      throw new WorkloadError(
        `workload ${workload.name} needs ${needed} tokens of context${depth ? ` (depth ${depth} + prompt ${promptTokenIds.length - depth} + generated ${workload.genTokens})` : ''}; ${entry.model.name} was trained for ${model.info.contextLength}`,
      );
    }
    if (depth > 0 && promptTokenIds.length <= depth) throw new WorkloadError(`workload ${workload.name}: the prompt after the depth is empty`);
    // The depth: the history, evaluated into the cache once, untimed, and kept for every repetition.
    let depthFill: { tokens: number; fillMs: number } | undefined;
    if (depth > 0) {
      const fillStart = performance.now();
      await keepPrefix(model, definition.id, promptTokenIds.slice(0, depth));
      depthFill = { tokens: depth, fillMs: performance.now() - fillStart };
    }
    const request = { promptTokenIds, maxNewTokens: workload.genTokens, ignoreEos: true };
    // Prefill rates count the tokens the backend evaluates: the prompt after the depth.
    const latency = new LatencyTracker(promptTokenIds.length - depth);
    // Every request generates exactly its fixed number of tokens.
    const checkGenerated = (sample: RepetitionSample, who: string) => {
      if (sample.tokenIds.length !== workload.genTokens) {
        throw new BackendRuntimeError(entry.backend.id, `${who}generated ${sample.tokenIds.length} tokens instead of ${workload.genTokens}`);
      }
    };
    const runOnce = async (): Promise<RepetitionSample> => {
      latency.start();
      let first = true;
      for await (const event of model.generate(request)) {
        if (first) checkCached(definition.id, event, depth, 'the depth');
        first = false;
        latency.observe(event);
      }
      const sample = latency.stop();
      checkGenerated(sample, '');
      return sample;
    };
    // Concurrency: a repetition is a round of requests, each with its own prompt, batched as the backend can.
    const concurrency = workload.concurrency ?? 1;
    const batching: Batching = adapter.capabilities.batching && model.generateBatch ? adapter.capabilities.batching : 'sequential';
    const prompts = concurrency > 1 ? await Promise.all(Array.from({ length: concurrency }, (_, r) => (r === 0 ? promptTokenIds : buildPromptTokens(model, workload, r)))) : [promptTokenIds];
    const rounds: RoundResult[] = [];
    let roundIndex = 0;
    const runRound = async (): Promise<RoundResult> => {
      const round = await runConcurrentRound(model, {
        prompts,
        genTokens: workload.genTokens,
        offsets: arrivalOffsets(concurrency, workload.arrival, roundIndex++),
        windowMs: workload.batchWindowMs ?? 5,
        batching,
        onFirst: (_request, event) => checkCached(definition.id, event, 0, 'no prefix'),
      });
      round.samples.forEach((sample, i) => checkGenerated(sample, `request ${i} `));
      return round;
    };
    /** One repetition: a single request's sample, or a round's samples (one per request) with the round. */
    const runRepetition = async (): Promise<{ samples: RepetitionSample[]; round: RoundResult | null; durationMs: number }> => {
      if (concurrency === 1) {
        const sample = await runOnce();
        return { samples: [sample], round: null, durationMs: sample.e2eMs };
      }
      const round = await runRound();
      return { samples: round.samples, round, durationMs: round.spanMs };
    };
    const references: string[] = [];
    let outputsConsistent = true;
    // The first request after load (a warmup run, or the first measured one without warmup): the cold figure.
    let firstRequest: { ttftMs: number; e2eMs: number } | null = null;
    const check = (samples: readonly RepetitionSample[]) => {
      samples.forEach((sample, i) => {
        firstRequest ??= { ttftMs: sample.ttftMs, e2eMs: sample.e2eMs };
        const key = sample.tokenIds.join(',');
        references[i] ??= key;
        if (key !== references[i]) outputsConsistent = false;
      });
    };

    // Energy: providers chosen for this device, over the processes that hold the model; the idle baseline
    // is taken before any work. A model no local process holds (served elsewhere) gets no meter.
    const gpus = holders.length ? [...(model.info.gpus ?? [])] : [];
    let energy: EnergyTracker | null = null;
    let energyError: string | null = holders.length ? null : `not measured: ${model.info.notMeasured?.energy ?? 'no process here holds the model'}`;
    if (holders.length) {
      try {
        energy = await EnergyTracker.create(settings.energy, { gpus, pids: holders, ...(settings.cpu ? { cpu: settings.cpu } : {}) });
        await energy.baseline();
      } catch (error) {
        energy = null;
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
    if (!warmupDecision.done || warmupSeconds > 0) await phase({ phase: 'warmup' });
    let extendedForTime = false;
    while (!warmupDecision.done || warmupSecondsSoFar() < warmupSeconds) {
      if (warmupDecision.done) extendedForTime = true;
      const { samples, durationMs } = await runRepetition();
      check(samples);
      warmupTimes.push(durationMs);
      if (!warmupDecision.done) warmupDecision = decideWarmup(warmupTimes, warmupPolicy);
    }
    const warmupReason = extendedForTime ? 'seconds' : warmupDecision.reason;
    const warmupSecondsSoFarAtEnd = warmupSecondsSoFar();
    endPhase('warmup');

    // Measured loop: until the minimums and the precision target (or a maximum) are reached.
    const stopRule = createMeasurementPolicy({
      minRepetitions: policy.minRepetitions,
      maxRepetitions: policy.maxRepetitions,
      minSeconds: Math.max(policy.minSeconds, energy?.minSeconds ?? 0),
      maxSeconds: Math.max(policy.maxSeconds, policy.minSeconds, energy?.minSeconds ?? 0),
      targetRelativeWidth: policy.targetCiWidth,
    });
    const repetitions: RepetitionSample[] = [];
    // Memory of the measured loop over the processes that hold the model (this worker's for a served model: the client's).
    const loopMemory = new MemoryTracker(holders.length ? holders : [process.pid]);
    const gpuMemory = new GpuMemoryTracker(holders, gpus);
    await phase({ phase: 'measuring', repetitions: 0 });
    loopMemory.start();
    gpuMemory.start();
    await energy?.start();
    const loopStart = performance.now();
    let stopReason: string | null = null;
    for (;;) {
      const { samples, round } = await runRepetition();
      check(samples);
      repetitions.push(...samples);
      if (round) rounds.push(round);
      // A round's precision is its output rate's; a single request's its decode rate's.
      const decision = stopRule.next({
        repetitions: round ? rounds.length : repetitions.length,
        elapsedSeconds: (performance.now() - loopStart) / 1000,
        values: round ? rounds.map((r) => r.outputTps) : repetitions.flatMap((r) => (r.decodeTps === null ? [] : [r.decodeTps])),
      });
      // Progress without flooding the channel (not awaited: the loop does not wait for the runner).
      if (repetitions.length <= policy.minRepetitions || repetitions.length % 10 === 0) {
        void phase({ phase: 'measuring', repetitions: repetitions.length });
      }
      if (decision.stop) {
        stopReason = decision.reason;
        break;
      }
    }
    const measuredSeconds = (performance.now() - loopStart) / 1000;
    const n = repetitions.length;
    const energyReading = energy ? await energy.stop({ outputTokens: workload.genTokens * n, totalTokens: needed * n, requests: n }) : null;
    const gpuBytes = await gpuMemory.stop();
    // Peak memory of the speed measurement, read before the accuracy tasks (whose scoring allocates more).
    const vmHwmBytes = loopMemory.stop().peakBytes;
    endPhase('measured');
    const cachedTtft = await measureCachedTtft(model, adapter.capabilities.prefixCache === true, definition.id, promptTokenIds, policy.cachedTtftRuns ?? 0, repetitions[0]!.tokenIds[0]!);
    // A routing model (cascade): which route answered each row, read as the row ends.
    const routing = model.routing;
    const routed: RoutedSample[] = [];
    const onSample = routing ? (sample: TaskSample) => routed.push({ sample, route: routing.lastRoute() }) : undefined;
    const qualityResults = tasks.length
      ? await runQualityTasks(model, tasks, samplesFile, (task) => phase({ phase: 'quality', task }), onSample)
      : null;
    if (qualityResults) endPhase('quality');
    // After the routed phase ended: the routes' own runs are no requests of the composite.
    const oracle = qualityResults && routing ? await runOracle(routing.routes, tasks, routed, (task) => phase({ phase: 'quality', task })) : null;
    // The last repetition's first request: the one whose prompt `promptTokenIds` is (a round's request 0).
    const last = repetitions[repetitions.length - concurrency]!;
    const fidelity = await fidelityStep?.run(adapter, { promptTokenIds, tokenIds: last.tokenIds }, () => phase({ phase: 'quality', task: 'fidelity' }));
    const text = await model.detokenize(last.tokenIds);
    return {
      versions: await adapter.versions(),
      runtime: model.info,
      phases,
      loadMs,
      tokenizeMs,
      promptTokenIds,
      firstRequest: firstRequest!,
      ...(depthFill ? { depth: depthFill } : {}),
      ...(concurrency > 1 ? { rounds: { requests: concurrency, batching, outputTps: rounds.map((r) => r.outputTps), spanMs: rounds.map((r) => r.spanMs), batchSizes: rounds.map((r) => r.batchSizes) } } : {}),
      ...(cachedTtft ? { cachedTtft } : {}),
      warmup: { runs: warmupTimes.length, timesMs: warmupTimes, reason: warmupReason, spread: warmupDecision.spread, seconds: warmupSecondsSoFarAtEnd },
      stopReason,
      repetitions,
      measuredSeconds,
      text,
      outputsConsistent,
      energy: energyReading,
      energyError,
      quality: qualityResults,
      ...(oracle && oracle.length ? { oracle } : {}),
      ...(fidelity ? { fidelity } : {}),
      memory: { vmHwmBytes, rssBeforeLoadBytes: loaded.rssStartBytes, rssAfterLoadBytes: loaded.rssEndBytes, gpuBytes },
    };
  } finally {
    await model.dispose().catch(() => undefined);
  }
}

/** Keeps `prefix` in the model's KV cache (`LoadedModel.keepPrefix`). */
async function keepPrefix(model: LoadedModel, backend: string, prefix: number[]): Promise<void> {
  if (!model.keepPrefix) throw new BackendRuntimeError(backend, 'states capabilities.prefixCache but its model has no keepPrefix');
  await model.keepPrefix(prefix);
}

/** Refuses a generation that did not take exactly the kept prefix from the cache: its figures would be a full prefill's. */
function checkCached(backend: string, event: TokenEvent, expected: number, what: string): void {
  const cached = event.cachedTokens ?? 0;
  if (cached !== expected) {
    throw new BackendRuntimeError(backend, `took ${cached} prompt tokens from the cache instead of the ${expected} of ${what} it keeps`);
  }
}

/**
 * The cached first token: with all of the prompt but its last token (depth included) kept in the cache,
 * `runs` requests of the same prompt, each timed to its first token (one token generated). Measured after
 * the measured loop, outside its memory and energy figures. Returns why not, where it cannot be measured.
 */
async function measureCachedTtft(
  model: LoadedModel,
  supported: boolean,
  backend: string,
  promptTokenIds: number[],
  runs: number,
  firstToken: number,
): Promise<WorkerMeasurement['cachedTtft'] | null> {
  if (runs === 0) return null;
  if (!supported || !model.keepPrefix) return { notMeasured: `backend ${backend} keeps no KV prefix` };
  if (promptTokenIds.length < 2) return { notMeasured: 'the prompt is a single token: no prefix to keep' };
  const prefix = promptTokenIds.slice(0, -1);
  await keepPrefix(model, backend, prefix);
  const request = { promptTokenIds, maxNewTokens: 1, ignoreEos: true };
  const ttftMs: number[] = [];
  let firstTokenMatches = true;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    let first: TokenEvent | null = null;
    for await (const event of model.generate(request)) {
      if (!first && event.tokenIds.length > 0) {
        first = event;
        checkCached(backend, event, prefix.length, 'the prompt\'s prefix');
      }
    }
    if (!first) throw new BackendRuntimeError(backend, 'a cached-prefix request produced no token');
    ttftMs.push(first.time - start);
    if (first.tokenIds[0] !== firstToken) firstTokenMatches = false;
  }
  return { prefixTokens: prefix.length, ttftMs, firstTokenMatches };
}
