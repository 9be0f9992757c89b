/**
 * A model on an OpenAI-compatible server, behind the adapter contract.
 *
 * generate: one streamed request (`stream: true`, `stream_options.include_usage`, temperature 0, the
 * fixed length as `max_tokens` plus `ignore_eos`/`min_tokens`). The stream is read to `data: [DONE]`
 * before any event is handed on, so a request cut short is retried whole and never yields half an
 * answer; each event keeps the time its bytes arrived, which is what the harness measures. What is
 * counted:
 * - one TokenEvent per streamed chunk that hands over tokens, stamped when the chunk arrived;
 * - its token ids: the server's where the chunk lists them (`streamTokens: logprobs` on llama.cpp or
 *   vLLM), else pseudo ids (see PseudoVocabulary): one per chunk of text, or one per logprobs entry;
 * - the number of tokens: usage.completion_tokens. Tokens it counts beyond the chunks' (coalesced
 *   chunks, tokens without text such as EOS under `ignore_eos`) are added to the last chunk's event, and
 *   `tokenHandover` becomes `batch` (any event holding more than one token makes it so too);
 * - a fixed-length generation (`ignoreEos`) shorter than asked is an error unless `allowShortOutput`.
 *
 * The prompt: with the server's tokenizer, its token ids (`/v1/completions` takes them as they are, so
 * the prompt is exactly the one built), or for chat its text. Without a tokenizer, `tokenize` hands out
 * the prompt's UTF-8 bytes as pseudo ids and `generate` sends the text back, which works for a prompt
 * tokenized whole (an explicit prompt) and is refused for a prompt cut to N tokens.
 */
import { WorkloadError, BackendRuntimeError } from '../../harness/errors.js';
import type { GenerateRequest, LoadedModel, RuntimeModelInfo, ScoreResult, TokenEvent, WorkPhase } from '../types.js';
import type { RemoteModelInfo } from './RemoteModelInfo.js';
import type { RemoteOptions } from './index.js';
import { NO_TEXT_ID, PseudoVocabulary } from './PseudoVocabulary.js';
import { readPromptLogprobs } from './readPromptLogprobs.js';
import { readStreamChunk } from './readStreamChunk.js';
import type { RemoteHttpClient } from './RemoteHttpClient.js';
import { remoteFailure } from './remoteFailure.js';
import { RemoteShortOutputError } from './RemoteShortOutputError.js';
import type { ServerTokenizer } from './ServerTokenizer.js';
import type { TimedSseEvent } from './SseParser.js';

/** Everything the adapter learned while loading. */
export interface RemoteModelSetup {
  client: RemoteHttpClient;
  options: RemoteOptions;
  /** The server's root URL. */
  baseUrl: string;
  /** The model name sent to the server. */
  modelName: string;
  /** The server's tokenizer, or null when it has none. */
  tokenizer: ServerTokenizer | null;
  /** Token texts known so far, shared with the tokenizer. */
  pieces: Map<number, Buffer>;
  bosTokenId: number | null;
  contextLength: number;
  vocabSize: number;
  /** Whether the server returns prompt log-probabilities (`echo` with `logprobs`). */
  scoring: boolean;
  server: string | null;
  resolvedOptions: Record<string, unknown>;
}

/** Texts remembered per tokenized id sequence (the newest ones). */
const REMEMBERED_TEXTS = 64;

export class RemoteModel implements LoadedModel {
  readonly info: RuntimeModelInfo;
  /** The server and what this client saw of it so far (see RemoteModelInfo). */
  readonly remote: RemoteModelInfo;
  /** Present when the server returns prompt log-probabilities. */
  readonly score?: (contextTokenIds: number[], continuationTokenIds: number[]) => Promise<ScoreResult>;
  private readonly vocab = new PseudoVocabulary();
  /** Text of each id sequence `tokenize` returned (key: ids joined by commas). */
  private readonly texts = new Map<string, string>();
  /** Whether any generation so far had a token without the server's id. */
  private pseudoOutput = false;
  private disposed = false;

