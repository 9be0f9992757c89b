/**
 * Downloads one file of a hub repository into the cache (see HubCache for the layout), once: a cached
 * file is returned without any request. The hub's HTTP API, as its clients use it:
 * - `HEAD {endpoint}/[datasets/]{owner}/{name}/resolve/{revision}/{path}`, redirects not followed past
 *   the reply that carries the hub's headers: `X-Repo-Commit` (the commit the revision resolved to),
 *   `X-Linked-Etag` (sha256 of an LFS file; `ETag` is the git blob id of other files), `X-Linked-Size`
 *   (else `Content-Length`), and `Location` when the bytes live on another host;
 * - `GET` of that location, with `Range: bytes=N-` when `N` bytes are already on disk from an earlier,
 *   interrupted try (answered 206 with `Content-Range`; a 200 means start over; a 416 whose total equals
 *   `N` means the bytes are all there).
 * Bytes go to a hidden `.{name}.partial` beside the final file; when complete, size and hash are checked
 * against what the hub announced (a mismatch deletes the partial file) and the file is renamed into
 * place. Network errors, stalls, 429 and 5xx are retried with backoff, resuming from the bytes on disk.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { open } from 'node:fs/promises';
import { sha256File } from '../util/sha256File.js';
import { checkHubRef } from './checkHubRef.js';
import { DownloadProgress } from './DownloadProgress.js';
import { formatHubRef } from './formatHubRef.js';
import { gitBlobSha1 } from './gitBlobSha1.js';
import { HubCache, isCommitHash, normalizeCommit } from './HubCache.js';
import { HubChecksumError, HubHttpError, HubOfflineError } from './hubErrors.js';
import { hubFetch } from './hubFetch.js';
import { type HubOptions, type ResolvedHubOptions, resolveHubOptions } from './HubOptions.js';
import type { HubFileRef } from './HubRef.js';
import { type HubRequestContext, hubResponseError } from './hubResponseError.js';
import { parseContentRange } from './parseContentRange.js';
import { parseEtag } from './parseEtag.js';
import { StallTimer } from './StallTimer.js';
import { type RetrySettings, TransientHubError, withHubRetries } from './withHubRetries.js';
import { makeDir } from '../util/makeDir.js';

/** Options of {@link downloadHubFile}. */
export interface HubDownloadOptions extends HubOptions {
  /**
   * Size and sha256 the file must have, used where the hub's reply headers do not say (e.g. taken from
   * {@link listHubFiles}). Default: none.
   */
  expected?: { size?: number | null; sha256?: string | null };
}

