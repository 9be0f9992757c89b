/** The pure parts of the hub client: spec parsing, checks, file choice, header parsing, cache layout. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDir } from '../../harness/hub/cacheDir.js';
import { checkHubRef } from '../../harness/hub/checkHubRef.js';
import { chooseModelFiles } from '../../harness/hub/chooseModelFiles.js';
import { formatBytes } from '../../harness/hub/formatBytes.js';
import { formatHubRef } from '../../harness/hub/formatHubRef.js';
import { HubCache, isCommitHash, normalizeCommit } from '../../harness/hub/HubCache.js';
import { hubEndpoint } from '../../harness/hub/hubEndpoint.js';
import { resolveHubOptions } from '../../harness/hub/HubOptions.js';
import { isHubOffline } from '../../harness/hub/isHubOffline.js';
import { parseContentRange } from '../../harness/hub/parseContentRange.js';
import { parseEtag } from '../../harness/hub/parseEtag.js';
import { parseHubSpec } from '../../harness/hub/parseHubSpec.js';
import { describeFailure, TransientHubError } from '../../harness/hub/withHubRetries.js';
import { cacheDir as cacheDirFromModel } from '../../harness/model/resolveModelSpec.js';

describe('parseHubSpec', () => {
  it('reads repository, path and revision, with main as the default revision', () => {
    expect(parseHubSpec('hf:owner/repo')).toEqual({ repoType: 'model', repo: 'owner/repo', revision: 'main', path: null });
    expect(parseHubSpec('hf:owner/repo/model-Q4_0.gguf')).toEqual({ repoType: 'model', repo: 'owner/repo', revision: 'main', path: 'model-Q4_0.gguf' });
    expect(parseHubSpec('hf:owner/repo/onnx/model.onnx@v1.0')).toEqual({ repoType: 'model', repo: 'owner/repo', revision: 'v1.0', path: 'onnx/model.onnx' });
    expect(parseHubSpec('hf:owner/repo@0123456789abcdef0123456789abcdef01234567')).toEqual({
      repoType: 'model',
      repo: 'owner/repo',
      revision: '0123456789abcdef0123456789abcdef01234567',
      path: null,
    });
  });

  it('reads datasets and revisions with slashes', () => {
    expect(parseHubSpec('hf:datasets/owner/name/default/train/0000.parquet@refs/convert/parquet')).toEqual({
      repoType: 'dataset',
      repo: 'owner/name',
      revision: 'refs/convert/parquet',
      path: 'default/train/0000.parquet',
    });
  });

  it('names the spec and the part that is wrong', () => {
    expect(() => parseHubSpec('hf:owner')).toThrow('"hf:owner": expected hf:OWNER/REPO[/PATH][@REVISION]');
    expect(() => parseHubSpec('hf:owner/repo@')).toThrow('"hf:owner/repo@": empty revision after "@"');
    expect(() => parseHubSpec('hf:owner/repo/../x.gguf')).toThrow('path "../x.gguf" is not valid');
    expect(() => parseHubSpec('hf:owner/repo/a//b.gguf')).toThrow('path "a//b.gguf" is not valid');
    expect(() => parseHubSpec('hf:owner/repo@a/../b')).toThrow('revision "a/../b" is not valid');
    expect(() => parseHubSpec('hf:own--er/repo')).toThrow('repository "own--er/repo" is not OWNER/NAME');
    expect(() => parseHubSpec('hf:owner/-repo')).toThrow('repository "owner/-repo" is not OWNER/NAME');
    try {
      parseHubSpec('hf:owner');
    } catch (error) {
      expect(error).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2 });
    }
  });

  it('round-trips through formatHubRef', () => {
    expect(formatHubRef(parseHubSpec('hf:owner/repo/a/b.gguf@dev'))).toBe('hf:owner/repo/a/b.gguf@dev');
    expect(formatHubRef(parseHubSpec('hf:datasets/o/n@refs/convert/parquet'))).toBe('hf:datasets/o/n@refs/convert/parquet');
    expect(formatHubRef({ repoType: 'model', repo: 'o/r', revision: 'main' })).toBe('hf:o/r@main');
  });

  it('checkHubRef guards programmatic references too', () => {
    expect(() => checkHubRef({ repoType: 'dataset', repo: 'o/n', revision: 'main', path: 'x\\y' }, 'call')).toThrow('"call": path "x\\y" is not valid');
    expect(() => checkHubRef({ repoType: 'space' as 'model', repo: 'o/n', revision: 'main' }, 'call')).toThrow('repository type must be model or dataset');
  });
});

describe('chooseModelFiles', () => {
  const tjs = ['README.md', 'config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model.onnx_data', 'onnx/model_q4.onnx', 'onnx/model_fp16.onnx'];

  it('takes a lone .gguf file', () => {
    expect(chooseModelFiles(['README.md', 'sub/m-F16.gguf', '.gitattributes'], '', null)).toEqual({ kind: 'gguf', path: 'sub/m-F16.gguf' });
  });

  it('lists several .gguf files', () => {
    expect(chooseModelFiles(['m-Q8_0.gguf', 'm-F16.gguf', 'README.md'], '', null)).toEqual({ kind: 'several-gguf', paths: ['m-F16.gguf', 'm-Q8_0.gguf'] });
  });

  it('takes the needed files of a transformers.js folder, with model.onnx and its external data', () => {
    expect(chooseModelFiles(tjs, '', null)).toEqual({
      kind: 'transformers-js',
      folder: '',
      files: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'onnx/model.onnx', 'onnx/model.onnx_data'],
    });
  });

  it('without onnx/model.onnx follows config.json, else the only model file', () => {
    const noFp32 = tjs.filter((p) => !p.startsWith('onnx/model.onnx'));
    expect(chooseModelFiles(noFp32, '', 'q4')).toMatchObject({ kind: 'transformers-js', files: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'onnx/model_q4.onnx'] });
    expect(chooseModelFiles(noFp32, '', null)).toEqual({
      kind: 'none',
      reason: 'it has several ONNX models (onnx/model_fp16.onnx, onnx/model_q4.onnx) and neither onnx/model.onnx nor transformers.js_config.dtype to choose one',
    });
    expect(chooseModelFiles(noFp32, '', 'q8')).toEqual({
      kind: 'none',
      reason: 'config.json names dtype q8, but onnx/model_quantized.onnx is not in the repository (it has onnx/model_fp16.onnx, onnx/model_q4.onnx)',
    });
    const single = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model_int8.onnx'];
    expect(chooseModelFiles(single, '', null)).toMatchObject({ files: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model_int8.onnx'] });
  });

  it('works inside a folder of the repository', () => {
    const paths = tjs.map((p) => `web/${p}`).concat(['model.gguf', 'other.gguf']);
    expect(chooseModelFiles(paths, 'web', null)).toMatchObject({ kind: 'transformers-js', folder: 'web', files: expect.arrayContaining(['web/onnx/model.onnx']) as unknown });
  });

  it('says what is missing', () => {
    expect(chooseModelFiles(['config.json', 'onnx/model.onnx'], '', null)).toEqual({
      kind: 'none',
      reason: 'it has config.json and onnx/ but not tokenizer.json, tokenizer_config.json, which the transformers.js backends need',
    });
    expect(chooseModelFiles(['README.md', 'model.safetensors'], '', null)).toEqual({
      kind: 'none',
      reason: 'it has no .gguf file and no transformers.js layout (config.json with onnx/model*.onnx)',
    });
  });
});

describe('hub HTTP header parsing', () => {
  it('parses ETags', () => {
    expect(parseEtag('"abc"')).toEqual({ value: 'abc', weak: false });
    expect(parseEtag('W/"abc"')).toEqual({ value: 'abc', weak: true });
    expect(parseEtag(null)).toBeNull();
    expect(parseEtag('""')).toBeNull();
  });

  it('parses Content-Range', () => {
    expect(parseContentRange('bytes 100-199/1000')).toEqual({ start: 100, end: 199, total: 1000 });
    expect(parseContentRange('bytes */1000')).toEqual({ start: null, end: null, total: 1000 });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ start: 0, end: 9, total: null });
    expect(parseContentRange('items 0-9/10')).toBeNull();
    expect(parseContentRange(null)).toBeNull();
  });

  it('normalizes commits', () => {
    expect(normalizeCommit(' 0123456789ABCDEF0123456789abcdef01234567 ')).toBe('0123456789abcdef0123456789abcdef01234567');
    expect(normalizeCommit('main')).toBeNull();
    expect(normalizeCommit('../../etc')).toBeNull();
    expect(isCommitHash('0123456789abcdef0123456789abcdef01234567')).toBe(true);
    expect(isCommitHash('0123456')).toBe(false);
  });
});

