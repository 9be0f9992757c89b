/**
 * One HTTP request to the hub with redirects followed by hand, so that
 * - the hub's own headers (`X-Repo-Commit`, `X-Linked-Etag`, `X-Linked-Size`) can be read from the
 *   redirect that carries them, before the hop to the storage host (`metadata` mode);
 * - `Authorization` goes to the hub's origin only, never to the storage host a file is redirected to
 *   (pre-signed storage URLs reject a second credential).
 */

/** How redirects are followed. */
export type RedirectMode =
  /** Follow every redirect (at most 10) to the final response. */
  | 'follow'
  /** Stop at the first response that carries the hub's file headers, or that is not a redirect. */
  | 'metadata';

/** A request to make. */
export interface HubFetchRequest {
  method: 'GET' | 'HEAD';
  /** Headers besides `Authorization`. */
  headers?: Record<string, string>;
  /** Bearer token, sent only to `authOrigin`. */
  token: string | null;
  /** The hub's origin (`https://huggingface.co`). */
  authOrigin: string;
  redirect: RedirectMode;
  signal?: AbortSignal;
}

/** The response and the URL that gave it. */
export interface HubFetchResult {
  response: Response;
  url: string;
}

const MAX_REDIRECTS = 10;
const HUB_FILE_HEADERS = ['x-repo-commit', 'x-linked-etag', 'x-linked-size'];

/** Makes the request; network failures reject with fetch's own errors (see withHubRetries). */
export async function hubFetch(url: string, request: HubFetchRequest): Promise<HubFetchResult> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { 'user-agent': 'slmbench', ...request.headers };
    if (request.token && new URL(current).origin === request.authOrigin) headers.authorization = `Bearer ${request.token}`;
    const response = await fetch(current, { method: request.method, headers, redirect: 'manual', signal: request.signal });
    const location = response.headers.get('location');
    const isRedirect = response.status >= 300 && response.status < 400 && location !== null;
    if (!isRedirect) return { response, url: current };
    if (request.redirect === 'metadata' && HUB_FILE_HEADERS.some((name) => response.headers.has(name))) {
      return { response, url: current };
    }
    await response.body?.cancel().catch(() => undefined);
    if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects from ${url}`);
    current = new URL(location, current).href;
  }
}
