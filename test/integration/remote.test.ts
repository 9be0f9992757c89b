/**
 * The remote backend against an OpenAI-compatible server written for the test (test/helpers/openAiServer.ts)
 * on 127.0.0.1: real sockets, real SSE streams, real timeouts, cut connections and error statuses.
 * Timing is asserted only as lower bounds the server enforces (its first chunk waits), never as upper bounds.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import definition, { remoteOptions } from '../../adapters/remote/index.js';
import { NO_TEXT_ID } from '../../adapters/remote/PseudoVocabulary.js';
import { RemoteHttpClient, type RetryNotice } from '../../adapters/remote/RemoteHttpClient.js';
import { remoteModelName } from '../../adapters/remote/remoteModelName.js';
import type { GenerateRequest, LoadedModel, ModelSource, TokenEvent } from '../../adapters/types.js';
import type { RemoteModelInfo } from '../../adapters/remote/RemoteModelInfo.js';
import { failure } from '../helpers/failure.js';
import { latencySample } from '../../harness/trackers/latencySample.js';
import { buildPromptTokens } from '../../harness/runner/buildPromptTokens.js';
import { BOS_ID, EOS_ID, OpenAiServer, type OpenAiServerOptions, type RecordedRequest } from '../helpers/openAiServer.js';

/** What the harness hands the adapter for `remote:NAME` (detectModelFormat). */
const SOURCE: ModelSource = { path: 'remote:test-model', format: 'remote' };
/** The server's output for 12 tokens (OUTPUT_PIECES repeated). */
const TWELVE = ' once upon a time. once upon a time. once upon';

const servers: OpenAiServer[] = [];
const models: LoadedModel[] = [];

async function startServer(options: OpenAiServerOptions = {}): Promise<OpenAiServer> {
  const server = await OpenAiServer.start(options);
  servers.push(server);
  return server;
}

/** Loads `remote:test-model` from the server with fast retries. */
async function load(server: OpenAiServer, options: Record<string, unknown> = {}, source: ModelSource = SOURCE): Promise<LoadedModel> {
  const adapter = await definition.create();
  const model = await adapter.load(source, remoteOptions.parse({ baseUrl: server.url, retryDelayMs: 1, timeoutMs: 5000, ...options }));
  models.push(model);
  return model;
}

