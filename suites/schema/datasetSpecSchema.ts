/**
 * Where a task's rows come from and how they are read: the `dataset` block of a task file.
 */
import { z } from 'zod';

/** File formats the loaders read. */
export const DATASET_FORMATS = ['jsonl', 'json', 'csv', 'tsv', 'text', 'parquet'] as const;

const fileSpecShape = {
  /**
   * Where the data is:
   * - `builtin:ID`: one of slmbench's own datasets (`datasets/manifest.json`; its sha256 is checked);
   * - `shared:PATH`: a file under the shared public-benchmark folder (`SLMBENCH_SHARED/datasets`, or the
   *   folder given in the config), never copied into the repository;
   * - `hf:OWNER/NAME`: a Hugging Face dataset repository, downloaded once into the cache (see `file`,
   *   `split`, `config`, `revision`);
   * - any other text: a local path, relative to the task file's folder.
   */
  source: z.string().min(1),
  /**
   * File format. Default: from the file name (`.jsonl`, `.json`, `.csv`, `.tsv`, `.txt`/`.lst` → text,
   * `.parquet`; a `.bz2` or `.gz` suffix is looked through).
   */
  format: z.enum(DATASET_FORMATS).optional(),
  /** Compression of the file. Default: from the name (`.bz2`, `.gz`), else none. */
  compression: z.enum(['none', 'gzip', 'bz2']).optional(),
  /**
   * Expected sha256 of the file's bytes (as stored, before decompression). Default: none for local and
   * `hf:` files; the manifest's for `builtin:`. A file whose sha256 differs is refused.
   */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits')
    .optional(),
  /** `hf:` only: path of the file inside the dataset repository. Default: the parquet conversion of `split`. */
  file: z.string().min(1).optional(),
  /** `hf:` only: the split whose parquet conversion to read (`{config}/{split}/0000.parquet`) when `file` is not given. */
  split: z.string().min(1).optional(),
  /** `hf:` only: the dataset config of `split`. Default: `default`. */
  config: z.string().min(1).optional(),
  /**
   * `hf:` only: git revision (branch, tag or commit). Default: `main` with `file`, `refs/convert/parquet`
   * with `split`. Pin a commit for reproducible results.
   */
  revision: z.string().min(1).optional(),
  /** `json` only: path of the list of rows inside the document (`data.rows`). Default: the document itself. */
  records: z.string().min(1).optional(),
  /** `csv`/`tsv`: field separator. Default: `,` for csv, a tab for tsv. */
  delimiter: z.string().length(1).optional(),
  /** `csv`/`tsv`: quote character, or null for none. Default: `"` for csv, none for tsv. */
  quote: z.string().length(1).nullable().optional(),
  /** `csv`/`tsv`: whether the first line is a header. Default: true. */
  header: z.boolean().optional(),
  /**
   * `csv`/`tsv`/`text`: names of the fields by position. Default: the header's names (csv/tsv), `text`
   * (text). With a header and `columns`, the header line is skipped and fields are named by position.
   */
  columns: z.array(z.string().min(1)).min(1).optional(),
  /**
   * `text`: separator between rows. Default: a newline (one row per line). A row that is empty or only
   * white space is dropped.
   */
  separator: z.string().min(1).optional(),
  /** `text`: consecutive lines that make one row, named by `columns` (HellaSwag's 6-line format). Default: 1. */
  linesPerRow: z.number().int().min(1).optional(),
};

/** A data file without field mapping (as used in `zip`). */
export const datasetFileSpecSchema = z.object(fileSpecShape).strict();

/** The `dataset` block of a task file. */
export const datasetSpecSchema = z
  .object({
    ...fileSpecShape,
    /**
     * Field mapping: row field name → expression over the file's record (`question.stem`,
     * `question.choices[*].text`, `label | string`). Default: the record as it is.
     */
    fields: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'field names are letters, digits and _'), z.string().min(1)).optional(),
    /**
     * Files read alongside, row by row (for example PIQA's labels file): each must have as many rows, and
     * its fields are added to the record before `fields` is applied. Default: none.
     */
    zip: z.array(datasetFileSpecSchema).optional(),
  })
  .strict();

/** A data file spec. */
export type DatasetFileSpec = z.output<typeof datasetFileSpecSchema>;
/** A task's `dataset` block. */
export type DatasetSpec = z.output<typeof datasetSpecSchema>;
