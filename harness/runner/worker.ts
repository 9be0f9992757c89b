/**
 * Worker process: measures exactly one matrix entry and reports it to the runner over IPC.
 * load (timed, cold) → prompt → warmup → measured loop until both the minimum repetitions and the minimum
 * seconds are reached (or the maximum repetitions) → memory → report.
 */
import type { LoadedModel } from '../../adapters/types.js';
import { backendRegistry } from '../../adapters/registry.js';
import { BackendRuntimeError, WorkloadError, toErrorRecord } from '../errors.js';
import { detectModelFormat } from '../model/detectModelFormat.js';
import { readProcMemory } from '../trackers/readProcMemory.js';
import { latencySample, type RepetitionSample } from '../trackers/latencySample.js';
import { buildPromptTokens } from '../workload/buildPromptTokens.js';
import type { RunMessage, WorkerMeasurement, WorkerToRunner } from './messages.js';

function send(message: WorkerToRunner): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('the worker must be started by the runner (no IPC channel)'));
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

async function measure({ entry, measure: policy }: RunMessage): Promise<WorkerMeasurement> {
  const definition = backendRegistry.find((d) => d.id === entry.backend.id);
  if (!definition) throw new BackendRuntimeError(entry.backend.id, 'not registered');
  await send({ type: 'phase', phase: 'loading' });
  const source = await detectModelFormat(entry.model.path);
  const adapter = await definition.create();
  const rssBeforeLoadBytes = readProcMemory()?.rssBytes ?? process.memoryUsage.rss();
  const workload = entry.workload;
  const requiredContext = (workload.promptTokens ?? Buffer.byteLength(workload.prompt ?? '') + 2) + workload.genTokens;
  const loadStart = performance.now();
  const model: LoadedModel = await adapter.load(source, entry.backend.options, { requiredContext });
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
      const sample = latencySample(start, events, promptTokenIds.length);
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
    if (policy.warmupRuns > 0) await send({ type: 'phase', phase: 'warmup' });
    for (let i = 0; i < policy.warmupRuns; i++) check(await runOnce());
    const repetitions: RepetitionSample[] = [];
    const loopStart = performance.now();
    await send({ type: 'phase', phase: 'measuring', repetitions: 0 });
    while (
      repetitions.length < policy.maxRepetitions &&
      (repetitions.length < policy.minRepetitions || performance.now() - loopStart < policy.minSeconds * 1000)
    ) {
      const sample = await runOnce();
      check(sample);
      repetitions.push(sample);
      // Progress without flooding the channel: at most about ten messages per second.
      if (repetitions.length <= policy.minRepetitions || repetitions.length % 10 === 0) {
        void send({ type: 'phase', phase: 'measuring', repetitions: repetitions.length });
      }
    }
    const measuredSeconds = (performance.now() - loopStart) / 1000;
    const last = repetitions[repetitions.length - 1]!;
    const text = await model.detokenize(last.tokenIds);
    return {
      versions: await adapter.versions(),
      runtime: model.info,
      loadMs,
      tokenizeMs,
      promptTokenIds,
      warmupRuns: policy.warmupRuns,
      repetitions,
      measuredSeconds,
      text,
      outputsConsistent,
      memory: { vmHwmBytes: readProcMemory()?.hwmBytes ?? null, rssBeforeLoadBytes, rssAfterLoadBytes },
    };
  } finally {
    await model.dispose().catch(() => undefined);
  }
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
