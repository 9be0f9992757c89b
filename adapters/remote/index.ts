/**
 * A model served over HTTP by an OpenAI-compatible server (llama.cpp's `llama-server`, vLLM, Ollama):
 * the server-fallback baseline. Latency is what a client of that server sees (network and HTTP included);
 * the server's memory and energy are not measured. Model specs name the served model as `remote:NAME`.
 * This module is light (zod only); the implementation is imported by `create()`.
 */
import { z } from 'zod';
import type { BackendDefinition } from '../types.js';
import { remoteFormat } from './remoteFormat.js';

export const remoteOptions = z
  .object({
    /**
     * The server's root URL, e.g. `http://127.0.0.1:8080` (requests go to `/v1/completions`,
     * `/v1/chat/completions`, `/v1/models`, `/tokenize`, …); a trailing `/v1` or `/` is accepted and
     * dropped. Required: there is no default server.
     */
    baseUrl: z.string().regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'expected an http:// or https:// URL without query or fragment'),
    /**
     * Which endpoint generates: `completions` (`/v1/completions`, the prompt as the model's token ids
     * when the server tokenizes, else as text) or `chat` (`/v1/chat/completions`, the prompt as one user
     * message, so the server's chat template adds tokens). Default: `completions`.
     */
    api: z.enum(['completions', 'chat']).default('completions'),
    /** Model name sent to the server. Default: the NAME of the entry's `remote:NAME` model spec. */
    model: z.string().min(1).optional(),
    /**
     * Name of the environment variable that holds the API key, sent as `Authorization: Bearer <key>`.
     * Default: none (no key sent). The key itself never goes into a config or a result.
     */
    apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name').optional(),
    /**
     * Longest wait for the server per request, in milliseconds: for the response to start and then for
     * each further piece of a streamed response (a long generation that keeps streaming never times
     * out). A request that times out is tried again (see `retries`). Default: 60000.
     */
    timeoutMs: z.number().int().min(1).default(60_000),
    /**
     * Further tries of a request that failed on the way (connection refused or cut, timeout, stream
     * ended before `data: [DONE]`, HTTP 408, 429 or 5xx). 4xx answers fail at once. A retried generation's
     * latency includes its failed tries, as a client would see it; retries are counted in the entry.
     * Default: 2.
     */
    retries: z.number().int().min(0).max(10).default(2),
    /** Wait before the first retry in milliseconds, doubled before each later one. Default: 500. */
    retryDelayMs: z.number().int().min(0).default(500),
    /**
     * Name of the output-length field: `max_tokens` (llama.cpp, vLLM, Ollama) or `max_completion_tokens`
     * (newer OpenAI-style servers). Default: `max_tokens`.
     */
    maxTokensParam: z.enum(['max_tokens', 'max_completion_tokens']).default('max_tokens'),
    /**
     * For fixed-length generations, send `ignore_eos: true` (honoured by llama.cpp and vLLM) and
     * `min_tokens: N` (vLLM). Turn off for servers that reject unknown fields; the output may then stop
     * early (see `allowShortOutput`). Default: true.
     */
    sendIgnoreEos: z.boolean().default(true),
    /**
     * Accept fixed-length generations that the server ended early (usage.completion_tokens below the
     * requested count: the server ignored `ignore_eos`, as Ollama does). When false such a generation is
     * an error (`REMOTE_SHORT_OUTPUT`). Default: false.
     */
    allowShortOutput: z.boolean().default(false),
    /**
     * The server's tokenizer: `auto` (probe `/tokenize`: llama.cpp's shape, then vLLM's), `llama.cpp`,
     * `vllm`, or `none`. Without one, only workloads with an explicit prompt run (the prompt is sent as
     * text) and scoring is unavailable. Default: `auto`.
     */
    tokenizer: z.enum(['auto', 'llama.cpp', 'vllm', 'none']).default('auto'),
    /**
     * How the tokens of each streamed chunk are known: `text` (one token per chunk that carries text;
     * tokens the usage block counts beyond those are added to the last chunk) or `logprobs` (ask for
     * per-token log-probabilities, which list every token of a chunk and, on llama.cpp and vLLM, its id;
     * exact, at a small cost to the server). Default: `text`.
     */
    streamTokens: z.enum(['text', 'logprobs']).default('text'),
  })
  .strict();

/** One parsed option set of the remote backend. */
export type RemoteOptions = z.output<typeof remoteOptions>;

const definition: BackendDefinition<typeof remoteOptions> = {
  id: 'remote',
  description: 'an OpenAI-compatible HTTP server (llama.cpp server, vLLM, Ollama): remote:NAME models',
  // No local file: a `remote:NAME` spec names a served model (see remoteModelName).
  formats: [remoteFormat],
  packages: [],
  optionsSchema: remoteOptions,
  async describeEntry(input) {
    const { describeRemoteEntry } = await import('./describeRemoteEntry.js');
    return describeRemoteEntry(input);
  },
  async create() {
    const { RemoteAdapter } = await import('./RemoteAdapter.js');
    return new RemoteAdapter();
  },
};
export default definition;
