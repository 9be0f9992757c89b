/**
 * What a worker does for fidelity (runner → worker, in `ScenarioSettings.fidelity`): make the reference
 * file with its model (the reference's own short run), measure its entry against a file made before, or
 * nothing, with the reason recorded (the family's reference could not be made).
 */
import type { ReferenceInput } from './computeFidelityReference.js';
import type { EntryFidelity } from './measureFidelity.js';

export type FidelityJob =
  | {
      role: 'reference';
      /** Where to write the file (made atomically). */
      file: string;
      /** What to make it of; `identity.backend.versions` is filled in by the worker. */
      input: ReferenceInput;
    }
  | {
      role: 'compare';
      /** The reference file. */
      file: string;
      /** Its sha256 as the runner read it: a file changed since is refused. */
      sha256: string;
    }
  | { role: 'none'; reason: string };

/** What the worker reports back. */
export type FidelityOutcome =
  | { role: 'reference'; sha256: string }
  | { role: 'compare'; fidelity: EntryFidelity }
  | { role: 'skipped'; reason: string };
