/** Reads and validates `datasets/manifest.json` (slmbench's own datasets). */
import { readFileSync } from 'node:fs';
import { projectPath } from '../../harness/util/projectPath.js';
import { describeZodIssue, zodMessages } from '../../harness/util/describeZodIssue.js';
import { DatasetError } from '../errors.js';
import { datasetManifestSchema, type DatasetManifest } from '../schema/datasetManifestSchema.js';

/** Path of the manifest of built-in datasets. */
export function datasetManifestPath(): string {
  return projectPath('datasets', 'manifest.json');
}

/** Reads the manifest; throws DatasetError naming the file and the path of a bad field. */
export function readDatasetManifest(file: string = datasetManifestPath()): DatasetManifest {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DatasetError(`${file}: cannot read the dataset manifest: ${(error as Error).message}`);
  }
  const result = datasetManifestSchema.safeParse(data, { error: zodMessages });
  if (!result.success) {
    throw new DatasetError(`${file}: ${describeZodIssue(result.error.issues)}`);
  }
  const ids = new Set<string>();
  result.data.datasets.forEach((entry, i) => {
    if (ids.has(entry.id)) throw new DatasetError(`${file}: datasets[${i}].id: "${entry.id}" appears twice`);
    ids.add(entry.id);
  });
  return result.data;
}
