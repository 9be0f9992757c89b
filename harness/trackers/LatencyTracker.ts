/**
 * The latency of one generation: `start()` when the request is handed to the backend, `observe()` each
 * token event as it comes, `stop()` turns the events into the repetition's metrics ({@link latencySample},
 * the same code for every backend). The prompt's length is the one handed to the backend, unless the
 * backend counted it itself (`TokenEvent.promptTokens`, a server that tokenized the text).
 */
import type { TokenEvent } from '../../adapters/types.js';
import { latencySample, type RepetitionSample } from './latencySample.js';
import type { Tracker } from './Tracker.js';

export class LatencyTracker implements Tracker<RepetitionSample> {
  readonly kind = 'latency';
  #start = 0;
  readonly #events: TokenEvent[] = [];

  /** @param promptTokens the prompt's length as handed to the backend */
  constructor(private readonly promptTokens: number) {}

  start(): void {
    this.#events.length = 0;
    this.#start = performance.now();
  }

  observe(event: TokenEvent): void {
    this.#events.push(event);
  }

  stop(): RepetitionSample {
    const counted = this.#events.findLast((e) => e.promptTokens !== undefined)?.promptTokens;
    return latencySample(this.#start, this.#events, counted ?? this.promptTokens);
  }
}
