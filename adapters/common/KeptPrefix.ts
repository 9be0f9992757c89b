/**
 * The prefix a model keeps for `LoadedModel.keepPrefix`, as token ids, and the rule every backend applies
 * to it: a prompt reuses the kept prefix when it starts with exactly those tokens and has at least one
 * token more (the last position must be evaluated for its logits).
 */
import { WorkloadError } from '../../harness/errors.js';

export class KeptPrefix {
  #tokens: readonly number[] | null = null;

  /** The kept token ids; null when none is kept. */
  get tokens(): readonly number[] | null {
    return this.#tokens;
  }

  /** Refuses an empty prefix; called before the backend evaluates it. */
  static check(tokenIds: readonly number[]): void {
    if (tokenIds.length === 0) throw new WorkloadError('keepPrefix needs at least one token (BOS where the model has one)');
  }

  /** Records `tokenIds` as kept, after the backend evaluated them. */
  set(tokenIds: readonly number[]): void {
    KeptPrefix.check(tokenIds);
    this.#tokens = [...tokenIds];
  }

  /** Forgets the kept prefix (the backend's cache no longer holds it). */
  clear(): void {
    this.#tokens = null;
  }

  /** How many leading tokens of `promptTokenIds` come from the kept prefix: its length, or 0 when the prompt does not extend it. */
  reusableBy(promptTokenIds: readonly number[]): number {
    const kept = this.#tokens;
    if (!kept || promptTokenIds.length <= kept.length) return 0;
    for (let i = 0; i < kept.length; i++) if (promptTokenIds[i] !== kept[i]) return 0;
    return kept.length;
  }
}
