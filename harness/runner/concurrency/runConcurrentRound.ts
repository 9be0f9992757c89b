/**
 * One round of concurrent requests on a loaded model, timed as one user each would see it: every request
 * arrives at its offset (`arrivalOffsets`), and its TTFT, TPOT and end-to-end time count from its arrival,
 * through the same metric code as a single request (`latencySample`). How the requests share the model
 * is the backend's batching (`capabilities.batching`):
 * - `continuous` (llama.cpp): every request handed over at once with its arrival time; it joins the
 *   sequences already decoding when it arrives;
 * - `static` (our ONNX loop, transformers.js): a batch starts `windowMs` after its first request arrived
 *   (at once when the whole rest of the round has arrived), with every request that arrived by then;
 *   requests arriving while it runs wait for the next batch;
 * - `sequential` (no batching): one request after another in arrival order, each when it has arrived and
 *   the previous one finished.
 * The round's output rate is every request's tokens over the time from the round's start to its last token.
 */
import type { BatchTokenEvent, LoadedModel, TokenEvent } from '../../../adapters/types.js';
import { latencySample, type RepetitionSample } from '../../trackers/latencySample.js';

/** How the requests of a round shared the model. */
export type Batching = 'continuous' | 'static' | 'sequential';

/** What one round measured. */
export interface RoundResult {
  /** One sample per request, in request order, each timed from its own arrival. */
  samples: RepetitionSample[];
  /** Output tokens of every request ÷ (last token − round start), tokens/s. */
  outputTps: number;
  /** Last token − round start (ms). */
  spanMs: number;
  /** The sizes of the batches the round ran, in order (1s for sequential). */
  batchSizes: number[];
}

/** A round's requests: their prompts, tokens each, arrivals (ms after the start) and the static batching window. */
export interface RoundInput {
  prompts: readonly number[][];
  genTokens: number;
  offsets: readonly number[];
  windowMs: number;
  batching: Batching;
  /** Called with each request's first hand-over (the harness checks its cached tokens). */
  onFirst?(request: number, event: TokenEvent): void;
}

export async function runConcurrentRound(model: LoadedModel, input: RoundInput): Promise<RoundResult> {
  const { prompts, genTokens, offsets, windowMs, batching } = input;
  const start = performance.now();
  const arrivals = offsets.map((o) => start + o);
  const events: TokenEvent[][] = prompts.map(() => []);
  const take = (request: number, event: TokenEvent) => {
    if (events[request]!.length === 0) input.onFirst?.(request, event);
    events[request]!.push(event);
  };
  const request = (i: number) => ({ promptTokenIds: prompts[i]!, maxNewTokens: genTokens, ignoreEos: true });
  const batchSizes: number[] = [];
  if (batching === 'continuous') {
    batchSizes.push(prompts.length);
    for await (const e of model.generateBatch!(prompts.map((_, i) => ({ ...request(i), startAt: arrivals[i]! })))) take(e.request, e);
  } else if (batching === 'static') {
    let next = 0;
    while (next < prompts.length) {
      const first = arrivals[next]!;
      const ready = Math.max(performance.now(), first);
      const allIn = arrivals[prompts.length - 1]! <= ready;
      const close = allIn ? ready : Math.max(ready, first + windowMs);
      await sleepUntil(close);
      const members: number[] = [];
      while (next < prompts.length && arrivals[next]! <= close) members.push(next++);
      batchSizes.push(members.length);
      const batch = model.generateBatch!(members.map((i) => request(i)));
      for await (const e of batch as AsyncIterable<BatchTokenEvent>) take(members[e.request]!, e);
    }
  } else {
    for (let i = 0; i < prompts.length; i++) {
      await sleepUntil(arrivals[i]!);
      batchSizes.push(1);
      for await (const e of model.generate(request(i))) take(i, e);
    }
  }
  const samples = prompts.map((prompt, i) => latencySample(arrivals[i]!, events[i]!, prompt.length));
  const last = Math.max(...events.flatMap((list) => list.map((e) => e.time)));
  const spanMs = last - start;
  const tokens = samples.reduce((n, s) => n + s.tokenIds.length, 0);
  return { samples, outputTps: spanMs > 0 ? (tokens / spanMs) * 1000 : 0, spanMs, batchSizes };
}

async function sleepUntil(time: number): Promise<void> {
  const wait = time - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