async function collect(stream: AsyncIterable<TokenEvent>): Promise<TokenEvent[]> {
  const events: TokenEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Generation requests (streamed) to `/v1/completions`; loading's scoring probe is not one. */
function streamed(server: OpenAiServer): RecordedRequest[] {
  return server.requestsTo('/v1/completions').filter((r) => r.body?.stream === true);
}

function remoteInfo(model: LoadedModel): RemoteModelInfo {
  return (model as unknown as { remote: RemoteModelInfo }).remote;
}

afterEach(async () => {
  vi.unstubAllEnvs();
  for (const model of models.splice(0)) await model.dispose();
  for (const server of servers.splice(0)) await server.stop();
});

describe('remote backend: options and model specs', () => {
  it('fills the documented defaults and rejects unknown options', () => {
    expect(remoteOptions.parse({ baseUrl: 'http://127.0.0.1:8080' })).toEqual({
      baseUrl: 'http://127.0.0.1:8080',
      api: 'completions',
      timeoutMs: 60_000,
      retries: 2,
      retryDelayMs: 500,
      maxTokensParam: 'max_tokens',
      sendIgnoreEos: true,
      allowShortOutput: false,
      tokenizer: 'auto',
      streamTokens: 'text',
    });
    expect(remoteOptions.safeParse({ baseUrl: 'http://x', apiKey: 'sk-123' }).success).toBe(false);
    expect(remoteOptions.safeParse({}).success).toBe(false);
    expect(remoteOptions.safeParse({ baseUrl: 'ftp://x' }).success).toBe(false);
    expect(remoteOptions.safeParse({ baseUrl: 'http://x', apiKeyEnv: 'not a name' }).success).toBe(false);
  });

  it('reads NAME from remote:NAME specs only', () => {
    expect(remoteModelName('remote:qwen2.5:0.5b')).toBe('qwen2.5:0.5b');
    expect(remoteModelName('remote:')).toBeNull();
    expect(remoteModelName('/models/x.gguf')).toBeNull();
    expect(remoteModelName('hf:owner/repo')).toBeNull();
  });
});

describe('remote backend: loading probes the server', () => {
  it('learns the tokenizer, BOS, context and identity of a llama.cpp-like server', async () => {
    const server = await startServer();
    const model = await load(server, { baseUrl: `${server.url}/v1/` });
    expect(model.info).toMatchObject({ vocabSize: 1000, contextLength: 2048, bosTokenId: BOS_ID, eosTokenIds: [], tokenHandover: 'stream', device: 'remote' });
    expect(model.info.resolvedOptions).toMatchObject({
      baseUrl: server.url,
      model: 'test-model',
      tokenizer: 'llama.cpp',
      prompt: 'token ids',
      scoring: false,
      server: 'llama.cpp b1234-test',
      contextSource: 'GET /props: default_generation_settings.n_ctx',
      modelsListed: ['test-model'],
      apiKeyEnv: null,
    });
    expect(remoteInfo(model)).toEqual({
      baseUrl: server.url,
      server: 'llama.cpp b1234-test',
      measuresModelResources: false,
      promptTokenIds: 'server',
      outputTokenIds: 'pseudo',
      serverPromptTokens: null,
      generations: 0,
      retries: 0,
      unattributedTokens: 0,
      shortOutputs: 0,
      allowShortOutput: false,
    });
    expect(model.score).toBeUndefined();
    const adapter = await definition.create();
    expect(await adapter.versions()).toEqual({ server: 'unknown' });
  });

  it('tokenizes and detokenizes through the server', async () => {
    const server = await startServer();
    const model = await load(server);
    const ids = await model.tokenize('Once upon a time', { addBos: true });
    expect(ids).toEqual([BOS_ID, ...server.idsOf('Once upon a time')]);
    expect(await model.tokenize('Once upon a time', { addBos: false })).toEqual(server.idsOf('Once upon a time'));
    expect(await model.detokenize(ids.slice(1))).toBe('Once upon a time');
  });

  it('sends the model option instead of the spec name', async () => {
    const server = await startServer();
    const model = await load(server, { model: 'other-name' }, { path: 'remote:ignored' } as ModelSource);
    await collect(model.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 2, ignoreEos: true }));
    expect(streamed(server)[0]!.body!.model).toBe('other-name');
  });

  it('refuses a model source without a name', async () => {
    const server = await startServer();
    const error = await failure(load(server, {}, { path: '/tmp/model.gguf' } as ModelSource));
    expect(error.code).toBe('BACKEND_OPTION');
    expect(error.message).toBe('backend remote, option model: no model name: give the model as remote:NAME (got "/tmp/model.gguf") or set the model option');
  });

  it('reports an unreachable server as unavailable, after its tries', async () => {
    const server = await startServer();
    const url = server.url;
    await server.stop();
    servers.length = 0;
    const adapter = await definition.create();
    const error = await failure(adapter.load(SOURCE, remoteOptions.parse({ baseUrl: url, retries: 1, retryDelayMs: 1 })));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toContain(`backend remote: ${url} (GET /v1/models): connect ECONNREFUSED`);
    expect(error.message).toContain('(after 2 tries)');
  });
});

