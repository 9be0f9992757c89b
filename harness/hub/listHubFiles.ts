/**
 * The files of a hub repository at a revision, from
 * `GET {endpoint}/api/{models|datasets}/{owner}/{name}/revision/{revision}?blobs=true`, which answers
 * `{sha, siblings: [{rfilename, size, blobId, lfs?: {sha256, size, pointerSize}}]}`. The list is cached
 * per commit, and the commit the revision resolved to is recorded, so a later call (or offline mode)
 * reads it without a request.
 */
import { HubHttpError, HubOfflineError } from './hubErrors.js';
import { HubCache, isCommitHash, normalizeCommit } from './HubCache.js';
import { hubFetch } from './hubFetch.js';
import { type HubOptions, resolveHubOptions } from './HubOptions.js';
import type { HubRepoRef } from './HubRef.js';
import { hubResponseError } from './hubResponseError.js';
import { checkHubRef } from './checkHubRef.js';
import { formatHubRef } from './formatHubRef.js';
import { StallTimer } from './StallTimer.js';
import { withHubRetries } from './withHubRetries.js';

/** One file of a repository. */
export interface HubFileInfo {
  /** Path inside the repository, `/`-separated. */
  path: string;
  /** Size in bytes (of the real file for LFS files), or null when the hub did not say. */
  size: number | null;
  /** sha256 of the contents, for LFS files; null otherwise. */
  sha256: string | null;
}

/** A repository's files at a revision. */
export interface HubListing extends HubRepoRef {
  /** The commit the revision resolved to, or null when the hub did not say. */
  commit: string | null;
  /** Every file, in the hub's order. */
  files: HubFileInfo[];
}

/** URL of the repository listing. */
export function hubListingUrl(endpoint: string, repo: HubRepoRef): string {
  const kind = repo.repoType === 'dataset' ? 'datasets' : 'models';
  return `${endpoint}/api/${kind}/${repo.repo}/revision/${encodeURIComponent(repo.revision)}?blobs=true`;
}

/**
 * Lists the files of `repo` at its revision (branch, tag or commit).
 * @throws HubNotFoundError, HubAuthError, HubHttpError, HubNetworkError; HubOfflineError when offline and
 *   the list is not cached
 */
export async function listHubFiles(repo: HubRepoRef, options: HubOptions = {}): Promise<HubListing> {
  const label = formatHubRef(repo);
  checkHubRef(repo, label);
  const settings = resolveHubOptions(options);
  const cache = new HubCache(settings.cacheDir, repo.repoType, repo.repo);
  const cachedCommit = settings.refresh && !isCommitHash(repo.revision) ? null : cache.commitOf(repo.revision);
  if (cachedCommit !== null || settings.offline) {
    const cached = cachedCommit === null ? null : cache.readListing<HubListing>(cachedCommit);
    if (cached && Array.isArray(cached.files)) return { ...cached, revision: repo.revision };
    if (settings.offline) {
      const where = cachedCommit === null ? `${cache.repoFolder} has no record of revision "${repo.revision}"` : cache.listingFile(cachedCommit);
      throw new HubOfflineError(`${label} is not in the cache (${where}) and offline mode is on`);
    }
  }

  const url = hubListingUrl(settings.endpoint, repo);
  const retries = {
    ...settings,
    onRetry: (reason: string, next: number, tries: number, delayMs: number) =>
      settings.progressStream?.write(`slmbench: ${label}: ${reason}; try ${next} of ${tries} in ${(delayMs / 1000).toFixed(1)} s\n`),
  };
  const body = await withHubRetries(`GET ${url}`, retries, async () => {
    const stall = new StallTimer(settings.stallTimeoutMs, `GET ${url}`);
    try {
      const { response } = await hubFetch(url, {
        method: 'GET',
        headers: { accept: 'application/json' },
        token: settings.token,
        authOrigin: new URL(settings.endpoint).origin,
        redirect: 'follow',
        signal: stall.signal,
      });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw hubResponseError(response, { ...repo, path: null, url, withToken: settings.token !== null });
      }
      return await response.text();
    } finally {
      stall.clear();
    }
  });
  const listing = parseListing(body, repo, url);
  if (listing.commit !== null) {
    cache.writeListing(listing.commit, listing);
    cache.recordRevision(repo.revision, listing.commit);
  }
  return listing;
}

function parseListing(body: string, repo: HubRepoRef, url: string): HubListing {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    throw new HubHttpError(`${url}: the reply is not JSON (${(error as Error).message})`, { cause: error });
  }
  const record = isObject(data) ? data : null;
  const siblings = record?.siblings;
  if (!record || !Array.isArray(siblings)) throw new HubHttpError(`${url}: the reply has no "siblings" list of files`);
  const files: HubFileInfo[] = [];
  for (const sibling of siblings) {
    if (!isObject(sibling) || typeof sibling.rfilename !== 'string' || !isSafePath(sibling.rfilename)) continue;
    const lfs = isObject(sibling.lfs) ? sibling.lfs : null;
    const size = [lfs?.size, sibling.size].find((value): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0);
    const sha256 = typeof lfs?.sha256 === 'string' && /^[0-9a-f]{64}$/i.test(lfs.sha256) ? lfs.sha256.toLowerCase() : null;
    files.push({ path: sibling.rfilename, size: size ?? null, sha256 });
  }
  return { ...repo, commit: normalizeCommit(typeof record.sha === 'string' ? record.sha : null), files };
}

/** A repository path that cannot leave its snapshot folder (other names are left out of the list). */
function isSafePath(path: string): boolean {
  return path !== '' && !/[\\\u0000-\u001f\u007f]/.test(path) && path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
