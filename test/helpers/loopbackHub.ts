/**
 * A Hugging Face hub on 127.0.0.1 for tests: in-memory repositories served with the shapes of the real
 * hub's HTTP API, and a second server on another port standing for the storage host LFS files redirect
 * to (so a redirect changes origin, as on the real hub). Every request is recorded; faults can be
 * injected per file (connection cut after N bytes, wrong bytes, HTTP errors); after `maxRequests`
 * requests everything answers 500, so a client that loops fails instead of hanging.
 *
 * - `GET /api/{models|datasets}/{owner}/{name}/revision/{revision}[?blobs=true]` → `{_id, id, sha,
 *   siblings: [{rfilename}]}`, with `?blobs=true` each sibling also has `size`, `blobId` and, for LFS
 *   files, `lfs: {sha256, size, pointerSize}`; 404 with `X-Error-Code: RepoNotFound|RevisionNotFound`.
 * - `GET|HEAD /[datasets/]{owner}/{name}/resolve/{revision}/{path}`: every reply has `X-Repo-Commit`;
 *   LFS files answer 302 to `{storage}/blobs/{sha256}?file=…` with `X-Linked-Etag: "{sha256}"` and
 *   `X-Linked-Size`; other files answer 200 with `ETag: "{git blob id}"` and honour `Range`; 404 with
 *   `X-Error-Code: EntryNotFound` for a missing file.
 * - storage `GET|HEAD /blobs/{sha256}`: the bytes, `Range` → 206 with `Content-Range`, past the end →
 *   416 with `Content-Range: bytes *` + `/size`; `ETag` is an md5, as storage hosts send.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded request. */
export interface RecordedRequest {
  /** `hub` or `storage`. */
  server: 'hub' | 'storage';
  method: string;
  /** Path and query, as received. */
  url: string;
  /** Path without the query. */
  pathname: string;
  range: string | null;
  authorization: string | null;
}

/** A file served by the hub. */
export interface LoopbackFile {
  content: Buffer;
  /** Stored with LFS (redirected to storage, sha256 in `X-Linked-Etag`). Default: by extension (.gguf, .onnx, .onnx_data…, .bin, .safetensors, .parquet). */
  lfs?: boolean;
}

/** A fault for the next `times` GETs of a file's bytes (counted on the host that serves them). */
export type LoopbackFault =
  | { kind: 'cut'; afterBytes: number; times?: number }
  | { kind: 'corrupt'; times?: number }
  /** Send `afterBytes` bytes, then nothing more (the connection stays open until the client gives up). */
  | { kind: 'stall'; afterBytes: number; times?: number }
  | { kind: 'status'; status: number; times?: number };

/** Options of {@link LoopbackHub.start}. */
export interface LoopbackHubOptions {
  /** Requests answered before everything answers 500. Default: 200. */
  maxRequests?: number;
  /** When set, the hub (not storage) answers 401 to requests without `Authorization: Bearer <token>`. Default: none. */
  requiredToken?: string;
  /** Leave `X-Linked-Size` out of LFS redirects, so clients learn sizes from the bytes' replies. Default: false. */
  omitLinkedSize?: boolean;
}

interface Repo {
  repoType: 'model' | 'dataset';
  repo: string;
  /** Branch and tag names → commit. */
  refs: Map<string, string>;
  /** Commit → files. */
  commits: Map<string, Map<string, Required<LoopbackFile>>>;
}

const LFS_EXTENSIONS = /\.(gguf|onnx|onnx_data(_\d+)?|bin|safetensors|parquet)$/i;

export class LoopbackHub {
  /** Base URL of the hub, e.g. `http://127.0.0.1:41234`: the value for SLMBENCH_HF_ENDPOINT. */
  readonly endpoint: string;
  /** Base URL of the storage host. */
  readonly storage: string;
  /** Every request, in order. */
  readonly requests: RecordedRequest[] = [];
  private readonly repos = new Map<string, Repo>();
  private readonly blobs = new Map<string, Buffer>();
  private readonly faults = new Map<string, LoopbackFault[]>();
  private readonly maxRequests: number;
  private readonly requiredToken: string | null;
  private readonly omitLinkedSize: boolean;

  private constructor(
    private readonly hubServer: Server,
    private readonly storageServer: Server,
    options: LoopbackHubOptions,
  ) {
    this.endpoint = `http://127.0.0.1:${(hubServer.address() as AddressInfo).port}`;
    this.storage = `http://127.0.0.1:${(storageServer.address() as AddressInfo).port}`;
    this.maxRequests = options.maxRequests ?? 200;
    this.requiredToken = options.requiredToken ?? null;
    this.omitLinkedSize = options.omitLinkedSize ?? false;
  }