describe('remote backend: streamed generation', () => {
  it('yields one stamped event per chunk, counts tokens from usage and sends a fixed-length greedy request', async () => {
    const server = await startServer();
    const model = await load(server);
    const prompt = await model.tokenize('Once upon a time there was', { addBos: true });
    const start = performance.now();
    const events = await collect(model.generate({ promptTokenIds: prompt, maxNewTokens: 12, ignoreEos: true }));
    expect(events).toHaveLength(12);
    expect(events.every((e) => e.tokenIds.length === 1)).toBe(true);
    expect(events[0]!.time).toBeGreaterThanOrEqual(start);
    for (let i = 1; i < events.length; i++) expect(events[i]!.time).toBeGreaterThanOrEqual(events[i - 1]!.time);
    const ids = events.flatMap((e) => e.tokenIds);
    expect(ids.every((id) => id < 0)).toBe(true); // pseudo ids: the stream carries text only
    expect(await model.detokenize(ids)).toBe(TWELVE);
    const sample = latencySample(start, events, prompt.length);
    expect(sample.tokenIds).toHaveLength(12);
    expect(sample.itlMs).toHaveLength(11);

    const [request] = streamed(server);
    expect(request!.body).toEqual({
      model: 'test-model',
      prompt,
      max_tokens: 12,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
      ignore_eos: true,
      min_tokens: 12,
    });
    expect(remoteInfo(model)).toMatchObject({ generations: 1, serverPromptTokens: prompt.length, unattributedTokens: 0, shortOutputs: 0, outputTokenIds: 'pseudo' });
    expect(model.info.tokenHandover).toBe('stream');
    expect(model.info.resolvedOptions.servedModel).toBe('test-model');
  });

  it('gives equal outputs equal ids, so the harness can compare repetitions', async () => {
    const server = await startServer();
    const model = await load(server);
    const request: GenerateRequest = { promptTokenIds: [BOS_ID, 10, 11], maxNewTokens: 7, ignoreEos: true };
    const first = (await collect(model.generate(request))).flatMap((e) => e.tokenIds);
    const second = (await collect(model.generate(request))).flatMap((e) => e.tokenIds);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(5); // five distinct pieces in the cycle
    expect(remoteInfo(model).generations).toBe(2);
  });

  it('measures TTFT from the stream: a server that waits 50 ms before its first chunk gives TTFT ≥ 50 ms', async () => {
    const server = await startServer({ firstChunkDelayMs: 50 });
    const model = await load(server);
    const prompt = [BOS_ID, 10, 11, 12];
    for (const api of ['completions', 'chat'] as const) {
      const chatModel = api === 'chat' ? await load(server, { api: 'chat' }) : model;
      const start = performance.now();
      const events = await collect(chatModel.generate({ promptTokenIds: prompt, maxNewTokens: 4, ignoreEos: true }));
      const sample = latencySample(start, events, prompt.length);
      expect(sample.ttftMs).toBeGreaterThanOrEqual(50);
      expect(sample.e2eMs).toBeGreaterThanOrEqual(sample.ttftMs);
    }
  });

  it('chat: sends the prompt text as a user message, skips the role chunk, records the server prompt count', async () => {
    const server = await startServer();
    const model = await load(server, { api: 'chat', maxTokensParam: 'max_completion_tokens' });
    expect(model.info.resolvedOptions.prompt).toBe('text');
    const prompt = await model.tokenize('Tell me a story', { addBos: true });
    const events = await collect(model.generate({ promptTokenIds: prompt, maxNewTokens: 6, ignoreEos: true }));
    expect(events).toHaveLength(6);
    expect(await model.detokenize(events.flatMap((e) => e.tokenIds))).toBe(' once upon a time. once');
    const body = server.requestsTo('/v1/chat/completions')[0]!.body!;
    expect(body.messages).toEqual([{ role: 'user', content: 'Tell me a story' }]);
    expect(body.max_completion_tokens).toBe(6);
    expect(body.max_tokens).toBeUndefined();
    // The template wraps the text: BOS + "<|user|> Tell me a story <|assistant|>".
    expect(remoteInfo(model).serverPromptTokens).toBe(7);
  });

  it('chat from token ids cut to N (no text was tokenized whole): detokenizes without BOS', async () => {
    const server = await startServer();
    const model = await load(server, { api: 'chat' });
    const ids = await buildPromptTokens(model, { name: 'pp8+tg3', promptTokens: 8, genTokens: 3 });
    expect(ids).toHaveLength(8);
    await collect(model.generate({ promptTokenIds: ids, maxNewTokens: 3, ignoreEos: true }));
    const body = server.requestsTo('/v1/chat/completions')[0]!.body!;
    expect(body.messages).toEqual([{ role: 'user', content: 'Once upon a time, in a small' }]);
  });

  it('parses CRLF streams with comment pings', async () => {
    const server = await startServer({ lineEnding: '\r\n', pings: true });
    const model = await load(server);
    const events = await collect(model.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 5, ignoreEos: true }));
    expect(await model.detokenize(events.flatMap((e) => e.tokenIds))).toBe(' once upon a time.');
  });

  it('adds tokens the usage block counts beyond the chunks (EOS without text) to the last chunk, as a batch', async () => {
    const server = await startServer({ eosAt: 3 });
    const model = await load(server);
    const events = await collect(model.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 8, ignoreEos: true }));
    expect(events).toHaveLength(7);
    expect(events.map((e) => e.tokenIds.length)).toEqual([1, 1, 1, 1, 1, 1, 2]);
    expect(events[6]!.tokenIds[1]).toBe(NO_TEXT_ID);
    expect(await model.detokenize(events.flatMap((e) => e.tokenIds))).toBe(' once upon a. once upon a');
    expect(model.info.tokenHandover).toBe('batch');
    expect(remoteInfo(model).unattributedTokens).toBe(1);
  });

  it('streamTokens logprobs: the server ids of every token, EOS included, and exact counts of coalesced chunks', async () => {
    const server = await startServer({ eosAt: 3, tokensPerChunk: 3 });
    const model = await load(server, { streamTokens: 'logprobs' });
    const events = await collect(model.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 8, ignoreEos: true }));
    const [once, upon, a] = server.idsOf(' once upon a');
    const [dot] = server.idsOf('.');
    expect(events.map((e) => e.tokenIds)).toEqual([[once, upon, a], [EOS_ID, dot, once], [upon, a]]);
    expect(streamed(server)[0]!.body).toMatchObject({ logprobs: 1, return_tokens_as_token_ids: true });
    expect(remoteInfo(model)).toMatchObject({ outputTokenIds: 'server', unattributedTokens: 0 });
    expect(model.info.tokenHandover).toBe('batch');
    // Ids learned from the stream turn into text without a request.
    const before = server.requests.length;
    expect(await model.detokenize(events.flatMap((e) => e.tokenIds))).toBe(' once upon a. once upon a');
    expect(server.requests.length).toBe(before);
  });

  it('streamTokens text on a server that coalesces chunks: counts from usage, the rest on the last chunk', async () => {
    const server = await startServer({ tokensPerChunk: 4 });
    const model = await load(server);
    const events = await collect(model.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 12, ignoreEos: true }));
    expect(events.map((e) => e.tokenIds.length)).toEqual([1, 1, 10]);
    expect(remoteInfo(model).unattributedTokens).toBe(9);
    expect(await model.detokenize(events.flatMap((e) => e.tokenIds))).toBe(TWELVE);
  });

  it('a server that ignores ignore_eos: an error in the fixed-length benchmark, accepted with allowShortOutput', async () => {
    const server = await startServer({ eosAt: 5, honourIgnoreEos: false });
    const strict = await load(server);
    const error = await failure(collect(strict.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 12, ignoreEos: true })));
    expect(error.code).toBe('REMOTE_SHORT_OUTPUT');
    expect(error.message).toBe(
      `backend remote: the server at ${server.url} generated 5 of the 12 tokens asked for (finish_reason stop): it did not honour ` +
        'ignore_eos/min_tokens, so the fixed-length benchmark cannot run; set the option allowShortOutput: true to accept shorter outputs',
    );
    expect(remoteInfo(strict).shortOutputs).toBe(1);

    const lenient = await load(server, { allowShortOutput: true });
    const events = await collect(lenient.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 12, ignoreEos: true }));
    expect(events.flatMap((e) => e.tokenIds)).toHaveLength(5);
    expect(remoteInfo(lenient)).toMatchObject({ shortOutputs: 1, allowShortOutput: true });
    // Accuracy tasks generate with ignoreEos false: stopping early is then no error.
    const free = await collect(strict.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 12, ignoreEos: false }));
    expect(free.flatMap((e) => e.tokenIds)).toHaveLength(5);
    expect(streamed(server)[2]!.body!.ignore_eos).toBeUndefined();
  });

  it('sendIgnoreEos false leaves the server extensions out', async () => {
    const server = await startServer();
    const model = await load(server, { sendIgnoreEos: false });
    await collect(model.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 3, ignoreEos: true }));
    const body = streamed(server)[0]!.body!;
    expect(body.ignore_eos).toBeUndefined();
    expect(body.min_tokens).toBeUndefined();
  });
});

