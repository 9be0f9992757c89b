/**
 * Builds the prompt of a workload with the model's own tokenizer: either an explicit prompt (BOS
 * prepended), or exactly N tokens of real English text (`datasets/prompt-text.txt`, written for slmbench),
 * BOS first, the text repeated as often as needed and cut at N tokens.
 */
import { readFileSync } from 'node:fs';
import type { LoadedModel } from '../../adapters/types.js';
import type { Workload } from '../matrix/MatrixEntry.js';

import { projectPath } from '../util/projectPath.js';

let cachedText: string | undefined;

/** Returns the prompt token ids of the workload, BOS first where the model has one. */
export async function buildPromptTokens(model: LoadedModel, workload: Workload): Promise<number[]> {
  if (workload.prompt !== undefined) return model.tokenize(workload.prompt, { addBos: true });
  const wanted = workload.promptTokens ?? 0;
  cachedText ??= readFileSync(projectPath('datasets', 'prompt-text.txt'), 'utf8');
  const text = cachedText;
  let ids = await model.tokenize(text, { addBos: true });
  const body = ids.slice(model.info.bosTokenId !== null && ids[0] === model.info.bosTokenId ? 1 : 0);
  if (body.length === 0) throw new Error('the prompt text tokenized to nothing');
  // Repeat the text's tokens until long enough.
  while (ids.length < wanted) ids = ids.concat(body);
  return ids.slice(0, wanted);
}
