/** The greedy ids a loaded model generates alone for a prompt: `n` tokens, end-of-sequence ignored. */
import type { LoadedModel } from '../../adapters/types.js';

export async function greedyIds(model: LoadedModel, promptTokenIds: number[], n: number): Promise<number[]> {
  const ids: number[] = [];
  for await (const event of model.generate({ promptTokenIds, maxNewTokens: n, ignoreEos: true })) ids.push(...event.tokenIds);
  return ids;
}