describe('remote backend: a server without a tokenizer', () => {
  it('runs explicit prompts as text and refuses prompts of N tokens with a clear error', async () => {
    const server = await startServer({ tokenizer: 'none', identity: 'none' });
    const model = await load(server);
    expect(model.info.resolvedOptions).toMatchObject({ tokenizer: 'none', prompt: 'text', scoring: false, scoringNote: 'no tokenizer', contextLength: 0, server: 'test-owner' });
    expect(String(model.info.resolvedOptions.tokenizerNote)).toMatch(/^no tokenizer endpoint \(llama\.cpp: HTTP 404 Not Found: File Not Found; vllm: HTTP 404/);
    expect(model.info.contextLength).toBe(0);
    expect(remoteInfo(model).promptTokenIds).toBe('bytes');

    const explicit = await buildPromptTokens(model, { name: 'prompt#x+tg4', prompt: 'Once upon a time', genTokens: 4 });
    expect(explicit).toHaveLength(Buffer.byteLength('Once upon a time'));
    const events = await collect(model.generate({ promptTokenIds: explicit, maxNewTokens: 4, ignoreEos: true }));
    expect(events).toHaveLength(4);
    expect(streamed(server)[0]!.body!.prompt).toBe('Once upon a time');
    expect(remoteInfo(model).serverPromptTokens).toBe(5); // BOS + 4 words, as the server counted

    const cut = await buildPromptTokens(model, { name: 'pp64+tg4', promptTokens: 64, genTokens: 4 });
    const error = await failure(collect(model.generate({ promptTokenIds: cut, maxNewTokens: 4, ignoreEos: true })));
    expect(error.code).toBe('WORKLOAD_INVALID');
    expect(error.message).toMatch(/^backend remote: the server at http:\/\/127\.0\.0\.1:\d+ cannot tokenize \(no tokenizer endpoint/);
    expect(error.message).toContain('so a prompt of exactly 64 tokens cannot be built; give the workload an explicit prompt (it is sent as text)');
    expect(streamed(server)).toHaveLength(1);
  });
});

describe('remote backend: vLLM dialect and scoring', () => {
  it('uses vLLM /tokenize and /version, and scores through echo with prompt logprobs', async () => {
    const server = await startServer({ tokenizer: 'vllm', identity: 'vllm', echo: true });
    const model = await load(server);
    expect(model.info.resolvedOptions).toMatchObject({ tokenizer: 'vllm', server: 'vLLM 0.0-test', scoring: true });
    expect(model.info.bosTokenId).toBe(BOS_ID);
    // The test model: after p, p + 1 is greedy (−0.25); any other t has −2 − (t mod 3).
    expect(await model.score!([20], [21, 22])).toEqual({ logprobs: [-0.25, -0.25], isGreedy: true });
    expect(await model.score!([20, 21], [24, 30])).toEqual({ logprobs: [-2, -2], isGreedy: false });
    const request = server.requestsTo('/v1/completions').at(-1)!;
    expect(request.body).toEqual({ model: 'test-model', prompt: [20, 21, 24, 30], max_tokens: 0, echo: true, logprobs: 1, temperature: 0 });
    // vLLM's detokenize for ids the stream never showed.
    expect(await model.detokenize(server.idsOf(' once upon'))).toBe(' once upon');
  });
});

describe('remote backend: failures, timeouts and retries', () => {
  it('a stalled request times out, is retried, and fails with a clear error', async () => {
    const server = await startServer();
    const model = await load(server, { timeoutMs: 500, retries: 1 });
    server.fault('/v1/completions', { kind: 'stall', times: 2 });
    const error = await failure(collect(model.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 3, ignoreEos: true })));
    expect(error.code).toBe('BACKEND_FAILED');
    expect(error.message).toBe(`backend remote: ${server.url} (POST /v1/completions): nothing received for 500 ms (after 2 tries)`);
    expect(streamed(server)).toHaveLength(2);
    expect(remoteInfo(model).retries).toBe(1);
  });

  it('a request that stalls once succeeds on its retry', async () => {
    const server = await startServer();
    const model = await load(server, { timeoutMs: 500, retries: 1 });
    server.fault('/v1/completions', { kind: 'stall' });
    const events = await collect(model.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 3, ignoreEos: true }));
    expect(events).toHaveLength(3);
    expect(remoteInfo(model).retries).toBe(1);
  });

  it('a connection cut mid-stream is retried whole: only the complete answer is handed over', async () => {
    const server = await startServer();
    const model = await load(server);
    server.fault('/v1/completions', { kind: 'drop', afterChunks: 3 });
    const events = await collect(model.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 12, ignoreEos: true }));
    expect(events).toHaveLength(12);
    expect(await model.detokenize(events.flatMap((e) => e.tokenIds))).toBe(TWELVE);
    expect(streamed(server)).toHaveLength(2);
    expect(remoteInfo(model).retries).toBe(1);
  });

  it('HTTP 500 is retried with backoff, then reported with the server message', async () => {
    const server = await startServer();
    const model = await load(server);
    server.fault('/v1/completions', { kind: 'status', status: 500, message: 'slot unavailable', times: 3 });
    const error = await failure(collect(model.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 3, ignoreEos: true })));
    expect(error.code).toBe('BACKEND_FAILED');
    expect(error.message).toBe(`backend remote: ${server.url} (POST /v1/completions): HTTP 500 Internal Server Error: slot unavailable (after 3 tries)`);
    expect(streamed(server)).toHaveLength(3);
  });

  it('backoff doubles from retryDelayMs', async () => {
    const server = await startServer();
    const notices: RetryNotice[] = [];
    const client = new RemoteHttpClient({ baseUrl: server.url, apiKey: null, timeoutMs: 5000, retries: 3, retryDelayMs: 5, onRetry: (n) => notices.push(n) });
    server.fault('/v1/models', { kind: 'status', status: 503, times: 3 });
    const answer = await client.json('GET', '/v1/models');
    client.close();
    expect(answer.status).toBe(200);
    expect(notices.map((n) => [n.nextTry, n.delayMs])).toEqual([[2, 5], [3, 10], [4, 20]]);
    expect(notices[0]).toEqual({ what: 'GET /v1/models', reason: 'HTTP 503 Service Unavailable: injected 503', nextTry: 2, tries: 4, delayMs: 5 });
    expect(client.retryCount).toBe(3);
  });

  it('a 400 is not retried', async () => {
    const server = await startServer();
    const model = await load(server);
    server.fault('/v1/completions', { kind: 'status', status: 400, message: 'bad request' });
    const error = await failure(collect(model.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 3, ignoreEos: true })));
    expect(error.message).toBe(`backend remote: ${server.url} (POST /v1/completions): HTTP 400 Bad Request: bad request`);
    expect(streamed(server)).toHaveLength(1);
  });
});

