/** Options shared by every hub call, and their resolution against the environment. */
import { cacheDir as defaultCacheDir } from './cacheDir.js';
import { checkEndpoint, hubEndpoint } from './hubEndpoint.js';
import { isHubOffline } from './isHubOffline.js';

/** A stream progress is written to; a bar is drawn when `isTTY` is true. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** Bytes of one file arrived so far. */
export interface HubProgressEvent {
  /** The file, as a spec (`hf:owner/repo/path@revision`). */
  file: string;
  /** Bytes of the file on disk so far (a resumed download starts above 0). */
  receivedBytes: number;
  /** Size of the file, or null when the hub did not say. */
  totalBytes: number | null;
}

/** Options of {@link listHubFiles}, {@link downloadHubFile} and {@link resolveHubModel}. */
export interface HubOptions {
  /** Hub base URL. Default: `SLMBENCH_HF_ENDPOINT`, else `HF_ENDPOINT`, else `https://huggingface.co`. */
  endpoint?: string;
  /**
   * Token sent as `Authorization: Bearer …` to the hub (never to another host a download is redirected
   * to). Default: `HF_TOKEN`, else none.
   */
  token?: string;
  /**
   * Use the cache only and never touch the network; anything not cached fails with HUB_OFFLINE.
   * Default: true when `SLMBENCH_OFFLINE` or `HF_HUB_OFFLINE` is `1`, `true`, `yes` or `on`, else false.
   */
  offline?: boolean;
  /** Root of slmbench's cache; hub files go under `<cacheDir>/hub`. Default: `cacheDir()` (`SLMBENCH_CACHE`, …). */
  cacheDir?: string;
  /**
   * Ask the hub again which commit a branch or tag points to, instead of using the commit recorded in the
   * cache when it was first resolved (a commit hash is always served from the cache). Default: false.
   */
  refresh?: boolean;
  /** Tries per request and per transfer, on network errors, stalls, HTTP 429 and 5xx. Default: 3. */
  tries?: number;
  /** Wait before the second try in milliseconds, doubled before each later one. Default: 500. */
  retryDelayMs?: number;
  /** A request or transfer that receives nothing for this many milliseconds is aborted (and retried). Default: 60000. */
  stallTimeoutMs?: number;
  /**
   * Report downloads on `progressStream`: a bar (bytes, speed, ETA) when it is a terminal, else one line
   * when a download starts and one when it ends. Default: true.
   */
  progress?: boolean;
  /** Where progress goes. Default: `process.stderr`. */
  progressStream?: ProgressStream;
  /** Called as bytes arrive (at most every 64 KiB or so). Default: none. */
  onProgress?: (event: HubProgressEvent) => void;
}

/** {@link HubOptions} with every default applied. */
export interface ResolvedHubOptions {
  endpoint: string;
  token: string | null;
  offline: boolean;
  cacheDir: string;
  refresh: boolean;
  tries: number;
  retryDelayMs: number;
  stallTimeoutMs: number;
  progressStream: ProgressStream | null;
  onProgress: ((event: HubProgressEvent) => void) | null;
}

/** Applies the defaults of {@link HubOptions}, reading the environment now (not at import). */
export function resolveHubOptions(options: HubOptions, env: NodeJS.ProcessEnv = process.env): ResolvedHubOptions {
  const tries = options.tries ?? 3;
  if (!Number.isInteger(tries) || tries < 1) throw new RangeError(`tries must be an integer ≥ 1, not ${tries}`);
  return {
    endpoint: options.endpoint !== undefined ? checkEndpoint(options.endpoint, 'endpoint option') : hubEndpoint(env),
    token: options.token ?? (env.HF_TOKEN || null),
    offline: options.offline ?? isHubOffline(env),
    cacheDir: options.cacheDir ?? defaultCacheDir(env),
    refresh: options.refresh ?? false,
    tries,
    retryDelayMs: Math.max(0, options.retryDelayMs ?? 500),
    stallTimeoutMs: Math.max(1, options.stallTimeoutMs ?? 60_000),
    progressStream: options.progress === false ? null : (options.progressStream ?? process.stderr),
    onProgress: options.onProgress ?? null,
  };
}
