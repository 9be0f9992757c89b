/**
 * A transformers.js streamer that timestamps every new token where `generate()` hands it over.
 *
 * transformers.js 4.3.1's `generate()` calls `put()` once with the whole prompt (batch × prompt ids, and
 * the array it passes is the one it later appends to), then once per step with the new token of each
 * batch row, then `end()`. The prompt hand-over is recognised by its content and skipped.
 */
import { BaseStreamer } from '@huggingface/transformers';

export class TokenStreamer extends BaseStreamer {
  private promptPending = true;
  /** Every new token id in hand-over order (batch 1). */
  readonly tokenIds: number[] = [];

  /**
   * @param promptIds the prompt ids given to `generate()`, to recognise the first hand-over
   * @param onTokens called synchronously at each hand-over with the new ids and `performance.now()`
   */
  constructor(
    private readonly promptIds: readonly number[],
    private readonly onTokens: (tokenIds: number[], time: number) => void,
  ) {
    super();
  }

  override put(value: bigint[][]): void {
    const time = performance.now();
    const row = value[0];
    if (value.length !== 1 || !row) throw new Error(`streamer expected batch size 1, got ${value.length}`);
    if (this.promptPending) {
      this.promptPending = false;
      if (row.length === this.promptIds.length && row.every((id, i) => Number(id) === this.promptIds[i])) return;
    }
    const ids = row.map(Number);
    this.tokenIds.push(...ids);
    this.onTokens(ids, time);
  }

  override end(): void {}
}
