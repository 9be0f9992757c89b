/**
 * Reading and writing fidelity reference files: gzip-compressed JSON ({@link FidelityReference}), written
 * atomically, identified by the sha256 of the file's bytes. Float32 log-probabilities survive the round
 * trip exactly (JSON prints the shortest decimal that reads back to the same double).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FidelityError } from '../errors.js';
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import { FIDELITY_FORMAT, type FidelityReference } from './FidelityReference.js';

/** Writes `reference` to `file`; returns the file's sha256. */
export function writeFidelityReference(file: string, reference: FidelityReference): string {
  const bytes = gzipSync(JSON.stringify(reference), { level: 6 });
  writeFileAtomic(file, bytes);
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads the reference in `file` with its sha256; throws FidelityError naming the file for anything else. */
export function readFidelityReference(file: string): { reference: FidelityReference; sha256: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new FidelityError(`${file}: cannot read the fidelity reference (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(gunzipSync(bytes).toString('utf8'));
  } catch (error) {
    throw new FidelityError(`${file}: not a fidelity reference (gzip-compressed JSON): ${(error as Error).message}`);
  }
  const reference = value as Partial<FidelityReference> | null;
  if (!reference || reference.format !== FIDELITY_FORMAT) throw new FidelityError(`${file}: not a fidelity reference (format is not ${FIDELITY_FORMAT})`);
  if (reference.version !== 1) throw new FidelityError(`${file}: fidelity reference version ${String(reference.version)} is not one this slmbench reads (1)`);
  return { reference: reference as FidelityReference, sha256: createHash('sha256').update(bytes).digest('hex') };
}
