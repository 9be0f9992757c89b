/**
 * Measures an entry against a fidelity reference with its loaded model (in the entry's worker; the
 * vocabularies were compared when the step opened, see FidelityStep): the reference's windows are walked
 * teacher-forced and every position compared ({@link FidelityAccumulator});
 * the entry's greedy ids of the measured workload are compared with the reference's for the same prompt.
 */
import type { LoadedModel } from '../../adapters/types.js';
import type { Workload } from '../matrix/MatrixEntry.js';
import { FidelityAccumulator, type FidelityMetrics } from './FidelityAccumulator.js';
import type { FidelityReference } from './FidelityReference.js';
import { generationAgreement, type GenerationAgreement } from './generationAgreement.js';
import { walkWindows } from './walkWindows.js';

/** `metrics.fidelity`: the distribution figures and the generation agreement of the measured workload. */
export interface EntryFidelity extends FidelityMetrics {
  /**
   * The measured greedy ids against the reference's for the same workload; null where the reference has
   * no greedy ids for it or the prompts' ids differ (`generationNote` says which).
   */
  generation: GenerationAgreement | null;
  generationNote?: string;
}

export async function measureFidelity(
  model: LoadedModel,
  backend: string,
  reference: FidelityReference,
  sha256: string,
  measured: { workload: Workload; promptTokenIds: readonly number[]; tokenIds: readonly number[] },
): Promise<EntryFidelity> {
  const accumulator = new FidelityAccumulator();
  await walkWindows(model, backend, reference.windows, (w, i, logprobs) => {
    const window = reference.windows[w]!;
    accumulator.add(window.positions[i]!, logprobs, window.tokens[i]!);
  });
  const who = reference.reference;
  const metrics = accumulator.result({ sha256, label: who.label, modelSha256: who.model.sha256, backend: who.backend.id, options: who.backend.options });
  const greedy = reference.greedy.find((g) => g.workload === measured.workload.name);
  if (!greedy) return { ...metrics, generation: null, generationNote: `the reference has no greedy ids for workload ${measured.workload.name}` };
  if (greedy.promptTokenIds.join(',') !== measured.promptTokenIds.join(',')) {
    return { ...metrics, generation: null, generationNote: `the prompt of ${measured.workload.name} tokenizes differently here than in the reference` };
  }
  return { ...metrics, generation: generationAgreement(greedy.tokenIds, measured.tokenIds) };
}
