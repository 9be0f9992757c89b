/**
 * Makes a fidelity reference with a loaded model (in the reference's worker): the text tokenized with the
 * model's tokenizer and cut into consecutive disjoint windows of `windowTokens` tokens (the BOS first where
 * the model has one, else the window's first token is its context), the distribution before every other
 * token stored as its top k plus the remainder's mass, and the greedy ids of every workload compared with it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LoadedModel } from '../../adapters/types.js';
import type { Workload } from '../matrix/MatrixEntry.js';
import { buildPromptTokens } from '../runner/buildPromptTokens.js';
import { FidelityError, WorkloadError } from '../errors.js';
import { FIDELITY_FORMAT, type FidelityReference, type ReferenceGreedy, type ReferenceWindow } from './FidelityReference.js';
import { referencePosition } from './referencePosition.js';
import { walkWindows } from './walkWindows.js';

/** What the reference is made of. */
export interface ReferenceInput {
  /** The text file (absolute). */
  textFile: string;
  windowTokens: number;
  windows: number;
  topK: number;
  /** Workloads whose greedy ids the compared entries are checked against. */
  workloads: readonly Workload[];
  /** Who makes it, as recorded in the file (versions filled in by the caller). */
  identity: FidelityReference['reference'];
}

export async function computeFidelityReference(model: LoadedModel, input: ReferenceInput): Promise<FidelityReference> {
  const backend = input.identity.backend.id;
  if (typeof model.vocabulary !== 'function') throw new FidelityError(`backend ${backend} cannot list its vocabulary, so no entry could be checked against a reference it makes`);
  const bytes = readFileSync(input.textFile);
  const text = bytes.toString('utf8');
  const ids = await model.tokenize(text, { addBos: false });
  const bos = model.info.bosTokenId;
  const context = model.info.contextLength;
  if (context > 0 && input.windowTokens > context) {
    throw new WorkloadError(`fidelity windowTokens ${input.windowTokens} exceeds ${input.identity.model.name}'s context of ${context} tokens`);
  }
  // With a BOS every window is BOS + (windowTokens − 1) text tokens, all predicted; without, the window's
  // first text token is its context.
  const span = bos !== null ? input.windowTokens - 1 : input.windowTokens;
  const cut: { prefix: number[]; tokens: number[] }[] = [];
  for (let start = 0; start + span <= ids.length && cut.length < input.windows; start += span) {
    const chunk = ids.slice(start, start + span);
    cut.push(bos !== null ? { prefix: [bos], tokens: chunk } : { prefix: chunk.slice(0, 1), tokens: chunk.slice(1) });
  }
  if (cut.length === 0) {
    throw new FidelityError(`${input.textFile}: ${ids.length} tokens, fewer than one window of ${input.windowTokens} (lower fidelity.windowTokens or give a longer text)`);
  }
  const windows: ReferenceWindow[] = cut.map((w) => ({ ...w, positions: [] }));
  await walkWindows(model, backend, cut, (w, i, logprobs) => {
    const window = windows[w]!;
    window.positions.push(referencePosition(logprobs, window.tokens[i]!, input.topK));
  });
  const greedy: ReferenceGreedy[] = [];
  for (const workload of input.workloads) {
    const promptTokenIds = await buildPromptTokens(model, workload);
    const tokenIds: number[] = [];
    for await (const event of model.generate({ promptTokenIds, maxNewTokens: workload.genTokens, ignoreEos: true })) tokenIds.push(...event.tokenIds);
    greedy.push({ workload: workload.name, promptTokenIds, tokenIds });
  }
  return {
    format: FIDELITY_FORMAT,
    version: 1,
    reference: input.identity,
    text: { file: input.textFile, sha256: createHash('sha256').update(bytes).digest('hex'), windowTokens: input.windowTokens, windows: windows.length },
    topK: input.topK,
    vocabulary: await model.vocabulary(),
    windows,
    greedy,
    createdAt: new Date().toISOString(),
  };
}