  constructor(private readonly setup: RemoteModelSetup) {
    this.info = {
      vocabSize: setup.vocabSize,
      contextLength: setup.contextLength,
      bosTokenId: setup.bosTokenId,
      // Under ignore_eos the server never says where EOS came; with server ids the harness could look for it.
      eosTokenIds: [],
      resolvedOptions: setup.resolvedOptions,
      tokenHandover: 'stream',
      device: 'remote',
      weightsFile: null,
      kvBytesPerElement: null,
      // The model runs on the server: no process here holds it, and its memory and energy are the server's.
      processIds: [],
      notMeasured: {
        memory: `the model runs on the server at ${setup.baseUrl}: peak memory is the client's (this worker's), not the server's`,
        energy: `the model runs on the server at ${setup.baseUrl}: its energy is spent there, out of slmbench's sight`,
      },
    };
    this.remote = {
        baseUrl: setup.baseUrl,
        server: setup.server,
        measuresModelResources: false,
        promptTokenIds: setup.tokenizer ? 'server' : 'bytes',
        outputTokenIds: 'pseudo',
        serverPromptTokens: null,
        generations: 0,
        retries: 0,
        unattributedTokens: 0,
        shortOutputs: 0,
        allowShortOutput: setup.options.allowShortOutput,
    };
    if (setup.scoring && setup.tokenizer) this.score = (context, continuation) => this.scoreRemote(context, continuation);
  }

  async tokenize(text: string, options: { addBos: boolean }): Promise<number[]> {
    this.checkOpen();
    const ids = this.setup.tokenizer ? await this.run(() => this.setup.tokenizer!.tokenize(text, options.addBos)) : this.vocab.encodeBytes(text);
    this.remember(ids, text);
    return ids;
  }

  async detokenize(tokenIds: number[]): Promise<string> {
    this.checkOpen();
    const known = this.texts.get(tokenIds.join(','));
    if (known !== undefined) return known;
    // Runs of pseudo ids and of real ids, each turned into text its own way.
    let text = '';
    for (let start = 0; start < tokenIds.length; ) {
      const pseudo = PseudoVocabulary.isPseudo(tokenIds[start]!);
      let end = start + 1;
      while (end < tokenIds.length && PseudoVocabulary.isPseudo(tokenIds[end]!) === pseudo) end++;
      const run = tokenIds.slice(start, end);
      text += pseudo ? this.vocab.decode(run) : await this.realText(run);
      start = end;
    }
    return text;
  }

  async *generate(request: GenerateRequest): AsyncGenerator<TokenEvent> {
    for (const event of await this.generateAll(request)) yield event;
  }

  /** A copy of what this client saw of the server so far (cumulative over the phases). */
  endPhase(_phase: WorkPhase): RemoteModelInfo {
    return { ...this.remote };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.setup.client.close();
  }

  /** Runs one generation to its end and returns its token events. */
  private async generateAll(request: GenerateRequest): Promise<TokenEvent[]> {
    this.checkOpen();
    const { options, modelName } = this.setup;
    if (!Number.isInteger(request.maxNewTokens) || request.maxNewTokens < 1) {
      throw new WorkloadError(`backend remote: maxNewTokens must be a positive integer, not ${request.maxNewTokens}`);
    }
    const prompt = await this.promptOf(request.promptTokenIds);
    const body: Record<string, unknown> = {
      model: modelName,
      ...(options.api === 'chat' ? { messages: [{ role: 'user', content: prompt }] } : { prompt }),
      [options.maxTokensParam]: request.maxNewTokens,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    };
    if (request.ignoreEos && options.sendIgnoreEos) {
      body.ignore_eos = true;
      body.min_tokens = request.maxNewTokens;
    }
    if (options.streamTokens === 'logprobs') {
      Object.assign(body, options.api === 'chat' ? { logprobs: true, top_logprobs: 1 } : { logprobs: 1 });
      body.return_tokens_as_token_ids = true;
    }
    const path = options.api === 'chat' ? '/v1/chat/completions' : '/v1/completions';
    const remote = this.remote;
    let stream: TimedSseEvent[];
    try {
      stream = await this.run(() => this.setup.client.stream(path, body));
    } finally {
      remote.generations++;
      remote.retries = this.setup.client.retryCount;
    }
    return this.tokenEvents(stream, request);
  }

