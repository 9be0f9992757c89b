/**
 * `slmbench run` with a `remote:NAME` model end to end: the built CLI, a real worker process, and the
 * OpenAI-compatible test server (test/helpers/openAiServer.ts) on 127.0.0.1. Timing is asserted only as a
 * lower bound the server enforces (its first chunk waits), never as an upper bound.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RankedRunResult } from '../../harness/ranking/attachRanking.js';
import type { RemoteModelInfo } from '../../adapters/remote/RemoteModelInfo.js';
import { runCli } from '../helpers/cli.js';
import { OpenAiServer, type OpenAiServerOptions } from '../helpers/openAiServer.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

const FIRST_CHUNK_DELAY_MS = 20;
const MEASURE = { warmupRuns: 0, warmupSeconds: 0, minRepetitions: 3, maxRepetitions: 3, minSeconds: 0, targetCiWidth: null, processes: 1 };

const servers: OpenAiServer[] = [];

async function startServer(options: OpenAiServerOptions = {}): Promise<OpenAiServer> {
  const server = await OpenAiServer.start({ modelId: 'tiny', firstChunkDelayMs: FIRST_CHUNK_DELAY_MS, maxRequests: 1000, ...options });
  servers.push(server);
  return server;
}

/** Writes a config and runs `slmbench run --config … --out … --json`; returns the parsed result (exit `code`, default 0). */
async function run(models: string[], backends: Record<string, unknown>[], workload: Record<string, unknown> = { prompt: 'Once upon a time', genTokens: 8 }, code = 0) {
  const dir = tempDir('remote-cli');
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ sweep: { models, backends, workloads: [workload] }, measure: MEASURE }));
  const out = join(dir, 'out');
  const result = await runCli(['run', '--config', config, '--out', out, '--json']);
  expect(result.code, result.stderr).toBe(code);
  const parsed = JSON.parse(result.stdout) as RankedRunResult;
  expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))).toEqual(parsed);
  return parsed;
}

