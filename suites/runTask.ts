/**
 * Runs one task on a loaded model through the adapter contract alone (`tokenize`, `detokenize`,
 * `generate`, `score`) and returns its metrics, each with a bootstrap standard error and its `n`.
 *
 * - `multiple_choice`: every choice is scored by log-likelihood (`score`); `acc` and `acc_norm`.
 * - `generate`: greedy generation (`generate` with `ignoreEos: false`, left early at a stop string);
 *   exact_match / contains / f1 / rouge_l, after optional regex extraction and normalisation.
 * - `loglikelihood`: one target per row; `acc` (the target is the greedy continuation) and `perplexity`
 *   (exp of the mean negative log-likelihood of the targets), as lm-evaluation-harness's LAMBADA.
 * - `perplexity`: rolling windows over each document (see `run/rollingWindows.ts`).
 *
 * Token conventions: contexts start with BOS where the model has one (`addBos`, default true). A request
 * may hold at most `maxLength` tokens (context + continuation): the task's `maxLength`, else the model's
 * context length (`info.contextLength`), lowered to the backend's context size when it reports a smaller
 * numeric `resolvedOptions.contextSize` (llama.cpp does). Longer contexts lose tokens from the left; the
 * count of such requests is `truncated`. For perplexity, each document is tokenized without BOS, BOS (else
 * the first EOS id) is the context of the first token, every document token is predicted exactly once
 * and counted, and BOS is never counted. A window holds `maxLength` tokens: `maxLength − 1` input
 * positions (lm-evaluation-harness's `max_length`) and the last target.
 *
 * Same model, backend, task and seed give the same numbers: nothing here depends on time or order.
 */
import type { LoadedModel } from '../adapters/types.js';
import { SlmbenchError } from '../harness/errors.js';
import { DatasetError, TaskDefinitionError } from './errors.js';
import { loadDataset, type DatasetFileRecord, type DatasetRow, type LoadedDataset } from './loaders/loadDataset.js';
import { bootstrapStderr } from '../harness/stats/bootstrapStderr.js';
import { mean } from '../harness/stats/mean.js';
import { containsMatch } from './metrics/containsMatch.js';
import { exactMatch } from './metrics/exactMatch.js';
import { extractAnswer } from './metrics/extractAnswer.js';
import { multipleChoiceMetrics } from './metrics/multipleChoiceMetrics.js';
import { countWords, perplexityMetrics, type DocumentLogLikelihood, type PerplexityValues } from './metrics/perplexityMetrics.js';
import { rollingWindows } from './metrics/rollingWindows.js';
import { rougeL } from './metrics/rougeL.js';
import { seededRandom, streamOf } from '../harness/stats/seededRandom.js';
import { tokenF1 } from './metrics/tokenF1.js';
import type { ResolvedTask, TaskPolicy } from './resolveTask.js';
import { buildTaskDocument } from './run/buildTaskDocument.js';
import { generateUntil } from './run/generateUntil.js';
import { scoreContinuation } from './run/scoreContinuation.js';
import type { GenerationMetric, TaskType } from './schema/taskSchema.js';

/** One metric of a task result. */
export interface MetricValue {
  /** The metric over the evaluated rows. */
  value: number;
  /** Bootstrap standard error (seeded); null when fewer than two rows. */
  stderr: number | null;
  /** Rows (documents) it is computed from. */
  n: number;
  /** Direction, for ranking: true for accuracy-like metrics, false for perplexity-like ones. */
  higherIsBetter: boolean;
}

/** What `runTask` returns. */
export interface TaskResult {
  taskId: string;
  version: number;
  type: TaskType;
  /** Rows evaluated. */
  n: number;
  /** Metrics by name (`acc`, `acc_norm`, `exact_match`, `token_perplexity`, …). */
  metrics: Record<string, MetricValue>;
  /** The data used: source as written, main file, its sha256, rows in the file, every file read. */
  dataset: { id: string; path: string; sha256: string; rows: number; files: DatasetFileRecord[] };
  /** The policy it ran under. */
  policy: TaskPolicy;
  /** Requests whose context lost tokens from the left to fit the model's window. */
  truncated: number;
  /** Why the task did not run (the backend cannot score); metrics are then empty and `n` is 0. */
  skipped?: string;
  /**
   * Per-item scores for paired comparisons: the evaluated rows' indices in ascending order and, per metric,
   * each row's score (`suites/metrics/rowScores.ts`); absent for tasks without per-item scores (perplexity).
   */
  rowScores?: { rows: number[]; scores: Record<string, number[]> };
}

