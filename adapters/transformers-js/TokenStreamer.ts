/**
 * A transformers.js streamer that timestamps every new token where `generate()` hands it over, for one
 * sequence or a batch of them.
 *
 * transformers.js 4.3.1's `generate()` calls `put()` once with the whole prompt (batch × prompt ids, and
 * the array it passes is the one it later appends to), then once per step with the new token of each
 * batch row, then `end()`. The prompt hand-over is recognised by its content and skipped.
 */
import { BaseStreamer } from '@huggingface/transformers';

export class TokenStreamer extends BaseStreamer {
  private promptPending = true;
  /** Every new token id of each row, in hand-over order. */
  readonly rows: number[][];

  /**
   * @param prompts the prompt ids of each row given to `generate()`, to recognise the first hand-over
   * @param onTokens called synchronously at each hand-over, once per row, with the row's new ids and `performance.now()`
   */
  constructor(
    private readonly prompts: readonly (readonly number[])[],
    private readonly onTokens: (row: number, tokenIds: number[], time: number) => void,
  ) {
    super();
    this.rows = prompts.map(() => []);
  }

  /** The new ids of a single sequence (row 0). */
  get tokenIds(): number[] {
    return this.rows[0]!;
  }

  override put(value: bigint[][]): void {
    const time = performance.now();
    if (value.length !== this.prompts.length) throw new Error(`streamer expected batch size ${this.prompts.length}, got ${value.length}`);
    if (this.promptPending) {
      this.promptPending = false;
      const isPrompt = value.every((row, b) => row.length === this.prompts[b]!.length && row.every((id, i) => Number(id) === this.prompts[b]![i]));
      if (isPrompt) return;
    }
    value.forEach((row, b) => {
      const ids = row.map(Number);
      this.rows[b]!.push(...ids);
      this.onTokens(b, ids, time);
    });
  }

  override end(): void {}
}