  /** Starts both servers on ephemeral ports of 127.0.0.1. */
  static async start(options: LoopbackHubOptions = {}): Promise<LoopbackHub> {
    let hub: LoopbackHub | undefined;
    const listen = (server: Server): Promise<void> =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    const hubServer = createServer((req, res) => hub!.handle('hub', req, res));
    const storageServer = createServer((req, res) => hub!.handle('storage', req, res));
    await listen(hubServer);
    await listen(storageServer);
    hub = new LoopbackHub(hubServer, storageServer, options);
    return hub;
  }

  /**
   * Publishes a commit of `files` to `repo` (created when new) and points `branch` at it.
   * @returns the commit id (40 hex digits, derived from the contents)
   */
  publish(repo: string, files: Record<string, Buffer | string | LoopbackFile>, options: { repoType?: 'model' | 'dataset'; branch?: string } = {}): string {
    const repoType = options.repoType ?? 'model';
    const key = `${repoType}:${repo}`;
    let entry = this.repos.get(key);
    if (!entry) {
      entry = { repoType, repo, refs: new Map(), commits: new Map() };
      this.repos.set(key, entry);
    }
    const tree = new Map<string, Required<LoopbackFile>>();
    const commitHash = createHash('sha1').update(key);
    for (const [path, value] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const file = typeof value === 'string' || Buffer.isBuffer(value) ? { content: Buffer.from(value) } : value;
      const full = { content: file.content, lfs: file.lfs ?? LFS_EXTENSIONS.test(path) };
      tree.set(path, full);
      this.blobs.set(sha256(full.content), full.content);
      commitHash.update(`${path}\0${sha256(full.content)}\0`);
    }
    const commit = commitHash.update(String(entry.commits.size)).digest('hex');
    entry.commits.set(commit, tree);
    entry.refs.set(options.branch ?? 'main', commit);
    return commit;
  }

  /** Injects a fault into the next GETs of the bytes of `repo`'s file `path` (any revision). */
  fault(repo: string, path: string, fault: LoopbackFault, repoType: 'model' | 'dataset' = 'model'): void {
    const key = `${repoType}:${repo}:${path}`;
    this.faults.set(key, [...(this.faults.get(key) ?? []), fault]);
  }

