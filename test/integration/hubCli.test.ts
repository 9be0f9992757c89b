/**
 * `slmbench run --model hf:…` end to end: the built CLI downloads the model from a loopback hub into a
 * temporary cache, benchmarks it, and runs again offline from the cache with no request.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../harness/result/RunResult.js';
import { runCli } from '../helpers/cli.js';
import { LoopbackHub } from '../helpers/loopbackHub.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

const STORIES_SHA256 = 'de0863976f77aa20ff0fd321cc2a4d2a030bf29666866e14f6d5786b501978f1';

describe.skipIf(!hasShared)(`slmbench run --model hf:… ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  let hub: LoopbackHub;
  beforeAll(async () => {
    hub = await LoopbackHub.start({ maxRequests: 50 });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('downloads the GGUF into the cache, benchmarks it, and runs again offline from the cache', async () => {
    const commit = hub.publish('karpathy/tinyllamas', {
      'README.md': '# tinyllamas\n',
      'stories260K-f32.gguf': readFileSync(sharedPath('models/stories260K/gguf/stories260K-f32.gguf')),
    });
    const dir = tempDir('hub-cli');
    const env = { SLMBENCH_HF_ENDPOINT: hub.endpoint, SLMBENCH_CACHE: join(dir, 'cache'), HF_TOKEN: '', SLMBENCH_OFFLINE: '', HF_HUB_OFFLINE: '' };
    const args = ['run', '--model', 'hf:karpathy/tinyllamas', '--backend', 'llama-cpp', '--prompt', '', '--gen-tokens', '8', '--repetitions', '1', '--processes', '1', '--warmup-seconds', '0'];

    const first = await runCli([...args, '--out', join(dir, 'first')], { cwd: dir, env });
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    const cached = join(dir, 'cache', 'hub', 'models', 'karpathy--tinyllamas', 'snapshots', commit, 'stories260K-f32.gguf');
    expect(first.stderr).toContain(`slmbench: downloading hf:karpathy/tinyllamas/stories260K-f32.gguf@${commit} (1.19 MB) → ${cached}`);
    const run = JSON.parse(readFileSync(join(dir, 'first', 'result.json'), 'utf8')) as RunResult;
    expect(run.entries[0]!.status).toBe('ok');
    expect(run.entries[0]!.model).toMatchObject({ spec: 'hf:karpathy/tinyllamas', path: cached, sha256: STORIES_SHA256, sizeBytes: 1185376, format: 'gguf' });
    expect(hub.requests.map((r) => `${r.server} ${r.method} ${r.pathname}`)).toEqual([
      'hub GET /api/models/karpathy/tinyllamas/revision/main',
      `hub HEAD /karpathy/tinyllamas/resolve/${commit}/stories260K-f32.gguf`,
      `storage GET /blobs/${STORIES_SHA256}`,
    ]);

    hub.requests.length = 0;
    const second = await runCli([...args, '--out', join(dir, 'second')], { cwd: dir, env: { ...env, SLMBENCH_OFFLINE: '1' } });
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain('downloading');
    const again = JSON.parse(readFileSync(join(dir, 'second', 'result.json'), 'utf8')) as RunResult;
    expect(again.entries[0]!.model.sha256).toBe(STORIES_SHA256);
    expect(hub.requests).toHaveLength(0);

    const offlineMissing = await runCli(['run', '--model', 'hf:karpathy/other/model.gguf', '--backend', 'llama-cpp', '--out', join(dir, 'third')], {
      cwd: dir,
      env: { ...env, HF_HUB_OFFLINE: '1' },
    });
    expect(offlineMissing.code).toBe(2);
    expect(offlineMissing.stderr.trim()).toBe(
      `slmbench: hf:karpathy/other/model.gguf@main is not in the cache (${join(dir, 'cache', 'hub', 'models', 'karpathy--other')} has no record of revision "main") and offline mode is on`,
    );
    expect(hub.requests).toHaveLength(0);
  });
});