/** Per-row record handed to `logSamples`. */
export type TaskSample = { taskId: string; row: number; location: string } & (
  | { type: 'multiple_choice'; requests: { context: string; continuation: string }[]; logLikelihoods: number[]; isGreedy: boolean[]; gold: number; predicted: number; predictedNorm: number; acc: number; acc_norm: number }
  | { type: 'generate'; prompt: string; output: string; stoppedBy: string; references: string[]; extracted: Record<string, string>; scores: Record<string, number> }
  | { type: 'loglikelihood'; context: string; continuation: string; logLikelihood: number; tokens: number; isGreedy: boolean }
  | { type: 'perplexity'; logLikelihood: number; tokens: number; words: number; bytes: number; windows: number }
);

/** Options of {@link runTask}; each overrides the task's resolved policy. */
export interface RunTaskOptions {
  /** Evaluate only the first N rows. Default: the task's policy (all rows unless a suite says otherwise). */
  limit?: number;
  /** Seed of few-shot sampling and bootstrap. Default: the task's policy (1234). */
  seed?: number;
  /** Few-shot examples per prompt. Default: the task's policy. */
  fewshot?: number;
  /** Bootstrap resamples. Default: the task's policy (1000). */
  bootstrapIterations?: number;
  /** Receives every row's prediction and scores (for `--log-samples`). Default: none. */
  logSamples?: (sample: TaskSample) => void;
}

/** Runs a task on a model. */
export async function runTask(model: LoadedModel, task: ResolvedTask, options: RunTaskOptions = {}): Promise<TaskResult> {
  const def = task.definition;
  const policy: TaskPolicy = {
    limit: options.limit ?? task.policy.limit,
    seed: options.seed ?? task.policy.seed,
    fewshot: options.fewshot ?? task.policy.fewshot,
    bootstrapIterations: options.bootstrapIterations ?? task.policy.bootstrapIterations,
  };
  const dataset = await loadDataset(def.dataset, task.datasetContext);
  const result: TaskResult = {
    taskId: def.id,
    version: def.version,
    type: def.type,
    n: 0,
    metrics: {},
    dataset: { id: dataset.id, path: dataset.path, sha256: dataset.sha256, rows: dataset.rows.length, files: dataset.files },
    policy,
    truncated: 0,
  };
  if (def.type !== 'generate' && (!model.score || typeof model.score !== 'function')) {
    return { ...result, skipped: `the backend cannot score log-likelihoods (its loaded model has no score), which a ${def.type} task needs` };
  }
  const rows = policy.limit === null ? dataset.rows : dataset.rows.slice(0, policy.limit);
  const fewshotPool = policy.fewshot > 0 ? await fewshotRows(task, dataset) : null;
  const maxLength = effectiveMaxLength(model, task);
  const context: RunContext = { model, task, policy, maxLength, rows, fewshotPool, log: options.logSamples, truncated: 0 };
  let metrics: Record<string, MetricValue>;
  switch (def.type) {
    case 'multiple_choice':
      metrics = await runMultipleChoice(context);
      break;
    case 'generate':
      metrics = await runGenerate(context);
      break;
    case 'loglikelihood':
      metrics = await runLoglikelihood(context);
      break;
    case 'perplexity':
      metrics = await runPerplexity(context);
      break;
  }
  return { ...result, n: rows.length, metrics, truncated: context.truncated };
}

interface RunContext {
  model: LoadedModel;
  task: ResolvedTask;
  policy: TaskPolicy;
  maxLength: number;
  rows: DatasetRow[];
  fewshotPool: { rows: DatasetRow[]; excludeSelf: boolean } | null;
  log: ((sample: TaskSample) => void) | undefined;
  truncated: number;
}

/** The most tokens one request may hold on this model. */
export function effectiveMaxLength(model: LoadedModel, task: ResolvedTask): number {
  const candidates: number[] = [];
  if (task.definition.maxLength) candidates.push(task.definition.maxLength);
  if (model.info.contextLength > 0) candidates.push(model.info.contextLength);
  const backendContext = model.info.resolvedOptions['contextSize'];
  if (typeof backendContext === 'number' && backendContext > 0) candidates.push(backendContext);
  if (candidates.length === 0) {
    throw new TaskDefinitionError(`${task.shownFile}: the model reports no context length: give maxLength in the task`);
  }
  return Math.min(...candidates);
}

async function fewshotRows(task: ResolvedTask, dataset: LoadedDataset): Promise<{ rows: DatasetRow[]; excludeSelf: boolean }> {
  const source = task.definition.fewshot?.source;
  if (!source) return { rows: dataset.rows, excludeSelf: true };
  const loaded = await loadDataset(source, task.datasetContext);
  return { rows: loaded.rows, excludeSelf: false };
}

