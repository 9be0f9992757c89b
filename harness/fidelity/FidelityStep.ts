/**
 * The fidelity step of a worker's scenario. Opened right after load, before anything is measured, so that
 * what would refuse the entry does so before it costs a measurement: a reference file changed since the
 * sweep read it, or a vocabulary that differs from the reference's (VOCABULARY_MISMATCH, naming the first
 * differing token). Run after the accuracy tasks: makes the reference file (the reference's own run) or
 * measures the entry against one. A backend without decode sessions is skipped with the reason (its entry
 * keeps everything else it measured).
 */
import type { Adapter, LoadedModel } from '../../adapters/types.js';
import { compareVocabularies } from '../../adapters/composite-common/compareVocabularies.js';
import { FidelityError, VocabularyMismatchError } from '../errors.js';
import type { PlannedEntry } from '../matrix/PlannedEntry.js';
import { computeFidelityReference } from './computeFidelityReference.js';
import type { FidelityReference } from './FidelityReference.js';
import { readFidelityReference, writeFidelityReference } from './fidelityReferenceFile.js';
import type { FidelityJob, FidelityOutcome } from './FidelityJob.js';
import { measureFidelity } from './measureFidelity.js';

export class FidelityStep {
  private constructor(
    private readonly job: FidelityJob,
    private readonly model: LoadedModel,
    private readonly entry: PlannedEntry,
    private readonly skipped: string | null,
    private readonly reference: { reference: FidelityReference; sha256: string } | null,
  ) {}

  /** Checks the job against the loaded model; throws FidelityError or VocabularyMismatchError to refuse the entry. */
  static async open(job: FidelityJob, model: LoadedModel, entry: PlannedEntry): Promise<FidelityStep> {
    if (job.role === 'none') return new FidelityStep(job, model, entry, job.reason, null);
    if (typeof model.openSession !== 'function' || typeof model.vocabulary !== 'function') {
      return new FidelityStep(job, model, entry, `backend ${entry.backend.id} exposes no next-token distributions (decode sessions)`, null);
    }
    if (job.role === 'reference') return new FidelityStep(job, model, entry, null, null);
    const read = readFidelityReference(job.file);
    if (read.sha256 !== job.sha256) throw new FidelityError(`${job.file}: the fidelity reference changed during the sweep (sha256 ${read.sha256}, the sweep read ${job.sha256})`);
    const difference = compareVocabularies(read.reference.vocabulary, await model.vocabulary());
    const against = `the fidelity reference (${read.reference.reference.label})`;
    if (difference?.kind === 'token') {
      throw new VocabularyMismatchError(
        entry.backend.id,
        `${entry.model.name}'s vocabulary differs from ${against} at token id ${difference.id}: ${JSON.stringify(difference.b)} where the reference has ${JSON.stringify(difference.a)}`,
      );
    }
    if (difference?.kind === 'size') {
      throw new VocabularyMismatchError(
        entry.backend.id,
        `${entry.model.name} has ${difference.b} tokens against ${difference.a} in ${against} (the first ${Math.min(difference.a, difference.b)} agree)`,
      );
    }
    return new FidelityStep(job, model, entry, null, read);
  }

  /** Runs the job (after the measured loop and the tasks). */
  async run(adapter: Pick<Adapter, 'versions'>, measured: { promptTokenIds: readonly number[]; tokenIds: readonly number[] }, onStart: () => Promise<void> | void): Promise<FidelityOutcome> {
    if (this.skipped !== null) return { role: 'skipped', reason: this.skipped };
    await onStart();
    const { job, model, entry } = this;
    if (job.role === 'reference') {
      const versions = { ...(await adapter.versions()) } as Record<string, string>;
      const identity = { ...job.input.identity, backend: { ...job.input.identity.backend, versions } };
      const reference = await computeFidelityReference(model, { ...job.input, identity });
      return { role: 'reference', sha256: writeFidelityReference(job.file, reference) };
    }
    const { reference, sha256 } = this.reference!;
    return { role: 'compare', fidelity: await measureFidelity(model, entry.backend.id, reference, sha256, { workload: entry.workload, ...measured }) };
  }
}