  /** Requests to the hub's resolve route for `path`, and to storage, that asked for bytes (GET). */
  byteRequests(path?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method === 'GET' && (r.server === 'storage' || (r.url.includes('/resolve/') && (path === undefined || r.url.endsWith(`/${path}`)))),
    );
  }

  /** Stops both servers, closing kept-alive connections. */
  async stop(): Promise<void> {
    for (const server of [this.hubServer, this.storageServer]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private handle(server: 'hub' | 'storage', req: IncomingMessage, res: ServerResponse): void {
    this.requests.push({
      server,
      method: req.method ?? '',
      url: req.url ?? '',
      pathname: (req.url ?? '').replace(/\?.*$/, ''),
      range: req.headers.range ?? null,
      authorization: req.headers.authorization ?? null,
    });
    if (this.requests.length > this.maxRequests) return end(res, 500, `more than ${this.maxRequests} requests`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return end(res, 405, 'method not allowed');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (server === 'storage') {
      const m = /^\/blobs\/([0-9a-f]{64})$/.exec(url.pathname);
      const blob = m ? this.blobs.get(m[1]!) : undefined;
      if (!blob) return end(res, 404, 'no such blob');
      const md5 = createHash('md5').update(blob).digest('hex');
      return this.sendBytes(req, res, blob, { etag: `"${md5}"` }, this.takeFault(url.searchParams.get('file') ?? '', req.method));
    }
    if (this.requiredToken !== null && req.headers.authorization !== `Bearer ${this.requiredToken}`) {
      return end(res, 401, 'Invalid credentials in Authorization header', {});
    }
    const segments = url.pathname.split('/').slice(1);
    if (segments[0] === 'api') return this.listing(req, res, segments, url);
    return this.resolve(req, res, segments);
  }

  private listing(_req: IncomingMessage, res: ServerResponse, segments: string[], url: URL): void {
    // api / models|datasets / owner / name / revision / REV
    const [, kind, owner, name, word, ...rest] = segments;
    if ((kind !== 'models' && kind !== 'datasets') || word !== 'revision' || rest.length === 0) return end(res, 404, 'no such route');
    const repo = this.repos.get(`${kind === 'models' ? 'model' : 'dataset'}:${owner}/${name}`);
    if (!repo) return end(res, 404, 'Repository not found', { 'x-error-code': 'RepoNotFound' });
    const revision = decodeURIComponent(rest.join('/'));
    const commit = this.commitOf(repo, revision);
    if (!commit) return end(res, 404, `Invalid rev id: ${revision}`, { 'x-error-code': 'RevisionNotFound' });
    const blobs = url.searchParams.get('blobs') === 'true';
    const siblings = [...repo.commits.get(commit)!].map(([path, file]) =>
      blobs
        ? {
            rfilename: path,
            size: file.content.length,
            blobId: gitBlobId(file.content),
            ...(file.lfs ? { lfs: { sha256: sha256(file.content), size: file.content.length, pointerSize: 134 } } : {}),
          }
        : { rfilename: path },
    );
    const body = JSON.stringify({ _id: commit.slice(0, 24), id: repo.repo, private: false, sha: commit, siblings });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  private resolve(req: IncomingMessage, res: ServerResponse, segments: string[]): void {
    let repoType: 'model' | 'dataset' = 'model';
    if (segments[0] === 'datasets') {
      repoType = 'dataset';
      segments = segments.slice(1);
    }
    const [owner, name, word, rawRevision, ...pathParts] = segments;
    if (word !== 'resolve' || rawRevision === undefined || pathParts.length === 0) return end(res, 404, 'no such route');
    const repo = this.repos.get(`${repoType}:${owner}/${name}`);
    if (!repo) return end(res, 404, 'Repository not found', { 'x-error-code': 'RepoNotFound' });
    const commit = this.commitOf(repo, decodeURIComponent(rawRevision));
    if (!commit) return end(res, 404, 'Invalid rev id', { 'x-error-code': 'RevisionNotFound' });
    const path = pathParts.map(decodeURIComponent).join('/');
    const file = repo.commits.get(commit)!.get(path);
    if (!file) return end(res, 404, 'Entry not found', { 'x-error-code': 'EntryNotFound', 'x-repo-commit': commit });
    const faultKey = `${repoType}:${repo.repo}:${path}`;
    if (file.lfs) {
      const hash = sha256(file.content);
      // Like a signed storage URL, the query names what was asked (here: the file, for fault injection).
      const location = `${this.storage}/blobs/${hash}?file=${encodeURIComponent(faultKey)}`;
      const body = `Found. Redirecting to ${location}`;
      res.writeHead(302, {
        location,
        'x-repo-commit': commit,
        'x-linked-etag': `"${hash}"`,
        ...(this.omitLinkedSize ? {} : { 'x-linked-size': String(file.content.length) }),
        etag: `"${gitBlobId(Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${hash}\nsize ${file.content.length}\n`))}"`,
        'content-type': 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    this.sendBytes(req, res, file.content, { etag: `"${gitBlobId(file.content)}"`, 'x-repo-commit': commit }, this.takeFault(faultKey, req.method));
  }

  private sendBytes(req: IncomingMessage, res: ServerResponse, content: Buffer, headers: Record<string, string>, fault: LoopbackFault | null): void {
    if (fault?.kind === 'status') return end(res, fault.status, `injected ${fault.status}`, headers);
    let bytes = fault?.kind === 'corrupt' ? Buffer.from(content.map((byte) => byte ^ 0xff)) : content;
    let status = 200;
    const extra: Record<string, string> = { 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
    const range = req.headers.range;
    if (range !== undefined) {
      const m = /^bytes=(\d+)-(\d*)$/.exec(range);
      const start = m ? Number(m[1]) : NaN;
      if (!m || start >= content.length) {
        return end(res, 416, 'Range Not Satisfiable', { ...headers, 'content-range': `bytes */${content.length}` });
      }
      const last = m[2] === '' ? content.length - 1 : Math.min(Number(m[2]), content.length - 1);
      bytes = bytes.subarray(start, last + 1);
      status = 206;
      extra['content-range'] = `bytes ${start}-${last}/${content.length}`;
    }
    res.writeHead(status, { ...headers, ...extra, 'content-length': String(bytes.length) });
    if (req.method === 'HEAD') return void res.end();
    if (fault?.kind === 'stall') {
      res.write(bytes.subarray(0, fault.afterBytes));
      return;
    }
    if (fault?.kind === 'cut') {
      // Send the first bytes, then drop the connection: an interrupted transfer.
      res.write(bytes.subarray(0, fault.afterBytes), () => setImmediate(() => res.socket?.destroy()));
      return;
    }
    res.end(bytes);
  }

  private takeFault(key: string, method: string | undefined = 'GET'): LoopbackFault | null {
    if (method !== 'GET') return null;
    const list = this.faults.get(key);
    const fault = list?.[0];
    if (!list || !fault) return null;
    const left = (fault.times ?? 1) - 1;
    if (left <= 0) list.shift();
    else list[0] = { ...fault, times: left };
    return fault;
  }

  private commitOf(repo: Repo, revision: string): string | null {
    if (repo.commits.has(revision)) return revision;
    return repo.refs.get(revision) ?? null;
  }
}

function end(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: message });
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** sha256 of bytes, hex. */
export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** git blob id of bytes, hex. */
export function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