  /** The token events of a finished stream, their count reconciled with its usage block. */
  private tokenEvents(stream: readonly TimedSseEvent[], request: GenerateRequest): TokenEvent[] {
    const { options, baseUrl } = this.setup;
    const remote = this.remote;
    const events: TokenEvent[] = [];
    let counted = 0;
    let usage: { promptTokens: number | null; completionTokens: number | null } | null = null;
    let finishReason: string | null = null;
    let allServerIds = true;
    for (const sse of stream) {
      const chunk = readStreamChunk(sse.data, options.api);
      if (!chunk) throw new BackendRuntimeError('remote', `${baseUrl}: a streamed chunk is not a JSON object: ${sse.data.slice(0, 200)}`);
      if (chunk.usage) usage = chunk.usage;
      if (chunk.finishReason) finishReason = chunk.finishReason;
      if (chunk.model && this.setup.resolvedOptions.servedModel === undefined) this.setup.resolvedOptions.servedModel = chunk.model;
      let ids: number[] | null = null;
      if (chunk.count !== null && chunk.count > 0) {
        if (chunk.ids) {
          ids = chunk.ids;
          ids.forEach((id, i) => {
            const piece = chunk.pieces?.[i] ?? (ids!.length === 1 ? Buffer.from(chunk.text, 'utf8') : null);
            if (piece && !this.setup.pieces.has(id)) this.setup.pieces.set(id, piece);
          });
        } else {
          allServerIds = false;
          ids = [this.vocab.pieceId(chunk.text), ...new Array<number>(chunk.count - 1).fill(NO_TEXT_ID)];
        }
      } else if (chunk.text !== '') {
        allServerIds = false;
        ids = [this.vocab.pieceId(chunk.text)];
      }
      if (ids) {
        events.push({ tokenIds: ids, time: sse.time });
        counted += ids.length;
      }
    }

    const reported = usage?.completionTokens ?? null;
    const serverPromptTokens = usage?.promptTokens ?? null;
    if (serverPromptTokens !== null) remote.serverPromptTokens = serverPromptTokens;
    if (reported === null) {
      this.setup.resolvedOptions.usageMissing = true;
    } else if (reported > counted) {
      const extra = new Array<number>(reported - counted).fill(NO_TEXT_ID);
      const last = events[events.length - 1];
      if (last) last.tokenIds.push(...extra);
      else events.push({ tokenIds: extra, time: stream[stream.length - 1]?.time ?? performance.now() });
      remote.unattributedTokens += extra.length;
      allServerIds = false;
    } else if (reported < counted) {
      throw new BackendRuntimeError(
        'remote',
        `${baseUrl}: the stream handed over ${counted} tokens but its usage block counts ${reported}; ` +
          (options.streamTokens === 'text'
            ? 'this server does not stream one token per chunk: set the option streamTokens: logprobs'
            : 'the server contradicts itself'),
      );
    }
    if (events.some((e) => e.tokenIds.length > 1)) this.info.tokenHandover = 'batch';
    this.pseudoOutput ||= !allServerIds || events.length === 0;
    remote.outputTokenIds = this.pseudoOutput ? 'pseudo' : 'server';

    // The server's own prompt count is the true one when it tokenized the text itself.
    const last = events[events.length - 1];
    if (last && remote.serverPromptTokens !== null) last.promptTokens = remote.serverPromptTokens;
    const total = reported ?? counted;
    if (request.ignoreEos && total < request.maxNewTokens) {
      remote.shortOutputs++;
      if (!options.allowShortOutput) throw new RemoteShortOutputError(baseUrl, total, request.maxNewTokens, finishReason, options.sendIgnoreEos);
    }
    return events;
  }