/** k distinct examples for a row, drawn from its own seeded stream (independent of order and limit). */
function examplesFor(context: RunContext, row: DatasetRow): DatasetRow[] {
  const pool = context.fewshotPool;
  const k = context.policy.fewshot;
  if (!pool || k === 0) return [];
  const available = pool.rows.length - (pool.excludeSelf ? 1 : 0);
  if (available < k) {
    throw new DatasetError(`${context.task.shownFile}: ${k} few-shot examples asked for, but the pool has only ${available} rows`);
  }
  const random = seededRandom(context.policy.seed, streamOf('fewshot') ^ row.index);
  const chosen = new Set<number>();
  const picked: DatasetRow[] = [];
  while (picked.length < k) {
    const i = Math.floor(random() * pool.rows.length);
    if (chosen.has(i) || (pool.excludeSelf && i === row.index)) continue;
    chosen.add(i);
    picked.push(pool.rows[i]!);
  }
  return picked;
}

async function withRow<T>(context: RunContext, row: DatasetRow, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SlmbenchError) throw error;
    throw new DatasetError(`${context.task.shownFile}: ${row.location}: ${(error as Error).message}`, { cause: error });
  }
}

function metric(values: readonly number[], name: string, higherIsBetter: boolean, policy: TaskPolicy, statistic: (xs: readonly number[]) => number = mean): MetricValue {
  return {
    value: statistic(values),
    stderr: bootstrapStderr(values, statistic, { iterations: policy.bootstrapIterations, seed: policy.seed, stream: streamOf(name) }),
    n: values.length,
    higherIsBetter,
  };
}

async function runMultipleChoice(context: RunContext): Promise<Record<string, MetricValue>> {
  const { model, task, policy } = context;
  const def = task.definition;
  if (def.type !== 'multiple_choice') throw new Error('unreachable');
  const acc: number[] = [];
  const accNorm: number[] = [];
  for (const row of context.rows) {
    const doc = buildTaskDocument(task, row, examplesFor(context, row));
    if (doc.type !== 'multiple_choice') throw new Error('unreachable');
    const scores = await withRow(context, row, async () => {
      const out = [];
      for (const request of doc.requests) {
        out.push(await scoreContinuation(model, request.context, request.continuation, { addBos: def.addBos, maxLength: context.maxLength }));
      }
      return out;
    });
    for (const s of scores) if (s.truncated > 0) context.truncated++;
    const lls = scores.map((s) => s.logLikelihood);
    const outcome = multipleChoiceMetrics(lls, doc.choiceTexts.map((c) => Buffer.byteLength(c, 'utf8')), doc.gold);
    acc.push(outcome.acc);
    accNorm.push(outcome.accNorm);
    context.log?.({
      taskId: def.id,
      row: row.index,
      location: row.location,
      type: 'multiple_choice',
      requests: doc.requests,
      logLikelihoods: lls,
      isGreedy: scores.map((s) => s.isGreedy),
      gold: doc.gold,
      predicted: outcome.predicted,
      predictedNorm: outcome.predictedNorm,
      acc: outcome.acc,
      acc_norm: outcome.accNorm,
    });
  }
  const out: Record<string, MetricValue> = {};
  if (def.metrics.includes('acc')) out['acc'] = metric(acc, 'acc', true, policy);
  if (def.metrics.includes('acc_norm')) out['acc_norm'] = metric(accNorm, 'acc_norm', true, policy);
  return out;
}

/** Scores one generation for one metric; returns the score and the extracted answer. */
export function scoreGeneration(spec: GenerationMetric, output: string, references: readonly string[]): { score: number; answer: string } {
  const answer = spec.extract ? extractAnswer(output, spec.extract) : output;
  const normalize = spec.normalize ?? {};
  switch (spec.metric) {
    case 'exact_match':
      return { score: exactMatch(answer, references, normalize), answer };
    case 'contains':
      return { score: containsMatch(answer, references, normalize), answer };
    case 'f1':
      return { score: tokenF1(answer, references), answer };
    case 'rouge_l':
      return { score: rougeL(answer, references), answer };
  }
}

