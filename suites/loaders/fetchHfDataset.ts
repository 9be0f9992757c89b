/**
 * Fetches the file an `hf:OWNER/NAME` dataset source stands for through slmbench's hub client
 * (`harness/hub`): downloaded once into the hub cache (`SLMBENCH_CACHE`), resumed when cut, checked
 * against the size and sha256 the hub lists, with the hub's endpoint (`SLMBENCH_HF_ENDPOINT`, then
 * `HF_ENDPOINT`), token (`HF_TOKEN`) and offline mode (`SLMBENCH_OFFLINE`, `HF_HUB_OFFLINE`).
 *
 * Which file: `file` at `revision` (default `main`); else the parquet conversion of `split`,
 * `{config}/{split}/0000.parquet` (config default `default`) at `revision` (default
 * `refs/convert/parquet`). Only that first shard of a split is read. The repository's file list is read
 * first (cached per commit), so that a file the repository lacks is reported with what it has, and the
 * file is fetched at the commit the list was taken at.
 */
import { ConfigError } from '../../harness/errors.js';
import { checkHubRef } from '../../harness/hub/checkHubRef.js';
import { downloadHubFile } from '../../harness/hub/downloadHubFile.js';
import { formatHubRef } from '../../harness/hub/formatHubRef.js';
import { HubNotFoundError, HubOfflineError } from '../../harness/hub/hubErrors.js';
import type { HubOptions } from '../../harness/hub/HubOptions.js';
import type { HubFileRef } from '../../harness/hub/HubRef.js';
import { type HubListing, listHubFiles } from '../../harness/hub/listHubFiles.js';
import { DatasetError, DatasetNotFoundError } from '../errors.js';
import type { DatasetFileSpec } from '../schema/datasetSpecSchema.js';

/** Files named in a "not found" message before the rest is counted. */
const LISTED = 20;

/**
 * The hub file an `hf:` source names (see the module comment); `taskFile` names the task in messages.
 * @throws DatasetError when the spec gives neither `file` nor `split`
 */
export function hfDatasetFileRef(spec: DatasetFileSpec, taskFile: string): HubFileRef {
  const repo = spec.source.slice('hf:'.length);
  const path = spec.file ?? (spec.split ? `${spec.config ?? 'default'}/${spec.split}/0000.parquet` : undefined);
  if (!path) throw new DatasetError(`${taskFile}: dataset "${spec.source}": give dataset.file (a file of the repository) or dataset.split`);
  return { repoType: 'dataset', repo, revision: spec.revision ?? (spec.file ? 'main' : 'refs/convert/parquet'), path };
}

/**
 * Returns the absolute path of the cached file of an `hf:` source, downloading it first when needed.
 * @throws DatasetNotFoundError for a malformed repository, revision or path, or one the hub does not
 *   have (naming the files or splits it has); the hub's errors otherwise (HUB_OFFLINE when offline and
 *   not cached, HUB_AUTH, HUB_CHECKSUM, HUB_NETWORK, HUB_HTTP)
 */
export async function fetchHfDataset(spec: DatasetFileSpec, taskFile: string, hub: HubOptions = {}): Promise<string> {
  const ref = hfDatasetFileRef(spec, taskFile);
  const where = `${taskFile}: dataset "${spec.source}"`;
  try {
    checkHubRef(ref, formatHubRef(ref));
  } catch (error) {
    if (error instanceof ConfigError) throw new DatasetNotFoundError(`${where}: ${error.message}`, { cause: error });
    throw error;
  }
  try {
    const listing = await listingFromHubOrCache(ref, hub);
    // Without a list (offline, and only the file was cached), the cache alone decides.
    if (listing === null) return await downloadHubFile(ref, hub);
    const entry = listing.files.find((file) => file.path === ref.path);
    if (!entry) throw new DatasetNotFoundError(`${where}: ${describeMissing(ref, spec, listing)}`);
    return await downloadHubFile({ ...ref, revision: listing.commit ?? ref.revision }, { ...hub, expected: { size: entry.size, sha256: entry.sha256 } });
  } catch (error) {
    if (error instanceof HubNotFoundError) throw new DatasetNotFoundError(`${where}: ${error.message}`, { cause: error });
    throw error;
  }
}

async function listingFromHubOrCache(ref: HubFileRef, hub: HubOptions): Promise<HubListing | null> {
  try {
    return await listHubFiles(ref, hub);
  } catch (error) {
    if (error instanceof HubOfflineError) return null;
    throw error;
  }
}

/** Why `ref.path` is not in the listing, with what the repository has instead. */
function describeMissing(ref: HubFileRef, spec: DatasetFileSpec, listing: HubListing): string {
  const at = `at revision "${ref.revision}"${listing.commit && listing.commit !== ref.revision ? ` (commit ${listing.commit})` : ''}`;
  if (spec.file === undefined) {
    const splits = [...new Set(listing.files.map((file) => /^([^/]+\/[^/]+)\/[^/]+\.parquet$/.exec(file.path)?.[1]).filter((s): s is string => s !== undefined))];
    const has = splits.length > 0 ? `splits there (config/split): ${enumerate(splits)}` : 'there are no {config}/{split}/*.parquet files there';
    return `no split "${spec.split}" of config "${spec.config ?? 'default'}" in the parquet conversion ${at} (looked for ${ref.path}); ${has}`;
  }
  const files = listing.files.map((file) => file.path);
  return `no file "${ref.path}" in ${ref.repo} ${at}; ${files.length > 0 ? `files: ${enumerate(files)}` : 'the repository has no files'}`;
}

function enumerate(items: readonly string[]): string {
  const shown = items.slice(0, LISTED).join(', ');
  return items.length > LISTED ? `${shown} and ${items.length - LISTED} more` : shown;
}