/** URL of a file: `{endpoint}/[datasets/]{owner}/{name}/resolve/{revision}/{path}`. */
export function hubFileUrl(endpoint: string, file: HubFileRef): string {
  const kind = file.repoType === 'dataset' ? 'datasets/' : '';
  const path = file.path.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${kind}${file.repo}/resolve/${encodeURIComponent(file.revision)}/${path}`;
}

/**
 * Returns the absolute path of the cached copy of `file`, downloading it first when it is not cached.
 * A branch or tag is resolved to a commit once and that commit is used afterwards (see `refresh`).
 * @throws HubOfflineError when offline and not cached; HubNotFoundError (404); HubAuthError (401/403);
 *   HubChecksumError when size or hash differ from the hub's; HubNetworkError / HubHttpError when every
 *   try failed; ConfigError for a malformed repo, revision or path
 */
export async function downloadHubFile(file: HubFileRef, options: HubDownloadOptions = {}): Promise<string> {
  const label = formatHubRef(file);
  checkHubRef(file, label);
  const settings = resolveHubOptions(options);
  // Calls for the same file at the same time (Promise.all over a dataset's files, say) share one download.
  const key = JSON.stringify([settings.cacheDir, settings.endpoint, file.repoType, file.repo, file.revision, file.path]);
  const running = inFlight.get(key);
  if (running) return running;
  const download = downloadOnce(file, label, settings, options).finally(() => inFlight.delete(key));
  inFlight.set(key, download);
  return download;
}

/** Downloads in progress in this process, by file. */
const inFlight = new Map<string, Promise<string>>();

async function downloadOnce(file: HubFileRef, label: string, settings: ResolvedHubOptions, options: HubDownloadOptions): Promise<string> {
  const cache = new HubCache(settings.cacheDir, file.repoType, file.repo);
  if (!settings.refresh || settings.offline || isCommitHash(file.revision)) {
    const cached = cache.findFile(file.revision, file.path);
    if (cached) return cached;
  }
  if (settings.offline) {
    const commit = cache.commitOf(file.revision);
    const where = commit ? cache.filePath(commit, file.path) : `${cache.repoFolder} has no record of revision "${file.revision}"`;
    throw new HubOfflineError(`${label} is not in the cache (${where}) and offline mode is on`);
  }

  const url = hubFileUrl(settings.endpoint, file);
  const context: HubRequestContext = { ...file, url, withToken: settings.token !== null };
  const announce = (reason: string, next: number, tries: number, delayMs: number): void => {
    settings.progressStream?.write(`slmbench: ${label}: ${reason}; try ${next} of ${tries} in ${(delayMs / 1000).toFixed(1)} s\n`);
  };
  const meta = await withHubRetries(`HEAD ${url}`, { ...settings, onRetry: announce }, () => fetchMetadata(url, settings, context));
  const commit = meta.commit ?? (isCommitHash(file.revision) ? file.revision : null);
  const snapshot = HubCache.snapshotName(commit, file.revision);
  const target = cache.filePath(snapshot, file.path);
  if (existsSync(target)) {
    cache.recordRevision(file.revision, commit);
    return target;
  }
  const expected: Expected = {
    size: meta.size ?? options.expected?.size ?? null,
    sha256: meta.sha256 ?? normalizeSha256(options.expected?.sha256),
    gitSha1: meta.gitSha1,
  };
  const partial = cache.partialPath(snapshot, file.path);
  makeDir(dirname(partial));
  const progress = new DownloadProgress(label, target, settings.progressStream, settings.onProgress);
  let ok = false;
  try {
    const retries: RetrySettings = { ...settings, onRetry: (...args) => progress.retry(...args) };
    const transferred = await transfer(meta.downloadUrl, partial, expected, settings, retries, context, progress, label);
    await verify(partial, target, { ...expected, size: expected.size ?? transferred.total }, transferred.sha256, label);
    renameSync(partial, target);
    ok = true;
  } finally {
    progress.end(ok);
  }
  cache.recordRevision(file.revision, commit);
  return target;
}

/** What the file must be. */
interface Expected {
  size: number | null;
  sha256: string | null;
  gitSha1: string | null;
}

/** What the hub says about a file before its bytes are fetched. */
interface FileMetadata extends Expected {
  commit: string | null;
  /** Where the bytes are: the resolve URL, or the storage URL it redirects to. */
  downloadUrl: string;
}

const SHA256 = /^[0-9a-f]{64}$/i;
const SHA1 = /^[0-9a-f]{40}$/i;

async function fetchMetadata(url: string, settings: ResolvedHubOptions, context: HubRequestContext): Promise<FileMetadata> {
  const authOrigin = new URL(settings.endpoint).origin;
  const stall = new StallTimer(settings.stallTimeoutMs, `HEAD ${url}`);
  try {
    const { response, url: at } = await hubFetch(url, {
      method: 'HEAD',
      headers: { 'accept-encoding': 'identity' },
      token: settings.token,
      authOrigin,
      redirect: 'metadata',
      signal: stall.signal,
    });
    const headers = response.headers;
    const isRedirect = response.status >= 300 && response.status < 400;
    if (!response.ok && !isRedirect) throw hubResponseError(response, context);
    const location = headers.get('location');
    if (isRedirect && location === null) throw new HubHttpError(`${formatHubRef(context)}: ${at} answered HTTP ${response.status} without a Location`);
    const linked = parseEtag(headers.get('x-linked-etag'));
    // The plain ETag is the hub's only when the reply came from the hub (a storage host has its own).
    const etag = new URL(at).origin === authOrigin ? parseEtag(headers.get('etag')) : null;
    const strong = [linked, etag].filter((tag) => tag !== null && !tag.weak).map((tag) => tag!.value);
    return {
      commit: normalizeCommit(headers.get('x-repo-commit')),
      sha256: normalizeSha256(strong.find((value) => SHA256.test(value))),
      gitSha1: linked === null && etag !== null && !etag.weak && SHA1.test(etag.value) ? etag.value.toLowerCase() : null,
      size: toSize(headers.get('x-linked-size')) ?? (response.ok ? toSize(headers.get('content-length')) : null),
      downloadUrl: isRedirect ? new URL(location!, at).href : at,
    };
  } finally {
    stall.clear();
  }
}

/** Mutable state of a transfer across its tries. */
interface TransferState {
  /** sha256 of the first `hashed` bytes of the partial file, or null. */
  hash: Hash | null;
  hashed: number;
  /** The file's size, once known. */
  total: number | null;
}

/**
 * Fetches the bytes into `partial`, resuming from what is there; resolves when the file is complete.
 * Returns the sha256 of the whole file when it was computed on the way (else null) and the size learnt.
 */
async function transfer(
  url: string,
  partial: string,
  expected: Expected,
  settings: ResolvedHubOptions,
  retries: RetrySettings,
  context: HubRequestContext,
  progress: DownloadProgress,
  label: string,
): Promise<{ sha256: string | null; total: number | null }> {
  const state: TransferState = { hash: null, hashed: 0, total: expected.size };
  const authOrigin = new URL(settings.endpoint).origin;
  const startOver = (): void => {
    rmSync(partial, { force: true });
    state.hash = null;
    state.hashed = 0;
  };
  const sizeMismatch = (served: number): HubChecksumError => {
    startOver();
    return new HubChecksumError(`${label}: the hub announced ${state.total} bytes but ${url} serves ${served}; the partial download was deleted`);
  };

  await withHubRetries(`GET ${url}`, retries, async () => {
    let offset = existsSync(partial) ? statSync(partial).size : 0;
    if (state.total !== null && offset > state.total) {
      startOver();
      offset = 0;
    }
    if (state.total !== null && offset === state.total) {
      if (!existsSync(partial)) writeFileSync(partial, ''); // an empty file
      progress.begin(state.total, offset);
      return;
    }
    const stall = new StallTimer(settings.stallTimeoutMs, `GET ${url}`);
    try {
      const { response } = await hubFetch(url, {
        method: 'GET',
        headers: { 'accept-encoding': 'identity', ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) },
        token: settings.token,
        authOrigin,
        redirect: 'follow',
        signal: stall.signal,
      });
      const rangeHeader = response.headers.get('content-range');
      if (response.status === 416) {
        await response.body?.cancel().catch(() => undefined);
        const range = parseContentRange(rangeHeader);
        if (offset > 0 && range?.total === offset && (state.total === null || state.total === offset)) {
          state.total = offset; // every byte is already on disk
          progress.begin(state.total, offset);
          return;
        }
        startOver();
        throw new TransientHubError(`answered 416 to bytes=${offset}- (${rangeHeader ?? 'no Content-Range'}); starting over`);
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        throw response.ok ? new TransientHubError(`answered ${response.status} without a body`) : hubResponseError(response, context);
      }
      let append: boolean;
      if (response.status === 206) {
        const range = parseContentRange(rangeHeader);
        if (range === null || range.start !== offset) {
          await response.body.cancel().catch(() => undefined);
          startOver();
          throw new TransientHubError(`answered bytes=${offset}- with Content-Range "${rangeHeader ?? ''}"; starting over`);
        }
        if (range.total !== null && state.total !== null && range.total !== state.total) {
          await response.body.cancel().catch(() => undefined);
          throw sizeMismatch(range.total);
        }
        state.total ??= range.total;
        append = true;
      } else {
        // 200: the whole file (also the answer of a server that ignores Range).
        const length = toSize(response.headers.get('content-length'));
        if (length !== null && state.total !== null && length !== state.total) {
          await response.body.cancel().catch(() => undefined);
          throw sizeMismatch(length);
        }
        state.total ??= length;
        append = false;
        offset = 0;
      }
      if (!append) {
        state.hash = createHash('sha256');
        state.hashed = 0;
      } else if (state.hash === null || state.hashed !== offset) {
        state.hash = await sha256Prefix(partial, offset);
        state.hashed = offset;
      }
      const hash = state.hash;
      progress.begin(state.total, offset);
      // Each chunk is on disk before it counts, so a transfer cut anywhere leaves a partial file that is
      // an exact prefix, and `hashed` equals its size.
      const out = await open(partial, append ? 'a' : 'w');
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          stall.touch();
          await out.write(chunk);
          hash.update(chunk);
          state.hashed += chunk.length;
          progress.advance(chunk.length);
        }
      } finally {
        await out.close();
      }
      if (state.total !== null && state.hashed < state.total) {
        throw new TransientHubError(`transfer ended after ${state.hashed} of ${state.total} bytes`);
      }
    } finally {
      stall.clear();
    }
  });
  const size = statSync(partial).size;
  return { sha256: state.hash !== null && state.hashed === size ? state.hash.digest('hex') : null, total: state.total };
}

/** Checks the complete partial file; deletes it and throws HubChecksumError on any mismatch. */
async function verify(partial: string, target: string, expected: Expected, sha256: string | null, label: string): Promise<void> {
  const size = statSync(partial).size;
  let problem: string | null = null;
  if (expected.size !== null && size !== expected.size) {
    problem = `size mismatch: expected ${expected.size} bytes, got ${size}`;
  } else if (expected.sha256 !== null) {
    const actual = sha256 ?? (await sha256File(partial));
    if (actual !== expected.sha256) problem = `sha256 mismatch: expected ${expected.sha256}, got ${actual}`;
  } else if (expected.gitSha1 !== null) {
    const actual = await gitBlobSha1(partial);
    if (actual !== expected.gitSha1) problem = `git blob id mismatch: expected ${expected.gitSha1}, got ${actual}`;
  }
  if (problem !== null) {
    rmSync(partial, { force: true });
    throw new HubChecksumError(`${label}: ${problem} for ${target}; the download was deleted, run again to fetch it anew`);
  }
}

/** sha256 state over the first `bytes` bytes of a file (to continue hashing a resumed download). */
async function sha256Prefix(path: string, bytes: number): Promise<Hash> {
  const hash = createHash('sha256');
  if (bytes > 0) {
    for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  }
  return hash;
}

function normalizeSha256(value: string | null | undefined): string | null {
  return value && SHA256.test(value) ? value.toLowerCase() : null;
}

function toSize(header: string | null): number | null {
  if (header === null || !/^\s*\d+\s*$/.test(header)) return null;
  const value = Number(header);
  return Number.isSafeInteger(value) ? value : null;
}