describe('remote backend: API key', () => {
  it('sends the key from the named environment variable as a bearer token', async () => {
    const server = await startServer({ apiKey: 'sk-test-1' });
    vi.stubEnv('SLMBENCH_TEST_REMOTE_KEY', 'sk-test-1');
    const model = await load(server, { apiKeyEnv: 'SLMBENCH_TEST_REMOTE_KEY' });
    await collect(model.generate({ promptTokenIds: [BOS_ID, 10], maxNewTokens: 2, ignoreEos: true }));
    expect(server.requests.length).toBeGreaterThan(3);
    expect(server.requests.every((r) => r.authorization === 'Bearer sk-test-1')).toBe(true);
    expect(JSON.stringify(model.info)).not.toContain('sk-test-1');
    expect(model.info.resolvedOptions.apiKeyEnv).toBe('SLMBENCH_TEST_REMOTE_KEY');
  });

  it('a refused key is an option error naming the variable, not retried', async () => {
    const server = await startServer({ apiKey: 'sk-test-1' });
    vi.stubEnv('SLMBENCH_TEST_REMOTE_KEY', 'sk-wrong');
    const error = await failure(load(server, { apiKeyEnv: 'SLMBENCH_TEST_REMOTE_KEY' }));
    expect(error.code).toBe('BACKEND_OPTION');
    expect(error.message).toBe(
      `backend remote, option apiKeyEnv: ${server.url} (GET /v1/models) answered HTTP 401 Unauthorized: Invalid API Key; ` +
        'the key sent is read from the environment variable SLMBENCH_TEST_REMOTE_KEY: check that it holds a key this server accepts',
    );
    expect(server.requests).toHaveLength(1);
  });

  it('no key where one is needed: the error says how to give one', async () => {
    const server = await startServer({ apiKey: 'sk-test-1' });
    const error = await failure(load(server));
    expect(error.message).toContain('the server wants an API key: set the option apiKeyEnv to the name of an environment variable that holds it');
  });

  it('an unset variable is an error before any request', async () => {
    const server = await startServer();
    vi.stubEnv('SLMBENCH_TEST_REMOTE_KEY', '');
    const error = await failure(load(server, { apiKeyEnv: 'SLMBENCH_TEST_REMOTE_KEY' }));
    expect(error.message).toBe('backend remote, option apiKeyEnv: the environment variable SLMBENCH_TEST_REMOTE_KEY is not set (it should hold the API key)');
    expect(server.requests).toHaveLength(0);
  });
});
