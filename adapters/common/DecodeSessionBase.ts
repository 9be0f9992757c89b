/**
 * What the adapters' decode sessions share: the checks on pushed tokens, one step at a time, and the
 * one-session-per-model rule. A model keeps its open session and ends it (`supersede`) before it opens
 * another, generates or scores; a superseded session frees its cache once, and every later `push` on it
 * throws a BackendRuntimeError instead of touching the model's new state. `close()` on a session that is
 * already ended does nothing (in particular it never frees what a later session or `generate` uses).
 */
import { BackendRuntimeError, WorkloadError } from '../../harness/errors.js';
import type { DecodeSession } from '../types.js';

/** Why a session no longer takes tokens. */
type Ended = 'closed' | 'superseded' | 'failed';

/** Limits of a session, fixed when it is opened. */
export interface DecodeSessionLimits {
  /** Backend id, for messages. */
  backend: string;
  /** Length of the distribution; pushed ids must lie below it. */
  vocabSize: number;
  /** Most tokens the session may hold, prompt included (0 = no limit known). */
  maxLength: number;
  /** What bounds `maxLength`, for messages (`the context of 256 tokens`). */
  maxLengthReason: string;
}

export abstract class DecodeSessionBase implements DecodeSession {
  /** Written by {@link DecodeSessionBase.evaluate}: ln p of every token id at the next position. */
  logprobs: Float32Array;
  #length = 0;
  #ended: Ended | null = null;
  /** The step in flight (opening or a push), which ending the session waits for before freeing. */
  #busy: Promise<void> | null = null;
  #released: Promise<void> | null = null;

  protected constructor(protected readonly limits: DecodeSessionLimits) {
    this.logprobs = new Float32Array(limits.vocabSize);
  }

  get length(): number {
    return this.#length;
  }

  /** True until the session is closed, superseded or broken by a failed step. */
  get isOpen(): boolean {
    return this.#ended === null;
  }

  /**
   * Evaluates the prompt (ids already checked by the model) and fills `logprobs`. Called once, by the
   * model that made the session.
   * @throws BackendRuntimeError when the session was superseded while the prompt ran (it is then freed)
   */
  async open(promptTokenIds: readonly number[]): Promise<void> {
    await this.#step(promptTokenIds, 0);
  }

  async push(tokenId: number): Promise<void> {
    const { backend, vocabSize, maxLength, maxLengthReason } = this.limits;
    if (this.#ended !== null) throw new BackendRuntimeError(backend, `push on a decode session that is ${this.#describeEnded()}`);
    if (this.#busy !== null) throw new BackendRuntimeError(backend, 'push on a decode session whose previous push has not finished');
    if (!Number.isInteger(tokenId) || tokenId < 0 || tokenId >= vocabSize) {
      throw new WorkloadError(`push: token id ${tokenId} is outside the vocabulary of ${vocabSize}`);
    }
    if (maxLength > 0 && this.#length + 1 > maxLength) {
      throw new WorkloadError(`push: a session of ${this.#length} tokens cannot take another: ${maxLengthReason}`);
    }
    await this.#step([tokenId], this.#length);
  }

  async close(): Promise<void> {
    await this.#end('closed');
  }

  /** Ends the session because its model starts other work (another session, `generate`, `score`). */
  async supersede(): Promise<void> {
    await this.#end('superseded');
  }

  /**
   * Runs `tokenIds` at positions `pastLength …` after the tokens already in the cache and writes the
   * distribution that follows the last of them into `logprobs`. Called one at a time. Must leave
   * `logprobs` unchanged when it throws.
   */
  protected abstract evaluate(tokenIds: readonly number[], pastLength: number): Promise<void>;

  /** Frees the session's cache; called once, after the last step has settled. */
  protected abstract release(): Promise<void>;

  async #step(tokenIds: readonly number[], pastLength: number): Promise<void> {
    const step = this.evaluate(tokenIds, pastLength);
    this.#busy = step.then(
      () => undefined,
      () => undefined,
    );
    try {
      await step;
    } catch (error) {
      // The cache may hold part of the step: the session cannot go on.
      if (this.#ended === null) {
        this.#busy = null;
        await this.#end('failed');
      }
      throw error;
    } finally {
      this.#busy = null;
    }
    if (this.#ended !== null) {
      throw new BackendRuntimeError(this.limits.backend, `the decode session was ${this.#describeEnded()} while it ran`);
    }
    this.#length = pastLength + tokenIds.length;
  }

  async #end(reason: Ended): Promise<void> {
    if (this.#ended === null) {
      this.#ended = reason;
      const pending = this.#busy;
      this.#released = (pending ?? Promise.resolve()).then(() => this.release());
    }
    await this.#released;
  }

  #describeEnded(): string {
    switch (this.#ended) {
      case 'superseded':
        return 'no longer current: its model opened another session, or generated or scored, since';
      case 'failed':
        return 'broken by a failed step';
      default:
        return 'closed';
    }
  }
}