describe('slmbench run with a remote:NAME model', () => {
  let server: OpenAiServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it('measures it through the server: 8 tokens, TTFT above the server\'s delay, memory and energy not measured', async () => {
    const result = await run(['remote:tiny'], [{ id: 'remote', baseUrl: server.url }]);
    expect(result.entries).toHaveLength(1);
    const entry = result.entries[0]!;
    expect(entry.error).toBeUndefined();
    expect(entry.status).toBe('ok');
    expect(entry.model).toEqual({
      spec: 'remote:tiny',
      path: 'remote:tiny',
      name: 'tiny',
      format: 'remote',
      sha256: null,
      sizeBytes: null,
      params: null,
      quant: null,
      arch: null,
      contextLength: null,
      vocabSize: null,
    });
    expect(entry.outputs!.tokenIds).toHaveLength(8);
    expect(entry.outputs!.text).toBe(' once upon a time. once upon a');
    expect(entry.measurement!.repetitions).toBe(3);
    expect(entry.samples!.ttftMs).toHaveLength(3);
    for (const ttft of entry.samples!.ttftMs) expect(ttft).toBeGreaterThanOrEqual(FIRST_CHUNK_DELAY_MS);
    expect(entry.metrics!.energy).toBeNull();
    expect(entry.metrics!.modelSizeBytes).toBeNull();
    expect(entry.metrics!.notMeasured).toEqual({
      memory: `the model runs on the server at ${server.url}: peak memory is the client's (this worker's), not the server's`,
      energy: `the model runs on the server at ${server.url}: its energy is spent there, out of slmbench's sight`,
    });
    expect(entry.metrics!.gpuMemoryBytes).toBeNull();
    expect(entry.backend.remote).toMatchObject({
      baseUrl: server.url,
      server: 'llama.cpp b1234-test',
      measuresModelResources: false,
      promptTokenIds: 'server',
      generations: 3,
      retries: 0,
      shortOutputs: 0,
    });
    // Prefill counts the server's prompt tokens: BOS + 4 pieces.
    expect((entry.backend.remote as RemoteModelInfo).serverPromptTokens).toBe(5);
    expect(entry.workload.promptTokenCount).toBe(5);
    // Ranked on what applies to it; peak memory and energy are not objectives no ok entry measures.
    expect(result.ranking!.entries[0]!.front).toBe(0);
    expect(result.ranking!.objectives.map((o) => o.metric)).not.toContain('metrics.peakRssBytes');
    expect(result.ranking!.objectives.map((o) => o.metric)).not.toContain('metrics.energy.joulesPerOutputToken');
  });

  it('refuses a promptTokens workload when the server cannot tokenize: an errored entry saying why', async () => {
    const plain = await startServer({ tokenizer: 'none' });
    // Its only entry errored: nothing was measured, exit 4.
    const result = await run(['remote:tiny'], [{ id: 'remote', baseUrl: plain.url }], { promptTokens: 16, genTokens: 8 }, 4);
    const entry = result.entries[0]!;
    expect(entry.status).toBe('errored');
    expect(entry.error!.message).toMatch(/cannot tokenize/);
  });

  it('refuses remote:tiny on llama-cpp before anything runs: no pair of the matrix can run (format mismatch)', async () => {
    const dir = tempDir('remote-cli');
    const out = join(dir, 'out');
    const cli = await runCli(['run', '--model', 'remote:tiny', '--backend', 'llama-cpp', '--prompt', 'Hi', '--gen-tokens', '2', '--out', out, '--json']);
    expect(cli.code).toBe(2);
    expect(cli.stderr.trim()).toBe('slmbench: nothing to run: tiny: backend llama-cpp does not read remote models (it reads gguf)');
    expect(existsSync(out)).toBe(false);
  });

  describe.skipIf(!hasShared)(`beside a local GGUF ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
    it('ranks a mixed sweep: peak memory and energy not applicable to the remote entry', async () => {
      const gguf = sharedPath('models/stories260K/gguf/stories260K-f32.gguf');
      const result = await run([gguf, 'remote:tiny'], [{ id: 'llama-cpp' }, { id: 'remote', baseUrl: server.url }]);
      const ok = result.entries.filter((e) => e.status === 'ok');
      expect(ok.map((e) => `${e.model.format}/${e.backend.id}`).sort()).toEqual(['gguf/llama-cpp', 'remote/remote']);
      // The model × backend pairs that cannot run are listed apart, not run as skipped entries.
      expect(result.entries.filter((e) => e.status === 'skipped')).toHaveLength(0);
      expect(result.unpaired!.map((u) => `${u.model.format}/${u.backend}`).sort()).toEqual(['gguf/remote', 'remote/llama-cpp']);
      const remote = ok.find((e) => e.backend.id === 'remote')!;
      const local = ok.find((e) => e.backend.id === 'llama-cpp')!;
      expect(local.metrics!.notMeasured).toBeUndefined();
      const ranked = (id: string) => result.ranking!.entries.find((r) => r.id === id)!;
      // Both ranked: the remote entry is not excluded for lacking peak memory.
      expect(ranked(local.id).front).not.toBeNull();
      expect(ranked(remote.id).front).not.toBeNull();
      expect(ranked(remote.id).excluded).toBeNull();
      expect(result.ranking!.objectives.map((o) => o.metric)).toContain('metrics.peakRssBytes');
      expect(ranked(remote.id).values['metrics.peakRssBytes']).toBeNull();
      expect(ranked(local.id).values['metrics.peakRssBytes']).toBe(local.metrics!.peakRssBytes);
      expect(result.ranking!.notes).toContain(
        'objective metrics.peakRssBytes is not applicable to 1 entry that cannot measure it (metrics.notMeasured): tied on it, no credit for it',
      );
      // The privacy axis: the local engine keeps everything, the served model sends everything.
      expect(local.metrics!.privacy).toEqual({ dataLeavesDevice: 0, promptTokensLeaveDevice: 0, method: 'local: answered by a process on this device' });
      expect(remote.metrics!.privacy).toEqual({ dataLeavesDevice: 1, promptTokensLeaveDevice: 1, method: `served: every request sent to ${server.url}` });
      expect(result.ranking!.objectives.map((o) => o.metric)).toContain('metrics.privacy.dataLeavesDevice');
      expect(result.ranking!.notes).toContain('objective metrics.privacy.dataLeavesDevice (min) added: some entries send requests off the device');
    });

    it('a cascade with a served last stage sends off the device exactly what it escalates', async () => {
      const gguf = sharedPath('models/stories260K/gguf/stories260K-f32.gguf');
      const stages = [{ model: gguf, backend: 'llama-cpp' }, { model: 'remote:tiny', backend: { id: 'remote', baseUrl: server.url } }];
      const result = await run([], [{ id: 'cascade', stages, threshold: ['-inf', 'inf'], signalTokens: 4 }]);
      const cascades = result.entries.filter((e) => e.status === 'ok');
      expect(cascades.map((e) => [e.backend.options!.threshold, e.metrics!.escalationRate])).toEqual([['-inf', 0], ['inf', 1]]);
      for (const e of cascades) {
        expect(e.metrics!.privacy!.dataLeavesDevice).toBe(e.metrics!.escalationRate);
        expect(e.metrics!.privacy!.method).toBe("measured: the share of the measured loop's requests a served stage answered");
      }
      // The prompt tokens go with the requests: all of them or none.
      expect(cascades.map((e) => e.metrics!.privacy!.promptTokensLeaveDevice)).toEqual([0, 1]);
      expect(result.ranking!.objectives.map((o) => o.metric)).toContain('metrics.privacy.dataLeavesDevice');
    });
  });
});