async function runGenerate(context: RunContext): Promise<Record<string, MetricValue>> {
  const { model, task, policy } = context;
  const def = task.definition;
  if (def.type !== 'generate') throw new Error('unreachable');
  const names = def.metrics.map((m) => m.name ?? m.metric);
  const values = names.map(() => [] as number[]);
  for (const row of context.rows) {
    const doc = buildTaskDocument(task, row, examplesFor(context, row));
    if (doc.type !== 'generate') throw new Error('unreachable');
    const generation = await withRow(context, row, () =>
      generateUntil(model, doc.prompt, { until: def.until, maxNewTokens: def.maxNewTokens, addBos: def.addBos, maxLength: context.maxLength }),
    );
    if (generation.truncated > 0) context.truncated++;
    const scores: Record<string, number> = {};
    const extracted: Record<string, string> = {};
    def.metrics.forEach((spec, i) => {
      const { score, answer } = scoreGeneration(spec, generation.text, doc.references);
      values[i]!.push(score);
      scores[names[i]!] = score;
      extracted[names[i]!] = answer;
    });
    context.log?.({
      taskId: def.id,
      row: row.index,
      location: row.location,
      type: 'generate',
      prompt: doc.prompt,
      output: generation.text,
      stoppedBy: generation.stoppedBy,
      references: doc.references,
      extracted,
      scores,
    });
  }
  return Object.fromEntries(names.map((name, i) => [name, metric(values[i]!, name, true, policy)]));
}

async function runLoglikelihood(context: RunContext): Promise<Record<string, MetricValue>> {
  const { model, task, policy } = context;
  const def = task.definition;
  if (def.type !== 'loglikelihood') throw new Error('unreachable');
  const greedy: number[] = [];
  const lls: number[] = [];
  for (const row of context.rows) {
    const doc = buildTaskDocument(task, row, examplesFor(context, row));
    if (doc.type !== 'loglikelihood') throw new Error('unreachable');
    const score = await withRow(context, row, () => scoreContinuation(model, doc.context, doc.continuation, { addBos: def.addBos, maxLength: context.maxLength }));
    if (score.truncated > 0) context.truncated++;
    greedy.push(score.isGreedy ? 1 : 0);
    lls.push(score.logLikelihood);
    context.log?.({
      taskId: def.id,
      row: row.index,
      location: row.location,
      type: 'loglikelihood',
      context: doc.context,
      continuation: doc.continuation,
      logLikelihood: score.logLikelihood,
      tokens: score.tokens,
      isGreedy: score.isGreedy,
    });
  }
  const out: Record<string, MetricValue> = {};
  if (def.metrics.includes('acc')) out['acc'] = metric(greedy, 'acc', true, policy);
  if (def.metrics.includes('perplexity')) out['perplexity'] = metric(lls, 'perplexity', false, policy, (xs) => Math.exp(-mean(xs)));
  return out;
}

async function runPerplexity(context: RunContext): Promise<Record<string, MetricValue>> {
  const { model, task, policy } = context;
  const def = task.definition;
  if (def.type !== 'perplexity') throw new Error('unreachable');
  const maxSeqLen = context.maxLength - 1;
  if (maxSeqLen < 1) throw new TaskDefinitionError(`${task.shownFile}: maxLength must be at least 2`);
  const stride = Math.min(def.stride ?? maxSeqLen, maxSeqLen);
  const documents: DocumentLogLikelihood[] = [];
  for (const row of context.rows) {
    const doc = buildTaskDocument(task, row, []);
    if (doc.type !== 'perplexity') throw new Error('unreachable');
    const totals = await withRow(context, row, async () => {
      let tokens = await model.tokenize(doc.text, { addBos: false });
      let prefix = model.info.bosTokenId ?? model.info.eosTokenIds[0];
      if (prefix === undefined) {
        // No BOS or EOS: the first token can only be context.
        prefix = tokens[0]!;
        tokens = tokens.slice(1);
      }
      const windows = rollingWindows(tokens, prefix, maxSeqLen, stride);
      let logLikelihood = 0;
      for (const window of windows) {
        const scored = await model.score!(window.context, window.targets);
        for (const lp of scored.logprobs) logLikelihood += lp;
      }
      return { logLikelihood, tokens: tokens.length, windows: windows.length };
    });
    const record: DocumentLogLikelihood = { logLikelihood: totals.logLikelihood, tokens: totals.tokens, words: countWords(doc.text), bytes: Buffer.byteLength(doc.text, 'utf8') };
    documents.push(record);
    context.log?.({ taskId: def.id, row: row.index, location: row.location, type: 'perplexity', ...record, windows: totals.windows });
  }
  const names: (keyof PerplexityValues)[] = ['nll_per_token', 'token_perplexity', 'word_perplexity', 'byte_perplexity', 'bits_per_byte'];
  const out: Record<string, MetricValue> = {};
  for (const name of names) {
    const statistic = (docs: readonly DocumentLogLikelihood[]) => perplexityMetrics(docs)[name];
    out[name] = {
      value: statistic(documents),
      stderr: bootstrapStderr(documents, statistic, { iterations: policy.bootstrapIterations, seed: policy.seed, stream: streamOf(name) }),
      n: documents.length,
      higherIsBetter: false,
    };
  }
  return out;
}
