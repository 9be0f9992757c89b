/**
 * Which cascade stage produced a list of token ids, so that `detokenize` turns them into text with that
 * stage's tokenizer when stages have different vocabularies. The cascade records each answer as it
 * streams (callers detokenize outputs still in progress); ids found in no recent answer are taken to be
 * stage 0's (prompts, and answers of stages sharing stage 0's vocabulary).
 */

/** Answers remembered per stage. */
const KEPT_PER_STAGE = 64;

interface Answer {
  /** Order of recording: newer answers win when ids occur in several. */
  sequence: number;
  stage: number;
  ids: number[];
}

export class StageOutputs {
  #sequence = 0;
  readonly #byStage = new Map<number, Answer[]>();

  /**
   * Starts recording an answer of `stage`.
   * @returns the answer's id list, to which the caller appends ids as they are handed over
   */
  start(stage: number): number[] {
    const answer: Answer = { sequence: this.#sequence++, stage, ids: [] };
    const list = this.#byStage.get(stage) ?? [];
    list.push(answer);
    if (list.length > KEPT_PER_STAGE) list.shift();
    this.#byStage.set(stage, list);
    return answer.ids;
  }

  /** The stage whose most recent answer holding `ids` as a contiguous run produced them; 0 when none did. */
  stageOf(ids: readonly number[]): number {
    if (ids.length === 0) return 0;
    let best: Answer | null = null;
    for (const list of this.#byStage.values()) {
      for (let i = list.length - 1; i >= 0; i--) {
        const answer = list[i]!;
        if (best !== null && answer.sequence < best.sequence) break;
        if (contains(answer.ids, ids)) {
          best = answer;
          break;
        }
      }
    }
    return best?.stage ?? 0;
  }
}

function contains(haystack: readonly number[], needle: readonly number[]): boolean {
  outer: for (let start = 0; start + needle.length <= haystack.length; start++) {
    for (let j = 0; j < needle.length; j++) if (haystack[start + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