  /** What to send as the prompt: token ids (completions with the server's tokenizer) or text. */
  private async promptOf(ids: readonly number[]): Promise<number[] | string> {
    const { tokenizer, options, baseUrl, bosTokenId } = this.setup;
    if (ids.length === 0) throw new WorkloadError('backend remote: the prompt is empty');
    const key = ids.join(',');
    if (ids.some(PseudoVocabulary.isPseudo)) {
      const text = this.texts.get(key);
      if (text === undefined || !this.vocab.isBytes(ids)) {
        throw new WorkloadError(
          `backend remote: the server at ${baseUrl} cannot tokenize (${String(this.setup.resolvedOptions.tokenizerNote ?? 'tokenizer: none')}), ` +
            `so a prompt of exactly ${ids.length} tokens cannot be built; give the workload an explicit prompt (it is sent as text), ` +
            'or use a server with a /tokenize endpoint (llama.cpp server, vLLM)',
        );
      }
      return text;
    }
    if (!tokenizer) throw new WorkloadError(`backend remote: the server at ${baseUrl} cannot tokenize, so model token ids cannot be sent; give the prompt as text`);
    if (options.api === 'completions') return [...ids];
    // Chat takes text: the text that was tokenized, else the ids' text (without BOS: the template adds its own).
    const known = this.texts.get(key);
    if (known !== undefined) return known;
    const text = await this.detokenize(ids[0] === bosTokenId ? ids.slice(1) : [...ids]);
    this.remember([...ids], text);
    return text;
  }

  /** Text of model token ids: from pieces seen, else the server's `/detokenize`. */
  private async realText(ids: number[]): Promise<string> {
    const parts: Buffer[] = [];
    for (const id of ids) {
      const piece = this.setup.pieces.get(id);
      if (!piece) break;
      parts.push(piece);
    }
    if (parts.length === ids.length) return Buffer.concat(parts).toString('utf8');
    const tokenizer = this.setup.tokenizer;
    if (!tokenizer) {
      throw new BackendRuntimeError('remote', `${this.setup.baseUrl}: cannot turn token ids into text: the server has no /detokenize endpoint`);
    }
    return this.run(() => tokenizer.detokenize(ids));
  }

  private async scoreRemote(contextTokenIds: number[], continuationTokenIds: number[]): Promise<ScoreResult> {
    this.checkOpen();
    if (contextTokenIds.length === 0) throw new WorkloadError('backend remote: score needs at least one context token');
    if (continuationTokenIds.length === 0) return { logprobs: [], isGreedy: true };
    const ids = [...contextTokenIds, ...continuationTokenIds];
    if (ids.some(PseudoVocabulary.isPseudo)) throw new WorkloadError('backend remote: score needs the model\'s token ids');
    const answer = await this.run(() =>
      this.setup.client.json('POST', '/v1/completions', {
        model: this.setup.modelName,
        prompt: ids,
        max_tokens: 0,
        echo: true,
        logprobs: 1,
        temperature: 0,
      }),
    );
    const read = readPromptLogprobs(answer.body, ids.length);
    if (!read) throw new BackendRuntimeError('remote', `${this.setup.baseUrl}: the answer to an echo request holds no prompt log-probabilities`);
    const logprobs: number[] = [];
    let isGreedy = true;
    for (let i = 0; i < continuationTokenIds.length; i++) {
      const position = contextTokenIds.length + i;
      const logprob = read.logprobs[position];
      if (logprob === null || logprob === undefined) {
        throw new BackendRuntimeError('remote', `${this.setup.baseUrl}: no log-probability for prompt position ${position}`);
      }
      logprobs.push(logprob);
      const top = read.top[position];
      isGreedy &&= top !== null && top !== undefined && logprob >= top;
    }
    return { logprobs, isGreedy };
  }

  /** Runs a request, turning its failure into slmbench's run-time error. */
  private async run<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw remoteFailure(error, { phase: 'run', baseUrl: this.setup.baseUrl, apiKeyEnv: this.setup.options.apiKeyEnv });
    }
  }

  private remember(ids: number[], text: string): void {
    const key = ids.join(',');
    this.texts.delete(key);
    this.texts.set(key, text);
    if (this.texts.size > REMEMBERED_TEXTS) this.texts.delete(this.texts.keys().next().value!);
  }

  private checkOpen(): void {
    if (this.disposed) throw new BackendRuntimeError('remote', 'the model was disposed');
  }
}