describe('hub settings from the environment', () => {
  it('reads offline mode from SLMBENCH_OFFLINE or HF_HUB_OFFLINE', () => {
    expect(isHubOffline({})).toBe(false);
    expect(isHubOffline({ SLMBENCH_OFFLINE: '1' })).toBe(true);
    expect(isHubOffline({ HF_HUB_OFFLINE: 'TRUE' })).toBe(true);
    expect(isHubOffline({ HF_HUB_OFFLINE: '0', SLMBENCH_OFFLINE: 'no' })).toBe(false);
  });

  it('reads the endpoint from SLMBENCH_HF_ENDPOINT, then HF_ENDPOINT', () => {
    expect(hubEndpoint({})).toBe('https://huggingface.co');
    expect(hubEndpoint({ HF_ENDPOINT: 'https://mirror.example/' })).toBe('https://mirror.example');
    expect(hubEndpoint({ HF_ENDPOINT: 'https://mirror.example', SLMBENCH_HF_ENDPOINT: 'http://127.0.0.1:9' })).toBe('http://127.0.0.1:9');
    expect(() => hubEndpoint({ SLMBENCH_HF_ENDPOINT: 'ftp://x' })).toThrow('SLMBENCH_HF_ENDPOINT: "ftp://x" is not an http(s) URL');
    expect(() => hubEndpoint({ SLMBENCH_HF_ENDPOINT: 'nope' })).toThrow('SLMBENCH_HF_ENDPOINT: "nope" is not a URL');
  });

  it('applies the documented defaults', () => {
    const resolved = resolveHubOptions({}, { SLMBENCH_CACHE: '/c', HF_TOKEN: 't' });
    expect(resolved).toMatchObject({
      endpoint: 'https://huggingface.co',
      token: 't',
      offline: false,
      cacheDir: '/c',
      refresh: false,
      tries: 3,
      retryDelayMs: 500,
      stallTimeoutMs: 60_000,
      onProgress: null,
    });
    expect(resolved.progressStream).toBe(process.stderr);
    expect(resolveHubOptions({ progress: false, offline: true, token: 'x' }, { SLMBENCH_CACHE: '/c' })).toMatchObject({ progressStream: null, offline: true, token: 'x' });
    expect(() => resolveHubOptions({ tries: 0 }, {})).toThrow('tries must be an integer ≥ 1, not 0');
  });

  it('keeps cacheDir where resolveModelSpec exported it', () => {
    expect(cacheDirFromModel).toBe(cacheDir);
    expect(cacheDir({ SLMBENCH_CACHE: '/x' })).toBe('/x');
    expect(cacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe(join('/xdg', 'slmbench'));
  });
});

describe('HubCache layout', () => {
  const cache = new HubCache('/c', 'model', 'owner/repo');
  it('places snapshots, partial downloads, refs and listings apart', () => {
    const commit = '0123456789abcdef0123456789abcdef01234567';
    expect(cache.repoFolder).toBe(join('/c', 'hub', 'models', 'owner--repo'));
    expect(cache.filePath(commit, 'onnx/model.onnx')).toBe(join('/c/hub/models/owner--repo/snapshots', commit, 'onnx', 'model.onnx'));
    expect(cache.partialPath(commit, 'onnx/model.onnx')).toBe(join('/c/hub/models/owner--repo/snapshots', commit, 'onnx', '.model.onnx.partial'));
    expect(cache.refFile('refs/convert/parquet')).toBe(join('/c/hub/models/owner--repo/refs/refs/convert/parquet'));
    expect(cache.listingFile(commit)).toBe(join('/c/hub/models/owner--repo/listings', `${commit}.json`));
    expect(new HubCache('/c', 'dataset', 'o/n').repoFolder).toBe(join('/c/hub/datasets/o--n'));
  });

  it('names a snapshot by commit, else by the encoded revision', () => {
    expect(HubCache.snapshotName('0123456789abcdef0123456789abcdef01234567', 'main')).toBe('0123456789abcdef0123456789abcdef01234567');
    expect(HubCache.snapshotName(null, 'refs/convert/parquet')).toBe('refs%2Fconvert%2Fparquet');
  });
});

describe('small helpers', () => {
  it('formats bytes', () => {
    expect([0, 999, 1000, 1_185_376, 45_600_000, 3_100_000_000].map(formatBytes)).toEqual(['0 B', '999 B', '1.00 KB', '1.19 MB', '45.6 MB', '3.10 GB']);
  });

  it('describes fetch failures by their socket-level cause', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    expect(describeFailure(refused)).toBe('connect ECONNREFUSED 127.0.0.1:9');
    const cut = Object.assign(new TypeError('terminated'), { cause: new Error('other side closed') });
    expect(describeFailure(cut)).toBe('transfer cut short: other side closed');
    expect(describeFailure(new TransientHubError('x answered HTTP 503', 503))).toBe('x answered HTTP 503');
  });
});
