/**
 * The hub client against a loopback hub (test/helpers/loopbackHub.ts) on 127.0.0.1: real sockets, real
 * redirects, ranges and cut connections, every request counted. No other address is contacted.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { downloadHubFile, type HubDownloadOptions } from '../../harness/hub/downloadHubFile.js';
import { listHubFiles } from '../../harness/hub/listHubFiles.js';
import { resolveHubModel } from '../../harness/hub/resolveHubModel.js';
import { resolveModelSpec } from '../../harness/model/resolveModelSpec.js';
import { LoopbackHub, sha256 } from '../helpers/loopbackHub.js';
import { tempDir } from '../helpers/tempDir.js';

/** Deterministic bytes, so a wrong offset shows as wrong content. */
function bytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const GGUF = bytes(300_000, 1);
const CONFIG = JSON.stringify({ model_type: 'llama', vocab_size: 512 });

let hub: LoopbackHub;
let cache: string;
let log: string[];

/** Options for every call: this test's hub and cache, fast retries, progress captured in `log`. */
function options(extra: HubDownloadOptions = {}): HubDownloadOptions {
  const stream = new PassThrough();
  stream.setEncoding('utf8').on('data', (text: string) => log.push(...text.split('\n').filter(Boolean)));
  return { endpoint: hub.endpoint, cacheDir: cache, retryDelayMs: 1, progressStream: stream, offline: false, ...extra };
}

function listFiles(folder: string, prefix = ''): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(folder, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
    .sort();
}

