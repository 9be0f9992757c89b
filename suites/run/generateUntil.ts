/**
 * Greedy generation until a stop string, end-of-sequence or the token limit, through
 * `LoadedModel.generate` with `ignoreEos: false`: the stream is read token by token and left (the loop
 * breaks, which adapters support) as soon as the decoded text holds a stop string. The returned text is
 * cut before the first stop string and never includes an EOS token. A prompt longer than
 * `maxLength − maxNewTokens` tokens loses tokens from the left, as lm-evaluation-harness truncates.
 */
import type { LoadedModel } from '../../adapters/types.js';

/** One generation. */
export interface Generation {
  /** The generated text, cut before the first stop string. */
  text: string;
  /** Tokens generated (including the ones that formed the stop string). */
  tokens: number;
  /** Why it ended. */
  stoppedBy: 'until' | 'eos' | 'length';
  /** Prompt tokens dropped from the left (0 when it fit). */
  truncated: number;
}

/** Options of {@link generateUntil}. */
export interface GenerateUntilOptions {
  /** Stop strings. */
  until: readonly string[];
  /** Most tokens to generate. */
  maxNewTokens: number;
  /** Prepend BOS (where the model has one). */
  addBos: boolean;
  /** Most tokens (prompt + generated) the model may hold. */
  maxLength: number;
}

/** Generates greedily after `prompt`. */
export async function generateUntil(model: LoadedModel, prompt: string, options: GenerateUntilOptions): Promise<Generation> {
  const maxNewTokens = Math.max(1, Math.min(options.maxNewTokens, options.maxLength - 1));
  let promptIds = await model.tokenize(prompt, { addBos: options.addBos });
  if (promptIds.length === 0) {
    const prefix = model.info.bosTokenId ?? model.info.eosTokenIds[0];
    if (prefix === undefined) throw new Error('the prompt is empty and the model has neither BOS nor EOS to start from');
    promptIds = [prefix];
  }
  const room = options.maxLength - maxNewTokens;
  const truncated = Math.max(0, promptIds.length - room);
  if (truncated > 0) promptIds = promptIds.slice(truncated);
  const eos = new Set(model.info.eosTokenIds);
  const ids: number[] = [];
  let produced = 0;
  let text = '';
  let stoppedBy: Generation['stoppedBy'] = 'length';
  outer: for await (const event of model.generate({ promptTokenIds: promptIds, maxNewTokens, ignoreEos: false })) {
    for (const id of event.tokenIds) {
      produced++;
      if (eos.has(id)) {
        stoppedBy = 'eos';
        break outer;
      }
      ids.push(id);
      text = await model.detokenize(ids);
      const cut = firstStop(text, options.until);
      if (cut >= 0) {
        text = text.slice(0, cut);
        stoppedBy = 'until';
        break outer;
      }
      if (produced >= maxNewTokens) break outer;
    }
  }
  return { text, tokens: produced, stoppedBy, truncated };
}

function firstStop(text: string, until: readonly string[]): number {
  let best = -1;
  for (const stop of until) {
    const at = text.indexOf(stop);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}
