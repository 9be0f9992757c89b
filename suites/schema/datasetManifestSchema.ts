/**
 * `datasets/manifest.json`: slmbench's own datasets, each with its file, row count, sha256, license and
 * how it was made.
 */
import { z } from 'zod';

/** One dataset of the manifest. */
export const datasetManifestEntrySchema = z
  .object({
    /** Id used by tasks as `builtin:ID`. */
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
    /** File name under `datasets/`. */
    file: z.string().min(1),
    /** Number of rows the loader reads from it. */
    rows: z.number().int().min(1),
    /** sha256 of the file's bytes. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** License of the data (SPDX id). */
    license: z.string().min(1),
    /** How the data was made (generator script and seed, or who wrote it). */
    made: z.string().min(1),
    /** What the rows hold. */
    description: z.string().min(1),
    /** Fields of each row. */
    fields: z.array(z.string()).min(1),
    /** Text files: the separator between rows. Default: a newline. */
    separator: z.string().min(1).optional(),
  })
  .strict();

/** The manifest file. */
export const datasetManifestSchema = z
  .object({
    /** Manifest format version. */
    version: z.literal(1),
    datasets: z.array(datasetManifestEntrySchema).min(1),
  })
  .strict();

export type DatasetManifestEntry = z.output<typeof datasetManifestEntrySchema>;
export type DatasetManifest = z.output<typeof datasetManifestSchema>;
