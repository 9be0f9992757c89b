/**
 * The remote backend: a model served by an OpenAI-compatible server. "Loading" probes the server (timed
 * as the load): `GET /v1/models` (reachable, key accepted, the model's vocabulary and context where the
 * server says), the server's identity (`GET /props` llama.cpp, `/version` vLLM, `/api/version` Ollama),
 * its tokenizer (`POST /tokenize`), and whether it returns prompt log-probabilities (an `echo` request of
 * two tokens). Nothing is downloaded or started: the server must already be serving the model.
 *
 * Resolved options recorded with every entry: the options with defaults, plus `baseUrl` normalised,
 * `model` (the name sent), `tokenizer` (`llama.cpp`, `vllm` or `none`, with `tokenizerNote` saying why
 * none), `prompt` (`token ids` or `text`), `scoring` (with `scoringNote`), `server`, `contextLength` and
 * its `contextSource`, and, once a generation has run, `servedModel` (the `model` the server answered
 * with) and `usageMissing: true` if a stream came without a usage block (its token count is then the
 * stream's own).
 */
import { BackendOptionError } from '../../harness/errors.js';
import { parseBackendOptions } from '../common/parseBackendOptions.js';
import type { Adapter, AdapterCapabilities, BackendVersions, LoadedModel, ModelSource } from '../types.js';
import { remoteOptions, type RemoteOptions } from './index.js';
import { readPromptLogprobs } from './readPromptLogprobs.js';
import { RemoteHttpClient } from './RemoteHttpClient.js';
import { remoteFailure } from './remoteFailure.js';
import { RemoteModel } from './RemoteModel.js';
import { remoteModelName } from './remoteModelName.js';
import { RemoteRequestError } from './RemoteRequestError.js';
import { ServerTokenizer } from './ServerTokenizer.js';

const BACKEND = 'remote';

type Json = Record<string, unknown>;

/** What the server says about itself and the model. */
interface ServerFacts {
  server: string | null;
  contextLength: number;
  contextSource: string;
  vocabSize: number;
  listed: string[];
}

export class RemoteAdapter implements Adapter<RemoteOptions> {
  /**
   * Each loaded model has `score` only when its server returns prompt log-probabilities (vLLM does;
   * llama.cpp's server does not), which is what tasks check. Not stepwise: no decode sessions over HTTP.
   */
  readonly capabilities: AdapterCapabilities = {};
  private server: string | null = null;

  async versions(): Promise<BackendVersions> {
    return { server: this.server ?? 'unknown' };
  }

  /**
   * @param model a `remote:NAME` spec in `path` (the `model` option, when set, is sent instead of NAME)
   * @throws BackendOptionError (bad options, no model name, API key variable unset, key refused),
   *   BackendUnavailableError (server unreachable or failing, a tokenizer named in the options missing)
   */
  async load(model: ModelSource, rawOptions: RemoteOptions): Promise<LoadedModel> {
    const options = parseBackendOptions(BACKEND, remoteOptions, rawOptions ?? {});
    const modelName = options.model ?? remoteModelName(model.path);
    if (!modelName) {
      throw new BackendOptionError(BACKEND, 'model', `no model name: give the model as remote:NAME (got ${JSON.stringify(model.path)}) or set the model option`);
    }
    const baseUrl = normalizeBaseUrl(options.baseUrl);
    let apiKey: string | null = null;
    if (options.apiKeyEnv !== undefined) {
      apiKey = process.env[options.apiKeyEnv] ?? '';
      if (apiKey === '') throw new BackendOptionError(BACKEND, 'apiKeyEnv', `the environment variable ${options.apiKeyEnv} is not set (it should hold the API key)`);
    }
    const client = new RemoteHttpClient({ baseUrl, apiKey, timeoutMs: options.timeoutMs, retries: options.retries, retryDelayMs: options.retryDelayMs });
    try {
      const facts = await serverFacts(client, modelName);
      this.server = facts.server;
      const pieces = new Map<number, Buffer>();
      const probe = options.tokenizer === 'none'
        ? { tokenizer: null, reason: 'tokenizer: none' }
        : await ServerTokenizer.probe(client, options.tokenizer, modelName, pieces);
      const tokenizer = probe.tokenizer;
      const scoring = tokenizer ? await probeScoring(client, tokenizer, modelName) : { ok: false, note: 'no tokenizer' };
      const resolvedOptions: Record<string, unknown> = {
        ...options,
        apiKeyEnv: options.apiKeyEnv ?? null,
        baseUrl,
        model: modelName,
        tokenizer: tokenizer?.dialect ?? 'none',
        ...('reason' in probe ? { tokenizerNote: probe.reason } : {}),
        prompt: tokenizer && options.api === 'completions' ? 'token ids' : 'text',
        scoring: scoring.ok,
        ...(scoring.note ? { scoringNote: scoring.note } : {}),
        server: facts.server,
        // A byte count is no token count: without a tokenizer the harness must not check prompts against it.
        contextLength: tokenizer ? facts.contextLength : 0,
        contextSource: tokenizer ? facts.contextSource : 'not checked: no tokenizer',
        modelsListed: facts.listed,
      };
      return new RemoteModel({
        client,
        options,
        baseUrl,
        modelName,
        tokenizer,
        pieces,
        bosTokenId: tokenizer && 'bosTokenId' in probe ? probe.bosTokenId : null,
        contextLength: tokenizer ? facts.contextLength : 0,
        vocabSize: facts.vocabSize,
        scoring: scoring.ok,
        server: facts.server,
        resolvedOptions,
      });
    } catch (error) {
      client.close();
      throw remoteFailure(error, { phase: 'load', baseUrl, apiKeyEnv: options.apiKeyEnv });
    }
  }
}

