import { TransientHubError } from './withHubRetries.js';

/**
 * Aborts a request when nothing arrives for `ms` milliseconds: `touch()` on every chunk, `clear()` when
 * done. The abort reason is a TransientHubError, so the transfer is retried.
 */
export class StallTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ms: number,
    private readonly what: string,
  ) {
    this.touch();
  }

  /** Signal to pass to fetch. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Something arrived: restart the countdown. */
  touch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.controller.abort(new TransientHubError(`${this.what}: nothing received for ${this.ms / 1000} s`));
    }, this.ms);
    this.timer.unref();
  }

  /** Stops the countdown. */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
