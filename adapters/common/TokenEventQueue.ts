/**
 * A single-consumer queue between a producer that pushes token events from inside a running
 * generation and an async iterator that yields them as they arrive. The producer ends it with
 * `close()` or `fail(error)`; the iterator yields what was buffered, then finishes or throws. Shared by
 * the backends whose generations hand tokens over from callbacks or from several sequences at once.
 */
import type { TokenEvent } from '../types.js';

export class TokenEventQueue<E extends TokenEvent = TokenEvent> implements AsyncIterable<E> {
  private readonly buffered: E[] = [];
  private closed = false;
  private failure: { error: unknown } | null = null;
  private wake: (() => void) | null = null;

  /** Adds an event; ignored after `close()` or `fail()`. */
  push(event: E): void {
    if (this.closed) return;
    this.buffered.push(event);
    this.notify();
  }

  /** Ends the stream after the buffered events. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  /** Ends the stream with an error, thrown to the consumer after the buffered events. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = { error };
    this.closed = true;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<E> {
    for (;;) {
      const event = this.buffered.shift();
      if (event) {
        yield event;
        continue;
      }
      if (this.closed) {
        if (this.failure) throw this.failure.error;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
