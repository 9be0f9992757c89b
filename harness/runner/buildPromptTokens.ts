/**
 * Builds the prompt of a workload with the model's own tokenizer, as it is handed to the backend: either an
 * explicit prompt (BOS prepended), or exactly N tokens of real English text (`datasets/prompt-text.txt`,
 * written for slmbench), BOS first, the text repeated as often as needed and cut at N tokens. A workload
 * with a `depth` D gets D tokens of the same text first (BOS first; the history already in the KV cache)
 * and its prompt after them: the text's next N tokens, or the explicit prompt without a BOS. The first D
 * ids of the result are the depth.
 */
import { readFileSync } from 'node:fs';
import type { LoadedModel } from '../../adapters/types.js';
import type { Workload } from '../matrix/MatrixEntry.js';

import { projectPath } from '../util/projectPath.js';

let cachedText: string | undefined;

/** Returns the prompt token ids of the workload (its depth first), BOS first where the model has one. */
export async function buildPromptTokens(model: LoadedModel, workload: Workload): Promise<number[]> {
  const depth = workload.depth ?? 0;
  if (workload.prompt !== undefined) {
    if (depth === 0) return model.tokenize(workload.prompt, { addBos: true });
    return [...(await realText(model, depth)), ...(await model.tokenize(workload.prompt, { addBos: false }))];
  }
  return realText(model, depth + (workload.promptTokens ?? 0));
}

/** Exactly `wanted` tokens of the prompt text, BOS first. */
async function realText(model: LoadedModel, wanted: number): Promise<number[]> {
  cachedText ??= readFileSync(projectPath('datasets', 'prompt-text.txt'), 'utf8');
  const text = cachedText;
  let ids = await model.tokenize(text, { addBos: true });
  const body = ids.slice(model.info.bosTokenId !== null && ids[0] === model.info.bosTokenId ? 1 : 0);
  if (body.length === 0) throw new Error('the prompt text tokenized to nothing');
  // Repeat the text's tokens until long enough.
  while (ids.length < wanted) ids = ids.concat(body);
  return ids.slice(0, wanted);
}