/** The root URL: no trailing slash, no trailing `/v1`. */
export function normalizeBaseUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/**
 * `GET /v1/models` (required: it proves the server answers and accepts the key; a 404 is tolerated),
 * then the first identity endpoint that answers.
 */
async function serverFacts(client: RemoteHttpClient, modelName: string): Promise<ServerFacts> {
  const facts: ServerFacts = { server: null, contextLength: 0, contextSource: 'unknown', vocabSize: 0, listed: [] };
  const models = await optional(client.json('GET', '/v1/models'));
  const data = isObject(models) && Array.isArray(models.data) ? models.data.filter(isObject) : [];
  facts.listed = data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
  const entry = data.find((m) => m.id === modelName) ?? (data.length === 1 ? data[0] : undefined);
  const meta = entry && isObject(entry.meta) ? entry.meta : {};
  facts.vocabSize = positive(meta.n_vocab) ?? 0;
  const trained = positive(meta.n_ctx_train);
  const served = positive(entry?.max_model_len);

  // Identity: llama.cpp's /props, vLLM's /version, Ollama's /api/version; one try each.
  const props = await optional(client.json('GET', '/props', undefined, { tries: 1 }), true);
  const slotContext = isObject(props) && isObject(props.default_generation_settings) ? positive(props.default_generation_settings.n_ctx) : null;
  if (isObject(props) && typeof props.build_info === 'string') {
    facts.server = `llama.cpp ${props.build_info}`;
  } else {
    for (const [path, name] of [['/version', 'vLLM'], ['/api/version', 'Ollama']] as const) {
      const answer = await optional(client.json('GET', path, undefined, { tries: 1 }), true);
      if (isObject(answer) && typeof answer.version === 'string') {
        facts.server = `${name} ${answer.version}`;
        break;
      }
    }
  }
  if (facts.server === null && entry && typeof entry.owned_by === 'string') facts.server = entry.owned_by;

  if (slotContext) [facts.contextLength, facts.contextSource] = [slotContext, 'GET /props: default_generation_settings.n_ctx'];
  else if (served) [facts.contextLength, facts.contextSource] = [served, 'GET /v1/models: max_model_len'];
  else if (trained) [facts.contextLength, facts.contextSource] = [trained, 'GET /v1/models: meta.n_ctx_train'];
  return facts;
}

/**
 * Whether the server returns prompt log-probabilities: `echo: true, logprobs: 1, max_tokens: 0` on the
 * probe text's ids. Only an API-key refusal is an error; anything else means no scoring, with why.
 */
async function probeScoring(client: RemoteHttpClient, tokenizer: ServerTokenizer, modelName: string): Promise<{ ok: boolean; note?: string }> {
  try {
    const ids = await tokenizer.tokenize('Hello world', true);
    if (ids.length < 2) return { ok: false, note: 'the probe text tokenized to fewer than 2 tokens' };
    const answer = await client.json('POST', '/v1/completions', { model: modelName, prompt: ids, max_tokens: 0, echo: true, logprobs: 1, temperature: 0 }, { tries: 1 });
    const read = readPromptLogprobs(answer.body, ids.length);
    if (!read || read.logprobs.slice(1).some((lp) => lp === null)) return { ok: false, note: 'echo with logprobs returns no prompt log-probabilities' };
    return { ok: true };
  } catch (error) {
    if (error instanceof RemoteRequestError && error.kind === 'auth') throw error;
    return { ok: false, note: `echo with logprobs failed: ${(error as Error).message}` };
  }
}

/**
 * The JSON body of an answer, or null for an endpoint this server lacks (404, 405, an answer that is not
 * JSON); with `anyFailure`, null for every failure but an API-key refusal.
 */
async function optional(request: Promise<{ body: unknown }>, anyFailure = false): Promise<unknown> {
  try {
    return (await request).body;
  } catch (error) {
    if (!(error instanceof RemoteRequestError) || error.kind === 'auth') throw error;
    if (anyFailure || error.kind === 'protocol' || (error.kind === 'status' && (error.status === 404 || error.status === 405))) return null;
    throw error;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}
