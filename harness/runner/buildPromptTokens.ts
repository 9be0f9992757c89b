/**
 * Builds the prompt of a workload with the model's own tokenizer, as it is handed to the backend: either an
 * explicit prompt (BOS prepended), or exactly N tokens of real English text (`datasets/prompt-text.txt`,
 * written for slmbench), BOS first, the text repeated as often as needed and cut at N tokens. A workload
 * with a `depth` D gets D tokens of the same text first (BOS first; the history already in the KV cache)
 * and its prompt after them: the text's next N tokens, or the explicit prompt without a BOS. The first D
 * ids of the result are the depth. Request r > 0 of a concurrent round gets the text's r-th next stretch
 * of the same length, BOS first (an explicit prompt is the same for every request).
 */
import { readFileSync } from 'node:fs';
import type { LoadedModel } from '../../adapters/types.js';
import type { Workload } from '../matrix/MatrixEntry.js';

import { projectPath } from '../util/projectPath.js';

let cachedText: string | undefined;

/** Returns the prompt token ids of the workload (its depth first), BOS first where the model has one; `request` picks a concurrent request's own prompt (default 0). */
export async function buildPromptTokens(model: LoadedModel, workload: Workload, request = 0): Promise<number[]> {
  const depth = workload.depth ?? 0;
  if (request > 0 && workload.prompt === undefined) {
    const length = workload.promptTokens ?? 0;
    const all = await realText(model, (request + 1) * length);
    const bos = model.info.bosTokenId !== null && all[0] === model.info.bosTokenId ? 1 : 0;
    const body = length - bos;
    return [...all.slice(0, bos), ...all.slice(bos + request * body, bos + (request + 1) * body)];
  }
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