beforeAll(async () => {
  hub = await LoopbackHub.start({ maxRequests: 500 });
});
afterAll(async () => {
  await hub.stop();
});
beforeEach(() => {
  cache = tempDir('hub');
  log = [];
  hub.requests.length = 0;
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('downloadHubFile', () => {
  it('downloads an LFS file through the redirect to storage, records the commit, and reuses it with no request', async () => {
    const commit = hub.publish('owner/first', { 'model.gguf': GGUF, 'README.md': '# first\n' });
    const file = { repoType: 'model', repo: 'owner/first', revision: 'main', path: 'model.gguf' } as const;
    const path = await downloadHubFile(file, options());
    expect(path).toBe(join(cache, 'hub', 'models', 'owner--first', 'snapshots', commit, 'model.gguf'));
    expect(readFileSync(path).equals(GGUF)).toBe(true);
    expect(readFileSync(join(cache, 'hub', 'models', 'owner--first', 'refs', 'main'), 'utf8')).toBe(commit);
    expect(listFiles(dirname(path))).toEqual(['model.gguf']); // no partial file left
    expect(hub.requests.map((r) => `${r.server} ${r.method} ${r.pathname} ${r.range}`)).toEqual([
      'hub HEAD /owner/first/resolve/main/model.gguf null',
      `storage GET /blobs/${sha256(GGUF)} null`,
    ]);
    expect(log).toEqual([
      `slmbench: downloading hf:owner/first/model.gguf@main (300 KB) → ${path}`,
      expect.stringMatching(/^slmbench: downloaded hf:owner\/first\/model\.gguf@main: 300 KB in \d+\.\d s \(.+\/s\)$/) as unknown as string,
    ]);

    const before = hub.requests.length;
    expect(await downloadHubFile(file, options())).toBe(path);
    expect(hub.requests.length).toBe(before);
  });

  it('checks a git-stored file against its git blob id and serves it without redirect', async () => {
    const commit = hub.publish('owner/small', { 'config.json': CONFIG });
    const path = await downloadHubFile({ repoType: 'model', repo: 'owner/small', revision: 'main', path: 'config.json' }, options());
    expect(readFileSync(path, 'utf8')).toBe(CONFIG);
    expect(path).toContain(commit);
    expect(hub.requests.map((r) => `${r.server} ${r.method} ${r.url}`)).toEqual([
      'hub HEAD /owner/small/resolve/main/config.json',
      'hub GET /owner/small/resolve/main/config.json',
    ]);

    hub.publish('owner/small-bad', { 'config.json': CONFIG });
    hub.fault('owner/small-bad', 'config.json', { kind: 'corrupt' });
    const error = await downloadHubFile({ repoType: 'model', repo: 'owner/small-bad', revision: 'main', path: 'config.json' }, options()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HUB_CHECKSUM', message: expect.stringContaining('git blob id mismatch') as unknown });
  });

  it('resumes an interrupted transfer with a Range request within one call, and the file is exact', async () => {
    hub.publish('owner/cut', { 'model.gguf': GGUF });
    hub.fault('owner/cut', 'model.gguf', { kind: 'cut', afterBytes: 100_000 });
    const path = await downloadHubFile({ repoType: 'model', repo: 'owner/cut', revision: 'main', path: 'model.gguf' }, options());
    expect(readFileSync(path).equals(GGUF)).toBe(true);
    expect(hub.byteRequests().map((r) => r.range)).toEqual([null, 'bytes=100000-']);
    expect(log.some((line) => line.includes('transfer cut short') && line.includes('try 2 of 3'))).toBe(true);
  });

  it('resumes from the partial file a failed call left behind', async () => {
    const commit = hub.publish('owner/resume', { 'model.gguf': GGUF });
    hub.fault('owner/resume', 'model.gguf', { kind: 'cut', afterBytes: 123_456 });
    const file = { repoType: 'model', repo: 'owner/resume', revision: 'main', path: 'model.gguf' } as const;
    const error = await downloadHubFile(file, options({ tries: 1 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HUB_NETWORK', message: expect.stringContaining(`GET ${hub.storage}/blobs/${sha256(GGUF)}?file=model%3Aowner%2Fresume%3Amodel.gguf: transfer cut short`) as unknown });
    const partial = join(cache, 'hub', 'models', 'owner--resume', 'snapshots', commit, '.model.gguf.partial');
    expect(readFileSync(partial).equals(GGUF.subarray(0, 123_456))).toBe(true);

    const path = await downloadHubFile(file, options());
    expect(readFileSync(path).equals(GGUF)).toBe(true);
    expect(hub.byteRequests().map((r) => r.range)).toEqual([null, 'bytes=123456-']);
    expect(existsSync(partial)).toBe(false);
    expect(log.filter((line) => line.includes('resuming'))).toEqual([`slmbench: downloading hf:owner/resume/model.gguf@main (300 KB, resuming at 123 KB) → ${dirname(partial)}/model.gguf`]);
  });

  it('treats a 416 for a partial file that is already complete as done', async () => {
    const commit = hub.publish('owner/complete', { 'model.gguf': GGUF });
    const partial = join(cache, 'hub', 'models', 'owner--complete', 'snapshots', commit, '.model.gguf.partial');
    mkdirSync(dirname(partial), { recursive: true });
    writeFileSync(partial, GGUF);
    // The hub announces the size, so no byte is asked for.
    const path = await downloadHubFile({ repoType: 'model', repo: 'owner/complete', revision: 'main', path: 'model.gguf' }, options());
    expect(readFileSync(path).equals(GGUF)).toBe(true);
    expect(hub.byteRequests()).toHaveLength(0);
  });

  it('asks for the rest of a partial file when the size is not announced, and takes a 416 for a complete one as done', async () => {
    const quiet = await LoopbackHub.start({ omitLinkedSize: true, maxRequests: 20 });
    try {
      const commit = quiet.publish('owner/quiet', { 'model.gguf': GGUF });
      const partial = join(cache, 'hub', 'models', 'owner--quiet', 'snapshots', commit, '.model.gguf.partial');
      mkdirSync(dirname(partial), { recursive: true });
      writeFileSync(partial, GGUF);
      const file = { repoType: 'model', repo: 'owner/quiet', revision: 'main', path: 'model.gguf' } as const;
      const path = await downloadHubFile(file, options({ endpoint: quiet.endpoint }));
      expect(readFileSync(path).equals(GGUF)).toBe(true);
      expect(quiet.byteRequests().map((r) => r.range)).toEqual([`bytes=${GGUF.length}-`]);

      // A partial file that is a prefix is completed from where it ends.
      const second = quiet.publish('owner/quiet2', { 'model.gguf': GGUF });
      const partial2 = join(cache, 'hub', 'models', 'owner--quiet2', 'snapshots', second, '.model.gguf.partial');
      mkdirSync(dirname(partial2), { recursive: true });
      writeFileSync(partial2, GGUF.subarray(0, 7));
      expect(readFileSync(await downloadHubFile({ ...file, repo: 'owner/quiet2' }, options({ endpoint: quiet.endpoint }))).equals(GGUF)).toBe(true);
      expect(quiet.byteRequests().map((r) => r.range).at(-1)).toBe('bytes=7-');
    } finally {
      await quiet.stop();
    }
  });

  it('discards a partial file longer than the file, and resumes after a stalled transfer', async () => {
    const commit = hub.publish('owner/long', { 'model.gguf': GGUF });
    const partial = join(cache, 'hub', 'models', 'owner--long', 'snapshots', commit, '.model.gguf.partial');
    mkdirSync(dirname(partial), { recursive: true });
    writeFileSync(partial, Buffer.concat([GGUF, GGUF]));
    hub.fault('owner/long', 'model.gguf', { kind: 'stall', afterBytes: 50_000 });
    const path = await downloadHubFile({ repoType: 'model', repo: 'owner/long', revision: 'main', path: 'model.gguf' }, options({ stallTimeoutMs: 1000 }));
    expect(readFileSync(path).equals(GGUF)).toBe(true);
    expect(hub.byteRequests().map((r) => r.range)).toEqual([null, 'bytes=50000-']);
    expect(log.some((line) => line.includes('nothing received for 1 s') && line.includes('try 2 of 3'))).toBe(true);
  });

  it('draws a bar on a terminal', async () => {
    hub.publish('owner/tty', { 'model.gguf': GGUF });
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    let text = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    await downloadHubFile({ repoType: 'model', repo: 'owner/tty', revision: 'main', path: 'model.gguf' }, options({ progressStream: stream }));
    expect(text).toContain('hf:owner/tty/model.gguf@main');
    expect(text).toContain('100% | 300 KB/300 KB');
  });

  it('fails a checksum mismatch, naming file, expected and actual, and leaves no file', async () => {
    const commit = hub.publish('owner/corrupt', { 'model.gguf': GGUF });
    hub.fault('owner/corrupt', 'model.gguf', { kind: 'corrupt' });
    const file = { repoType: 'model', repo: 'owner/corrupt', revision: 'main', path: 'model.gguf' } as const;
    const error = (await downloadHubFile(file, options()).catch((e: unknown) => e)) as Error & { code: string };
    const target = join(cache, 'hub', 'models', 'owner--corrupt', 'snapshots', commit, 'model.gguf');
    const actual = sha256(Buffer.from(GGUF.map((b) => b ^ 0xff)));
    expect(error.code).toBe('HUB_CHECKSUM');
    expect(error.message).toBe(
      `hf:owner/corrupt/model.gguf@main: sha256 mismatch: expected ${sha256(GGUF)}, got ${actual} for ${target}; the download was deleted, run again to fetch it anew`,
    );
    expect(listFiles(dirname(target))).toEqual([]);
    // The next call downloads it anew, and right.
    expect(readFileSync(await downloadHubFile(file, options())).equals(GGUF)).toBe(true);
  });

  it('offline: serves cached files with no request, and fails in one line when a file is not cached', async () => {
    const commit = hub.publish('owner/offline', { 'model.gguf': GGUF, 'other.gguf': bytes(10, 2) });
    const file = { repoType: 'model', repo: 'owner/offline', revision: 'main', path: 'model.gguf' } as const;
    vi.stubEnv('HF_HUB_OFFLINE', '1');
    const noOffline = { ...options() };
    delete noOffline.offline; // from the environment
    const missing = (await downloadHubFile(file, noOffline).catch((e: unknown) => e)) as Error & { code: string };
    expect(missing.code).toBe('HUB_OFFLINE');
    expect(missing.message).toBe(
      `hf:owner/offline/model.gguf@main is not in the cache (${join(cache, 'hub', 'models', 'owner--offline')} has no record of revision "main") and offline mode is on`,
    );
    expect(hub.requests).toHaveLength(0);

    vi.unstubAllEnvs();
    const path = await downloadHubFile(file, options());
    hub.requests.length = 0;
    vi.stubEnv('SLMBENCH_OFFLINE', '1');
    expect(await downloadHubFile(file, noOffline)).toBe(path);
    const other = (await downloadHubFile({ ...file, path: 'other.gguf' }, noOffline).catch((e: unknown) => e)) as Error;
    expect(other.message).toBe(
      `hf:owner/offline/other.gguf@main is not in the cache (${join(cache, 'hub', 'models', 'owner--offline', 'snapshots', commit, 'other.gguf')}) and offline mode is on`,
    );
    expect(hub.requests).toHaveLength(0);
  });

  it('keeps a branch at its cached commit until refresh', async () => {
    const first = hub.publish('owner/moving', { 'model.gguf': bytes(1000, 3) });
    const file = { repoType: 'model', repo: 'owner/moving', revision: 'main', path: 'model.gguf' } as const;
    expect(await downloadHubFile(file, options())).toContain(first);
    const second = hub.publish('owner/moving', { 'model.gguf': bytes(1000, 4) });
    expect(await downloadHubFile(file, options())).toContain(first);
    const refreshed = await downloadHubFile(file, options({ refresh: true }));
    expect(refreshed).toContain(second);
    expect(readFileSync(refreshed).equals(bytes(1000, 4))).toBe(true);
  });

  it('says what is not found: repository, revision, file', async () => {
    hub.publish('owner/exists', { 'model.gguf': bytes(10, 5) });
    const base = { repoType: 'model', repo: 'owner/exists', revision: 'main', path: 'model.gguf' } as const;
    const errors = await Promise.all([
      downloadHubFile({ ...base, repo: 'owner/missing' }, options()).catch((e: unknown) => e),
      downloadHubFile({ ...base, revision: 'v9' }, options()).catch((e: unknown) => e),
      downloadHubFile({ ...base, path: 'nope.gguf' }, options()).catch((e: unknown) => e),
    ]);
    expect(errors.map((e) => (e as { code: string }).code)).toEqual(['HUB_NOT_FOUND', 'HUB_NOT_FOUND', 'HUB_NOT_FOUND']);
    expect((errors[0] as Error).message).toBe(
      `hf:owner/missing/model.gguf@main: model repository owner/missing not found at ${hub.endpoint}/owner/missing/resolve/main/model.gguf (a private one needs HF_TOKEN)`,
    );
    expect((errors[1] as Error).message).toBe(`hf:owner/exists/model.gguf@v9: revision "v9" not found in owner/exists (${hub.endpoint}/owner/exists/resolve/v9/model.gguf)`);
    expect((errors[2] as Error).message).toBe(
      `hf:owner/exists/nope.gguf@main: not found: file "nope.gguf" in owner/exists at revision "main" (${hub.endpoint}/owner/exists/resolve/main/nope.gguf answered HTTP 404 Not Found)`,
    );
  });

  it('retries 503 with backoff, and names the URL when every try fails', async () => {
    hub.publish('owner/flaky', { 'model.gguf': GGUF });
    hub.fault('owner/flaky', 'model.gguf', { kind: 'status', status: 503 });
    const file = { repoType: 'model', repo: 'owner/flaky', revision: 'main', path: 'model.gguf' } as const;
    expect(readFileSync(await downloadHubFile(file, options())).equals(GGUF)).toBe(true);
    expect(hub.byteRequests()).toHaveLength(2);

    hub.publish('owner/down', { 'model.gguf': GGUF });
    hub.fault('owner/down', 'model.gguf', { kind: 'status', status: 503, times: 3 });
    const error = await downloadHubFile({ ...file, repo: 'owner/down' }, options()).catch((e: unknown) => e);
    const blob = `${hub.storage}/blobs/${sha256(GGUF)}?file=model%3Aowner%2Fdown%3Amodel.gguf`;
    expect(error).toMatchObject({
      code: 'HUB_HTTP',
      message: `GET ${blob}: answered HTTP 503 Service Unavailable (after 3 tries)`,
    });
  });

  it('fails naming the URL when nothing listens', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const error = await downloadHubFile({ repoType: 'model', repo: 'o/r', revision: 'main', path: 'm.gguf' }, options({ endpoint })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HUB_NETWORK', message: `HEAD ${endpoint}/o/r/resolve/main/m.gguf: connect ECONNREFUSED 127.0.0.1:${port} (after 3 tries)` });
  });

  it('sends HF_TOKEN to the hub only, and explains a refusal', async () => {
    const guarded = await LoopbackHub.start({ requiredToken: 'secret', maxRequests: 20 });
    try {
      guarded.publish('owner/private', { 'model.gguf': GGUF });
      const file = { repoType: 'model', repo: 'owner/private', revision: 'main', path: 'model.gguf' } as const;
      const refused = await downloadHubFile(file, options({ endpoint: guarded.endpoint })).catch((e: unknown) => e);
      expect(refused).toMatchObject({
        code: 'HUB_AUTH',
        message: `hf:owner/private/model.gguf@main: access refused (HTTP 401 Unauthorized) at ${guarded.endpoint}/owner/private/resolve/main/model.gguf: the repository is private or gated, or does not exist; set HF_TOKEN to a token that can read it`,
      });
      vi.stubEnv('HF_TOKEN', 'secret');
      const path = await downloadHubFile(file, options({ endpoint: guarded.endpoint }));
      expect(readFileSync(path).equals(GGUF)).toBe(true);
      expect(guarded.requests.slice(1).map((r) => `${r.server} ${r.authorization}`)).toEqual(['hub Bearer secret', 'storage null']);
      vi.stubEnv('HF_TOKEN', 'wrong');
      const wrong = await downloadHubFile({ ...file, revision: 'other' }, options({ endpoint: guarded.endpoint })).catch((e: unknown) => e);
      expect((wrong as Error).message).toContain('the token in HF_TOKEN may not read this repository');
    } finally {
      await guarded.stop();
    }
  });

  it('downloads dataset files at revisions with slashes, and lists them', async () => {
    const parquet = bytes(5000, 6);
    const commit = hub.publish('owner/data', { 'default/train/0000.parquet': parquet, 'README.md': 'data' }, { repoType: 'dataset', branch: 'refs/convert/parquet' });
    const ref = { repoType: 'dataset', repo: 'owner/data', revision: 'refs/convert/parquet' } as const;
    const listing = await listHubFiles(ref, options());
    expect(listing).toEqual({
      ...ref,
      commit,
      files: [
        { path: 'README.md', size: 4, sha256: null },
        { path: 'default/train/0000.parquet', size: 5000, sha256: sha256(parquet) },
      ],
    });
    const path = await downloadHubFile({ ...ref, path: 'default/train/0000.parquet' }, options());
    expect(path).toBe(join(cache, 'hub', 'datasets', 'owner--data', 'snapshots', commit, 'default', 'train', '0000.parquet'));
    expect(readFileSync(path).equals(parquet)).toBe(true);
    expect(hub.requests.map((r) => `${r.method} ${r.url}`).slice(0, 2)).toEqual([
      'GET /api/datasets/owner/data/revision/refs%2Fconvert%2Fparquet?blobs=true',
      'HEAD /datasets/owner/data/resolve/refs%2Fconvert%2Fparquet/default/train/0000.parquet',
    ]);
    expect(readFileSync(join(cache, 'hub', 'datasets', 'owner--data', 'refs', 'refs', 'convert', 'parquet'), 'utf8')).toBe(commit);

    // Cached listing and file: offline needs no request.
    hub.requests.length = 0;
    expect(await listHubFiles(ref, options({ offline: true }))).toEqual(listing);
    expect(await downloadHubFile({ ...ref, path: 'default/train/0000.parquet' }, options({ offline: true }))).toBe(path);
    expect(hub.requests).toHaveLength(0);
  });

  it('shares one download between simultaneous calls for the same file', async () => {
    hub.publish('owner/shared', { 'model.gguf': GGUF });
    const file = { repoType: 'model', repo: 'owner/shared', revision: 'main', path: 'model.gguf' } as const;
    const [a, b] = await Promise.all([downloadHubFile(file, options()), downloadHubFile(file, options())]);
    expect(a).toBe(b);
    expect(readFileSync(a).equals(GGUF)).toBe(true);
    expect(hub.byteRequests()).toHaveLength(1);
  });

  it('reports progress to onProgress up to the full size', async () => {
    hub.publish('owner/progress', { 'model.gguf': GGUF });
    const events: number[] = [];
    await downloadHubFile(
      { repoType: 'model', repo: 'owner/progress', revision: 'main', path: 'model.gguf' },
      options({ progress: false, onProgress: (event) => events.push(event.receivedBytes) }),
    );
    expect(events.at(-1)).toBe(GGUF.length);
    expect(events.every((value, i) => i === 0 || value > events[i - 1]!)).toBe(true);
    expect(log).toEqual([]);
  });
});

describe('resolveHubModel', () => {
  it('picks the lone .gguf file of a repository, and resolveModelSpec returns it for hf: specs', async () => {
    const commit = hub.publish('owner/one-gguf', { 'README.md': 'x', 'model-F32.gguf': GGUF });
    const path = await resolveHubModel('hf:owner/one-gguf', options());
    expect(path).toBe(join(cache, 'hub', 'models', 'owner--one-gguf', 'snapshots', commit, 'model-F32.gguf'));
    expect(hub.requests.map((r) => `${r.server} ${r.method} ${r.pathname}`)).toEqual([
      'hub GET /api/models/owner/one-gguf/revision/main',
      `hub HEAD /owner/one-gguf/resolve/${commit}/model-F32.gguf`,
      `storage GET /blobs/${sha256(GGUF)}`,
    ]);
    hub.requests.length = 0;
    expect(await resolveModelSpec('hf:owner/one-gguf', 'hf:owner/one-gguf', { hub: options() })).toBe(path);
    expect(await resolveModelSpec('hf:owner/one-gguf/model-F32.gguf', 'unused', { hub: options() })).toBe(path);
    expect(await resolveHubModel('hf:owner/one-gguf', options({ offline: true }))).toBe(path);
    expect(hub.requests).toHaveLength(0);
  });

  it('lists the .gguf files when there are several and no path', async () => {
    hub.publish('owner/many', { 'm-Q4_0.gguf': bytes(10, 7), 'm-Q8_0.gguf': bytes(10, 8) });
    const error = await resolveHubModel('hf:owner/many', options()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HUB_MODEL_FILE', message: 'hf:owner/many@main holds 2 .gguf files; name one: hf:owner/many/m-Q4_0.gguf, hf:owner/many/m-Q8_0.gguf' });
    const none = await resolveHubModel('hf:owner/many/sub', options()).catch((e: unknown) => e);
    expect(none).toMatchObject({ code: 'HUB_NOT_FOUND', message: 'hf:owner/many/sub: no file or folder "sub" in owner/many at revision "main"' });
  });

  it('downloads the needed files of a transformers.js repository and returns its folder', async () => {
    const onnx = bytes(20_000, 9);
    const data = bytes(50_000, 10);
    const commit = hub.publish('owner/tiny-onnx', {
      'README.md': '# tiny',
      'config.json': CONFIG,
      'generation_config.json': '{}',
      'tokenizer.json': '{"model":{}}',
      'tokenizer_config.json': '{}',
      'special_tokens_map.json': '{}',
      'onnx/model.onnx': onnx,
      'onnx/model.onnx_data': data,
      'onnx/model_q4.onnx': bytes(9000, 11),
    });
    const folder = await resolveHubModel('hf:owner/tiny-onnx', options());
    expect(folder).toBe(join(cache, 'hub', 'models', 'owner--tiny-onnx', 'snapshots', commit));
    expect(listFiles(folder)).toEqual([
      'config.json',
      'generation_config.json',
      'onnx/model.onnx',
      'onnx/model.onnx_data',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect(readFileSync(join(folder, 'onnx', 'model.onnx_data')).equals(data)).toBe(true);
    // Offline afterwards: listing and files from the cache.
    hub.requests.length = 0;
    expect(await resolveHubModel('hf:owner/tiny-onnx@main', options({ offline: true }))).toBe(folder);
    expect(hub.requests).toHaveLength(0);
  });

  it('follows config.json dtype when there is no onnx/model.onnx, and fetches companions of a named .onnx file', async () => {
    const commit = hub.publish('owner/q4-only', {
      'config.json': JSON.stringify({ 'transformers.js_config': { dtype: 'q4' } }),
      'tokenizer.json': '{}',
      'tokenizer_config.json': '{}',
      'onnx/model_q4.onnx': bytes(3000, 12),
      'onnx/model_fp16.onnx': bytes(3000, 13),
      'onnx/model_fp16.onnx_data': bytes(3000, 14),
    });
    const folder = await resolveHubModel('hf:owner/q4-only', options());
    expect(listFiles(folder)).toEqual(['config.json', 'onnx/model_q4.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    const file = await resolveHubModel('hf:owner/q4-only/onnx/model_fp16.onnx', options());
    expect(file).toBe(join(cache, 'hub', 'models', 'owner--q4-only', 'snapshots', commit, 'onnx', 'model_fp16.onnx'));
    expect(listFiles(folder)).toEqual([
      'config.json',
      'onnx/model_fp16.onnx',
      'onnx/model_fp16.onnx_data',
      'onnx/model_q4.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
  });
});
