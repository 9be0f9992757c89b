/**
 * Downloads one file of a Hugging Face dataset repository into slmbench's cache, once: later runs read
 * the cached copy without touching the network. The endpoint is `SLMBENCH_HF_ENDPOINT`, else
 * `HF_ENDPOINT`, else `https://huggingface.co` (the variables model downloads read), so a mirror or a
 * loopback test server can stand in; `HF_TOKEN`, when set, is sent as a bearer token for gated datasets.
 * With `SLMBENCH_OFFLINE` or `HF_HUB_OFFLINE` set to 1/true/yes/on, only the cache is used.
 *
 * Cache layout: `<cache>/datasets/hf/<owner>/<name>/<revision>/<path in repo>`, where `<cache>` is
 * `SLMBENCH_CACHE`, else `$XDG_CACHE_HOME/slmbench`, else `~/.cache/slmbench`. A revision that is a
 * branch (`main`) is cached like a commit: delete the folder to fetch it again, or pin a commit.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatasetNotFoundError } from '../errors.js';

/** Where and what to download. */
export interface HfDatasetFile {
  /** `owner/name`. */
  repo: string;
  /** Git revision (branch, tag, commit or `refs/convert/parquet`). */
  revision: string;
  /** Path of the file in the repository. */
  path: string;
}

/** slmbench's cache folder (see the module comment). */
export function slmbenchCacheDir(): string {
  if (process.env.SLMBENCH_CACHE) return process.env.SLMBENCH_CACHE;
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, 'slmbench');
  return join(homedir(), '.cache', 'slmbench');
}

/** The URL of a file of a dataset repository. */
export function hfDatasetUrl(file: HfDatasetFile, endpoint: string = process.env.SLMBENCH_HF_ENDPOINT || process.env.HF_ENDPOINT || 'https://huggingface.co'): string {
  const path = file.path.split('/').map(encodeURIComponent).join('/');
  return `${endpoint.replace(/\/+$/, '')}/datasets/${file.repo}/resolve/${encodeURIComponent(file.revision)}/${path}`;
}

/** Returns the cached file's path, downloading it first when it is not cached. */
export async function downloadHfDataset(file: HfDatasetFile, options: { cacheDir?: string; endpoint?: string } = {}): Promise<string> {
  if (!/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(file.repo)) throw new DatasetNotFoundError(`hf:${file.repo}: expected hf:OWNER/NAME`);
  if (file.path.split('/').some((part) => part === '..' || part === '')) throw new DatasetNotFoundError(`hf:${file.repo}: bad file path "${file.path}"`);
  const target = join(options.cacheDir ?? slmbenchCacheDir(), 'datasets', 'hf', ...file.repo.split('/'), encodeURIComponent(file.revision), ...file.path.split('/'));
  if (existsSync(target)) return target;
  const url = hfDatasetUrl(file, options.endpoint);
  if (isOffline()) throw new DatasetNotFoundError(`hf:${file.repo}: ${file.path} at ${file.revision} is not in the cache (${target}) and downloads are off (SLMBENCH_OFFLINE / HF_HUB_OFFLINE)`);
  let response: Response;
  try {
    response = await fetch(url, { headers: process.env.HF_TOKEN ? { authorization: `Bearer ${process.env.HF_TOKEN}` } : {}, redirect: 'follow' });
  } catch (error) {
    throw new DatasetNotFoundError(`hf:${file.repo}: cannot download ${url}: ${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ''}`);
  }
  if (!response.ok) {
    throw new DatasetNotFoundError(
      `hf:${file.repo}: ${url} answered ${response.status} ${response.statusText}${response.status === 401 || response.status === 403 ? ' (a gated dataset needs HF_TOKEN)' : ''}`,
    );
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  await mkdir(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.partial`;
  await writeFile(temporary, bytes);
  await rename(temporary, target);
  return target;
}

function isOffline(): boolean {
  return [process.env.SLMBENCH_OFFLINE, process.env.HF_HUB_OFFLINE].some((v) => v !== undefined && ['1', 'true', 'yes', 'on'].includes(v.trim().toLowerCase()));
}
