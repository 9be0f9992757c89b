/**
 * An OpenAI-compatible server on 127.0.0.1 for tests, with the shapes llama.cpp's server and vLLM send:
 * streamed `/v1/completions` and `/v1/chat/completions` (SSE `data: {...}` chunks, `data: [DONE]`, a
 * usage block), `/v1/models`, `/props` or `/version`, `/tokenize` and `/detokenize` in either dialect,
 * and echo scoring. Every request is recorded with the time it arrived; faults can be queued per path
 * (stall, connection cut after N chunks, an error status); after `maxRequests` requests everything
 * answers 500, so a client that loops fails instead of hanging.
 *
 * The "model" is arithmetic, so tests can state exact values:
 * - tokenizer: each piece is a run of whitespace plus a run of non-whitespace (`' once'`); ids are given
 *   in order of first sight from 10 up (the output pieces first); BOS = 1, EOS = 2 (text `''`);
 * - generation: output token k is EOS at `eosAt`, else `OUTPUT_PIECES[k % 5]`; EOS stops the
 *   generation unless `ignore_eos` is sent and honoured;
 * - scoring: after token p, token t has log-probability −0.25 when t = p + 1 (the greedy choice), else
 *   −2 − (t mod 3).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const BOS_ID = 1;
export const EOS_ID = 2;
/** The output cycle. */
export const OUTPUT_PIECES = [' once', ' upon', ' a', ' time', '.'] as const;

/** One recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Parsed JSON body, or null. */
  body: Record<string, unknown> | null;
  authorization: string | null;
  /** `performance.now()` when the request's body had arrived. */
  receivedAt: number;
}

/** A fault for the next `times` requests to a path. */
export type ServerFault =
  /** Accept the request and never answer (the connection stays open until the client gives up). */
  | { kind: 'stall'; times?: number }
  /** Send the headers and `afterChunks` chunks of a stream, then cut the connection. */
  | { kind: 'drop'; afterChunks: number; times?: number }
  /** Answer this status with an OpenAI-style error body. */
  | { kind: 'status'; status: number; message?: string; times?: number };

/** Options of {@link OpenAiServer.start}. */
export interface OpenAiServerOptions {
  /** Model id listed by `/v1/models`. Default: `test-model`. */
  modelId?: string;
  /** Tokenizer endpoints: llama.cpp's shape, vLLM's, or none (404). Default: `llama.cpp`. */
  tokenizer?: 'llama.cpp' | 'vllm' | 'none';
  /** Identity endpoint: `/props` (llama.cpp, with n_ctx 2048), `/version` (vLLM), or none. Default: `llama.cpp`. */
  identity?: 'llama.cpp' | 'vllm' | 'none';
  /** Wait before the first generated chunk, from the request's arrival (ms; enforced on performance.now()). Default: 0. */
  firstChunkDelayMs?: number;
  /** Generated tokens per chunk. Default: 1. */
  tokensPerChunk?: number;
  /** Output position of an EOS token, or null for none. Default: null. */
  eosAt?: number | null;
  /** Whether `ignore_eos: true` is honoured. Default: true. */
  honourIgnoreEos?: boolean;
  /** Whether the stream ends with a usage block (`stream_options.include_usage`). Default: true. */
  usage?: boolean;
  /** Whether echo requests get prompt log-probabilities (vLLM does, llama.cpp does not). Default: false. */
  echo?: boolean;
  /** Line ending of the event stream. Default: `\n`. */
  lineEnding?: '\n' | '\r\n';
  /** Send an SSE comment (`: ping`) before every chunk. Default: false. */
  pings?: boolean;
  /** When set, every request needs `Authorization: Bearer <apiKey>`, else 401. Default: none. */
  apiKey?: string;
  /** Requests answered before everything answers 500. Default: 100. */
  maxRequests?: number;
}

const MAX_BODY_BYTES = 1024 * 1024;

export class OpenAiServer {
  /** Root URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Every request, in order. */
  readonly requests: RecordedRequest[] = [];
  private readonly faults = new Map<string, Array<ServerFault & { left: number }>>();
  private readonly sockets = new Set<Socket>();
  private readonly pieceIds = new Map<string, number>();
  private readonly pieces = new Map<number, string>([[BOS_ID, '<s>'], [EOS_ID, '']]);
  private readonly options: Required<Omit<OpenAiServerOptions, 'apiKey'>> & { apiKey: string | null };

  private constructor(
    private readonly server: Server,
    options: OpenAiServerOptions,
  ) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.options = {
      modelId: options.modelId ?? 'test-model',
      tokenizer: options.tokenizer ?? 'llama.cpp',
      identity: options.identity ?? 'llama.cpp',
      firstChunkDelayMs: options.firstChunkDelayMs ?? 0,
      tokensPerChunk: options.tokensPerChunk ?? 1,
      eosAt: options.eosAt ?? null,
      honourIgnoreEos: options.honourIgnoreEos ?? true,
      usage: options.usage ?? true,
      echo: options.echo ?? false,
      lineEnding: options.lineEnding ?? '\n',
      pings: options.pings ?? false,
      apiKey: options.apiKey ?? null,
      maxRequests: options.maxRequests ?? 100,
    };
    for (const piece of OUTPUT_PIECES) this.idOf(piece);
  }

  /** Starts a server on an ephemeral port of 127.0.0.1. */
  static async start(options: OpenAiServerOptions = {}): Promise<OpenAiServer> {
    let instance: OpenAiServer | undefined;
    const server = createServer((req, res) => {
      instance!.handle(req, res).catch(() => res.destroy());
    });
    server.on('connection', (socket) => {
      instance?.sockets.add(socket);
      socket.on('close', () => instance?.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    instance = new OpenAiServer(server, options);
    return instance;
  }

  /** Queues a fault for the next requests to `path` (e.g. `/v1/completions`). */
  fault(path: string, fault: ServerFault): void {
    const list = this.faults.get(path) ?? [];
    list.push({ ...fault, left: fault.times ?? 1 });
    this.faults.set(path, list);
  }

  /** Requests made to a path. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** The server's ids of a text (no BOS), as `/tokenize` gives them. */
  idsOf(text: string): number[] {
    return this.split(text).map((piece) => this.idOf(piece));
  }

  /** Stops listening and cuts every open connection (stalled ones included). */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private split(text: string): string[] {
    return text.match(/\s*\S+|\s+/g) ?? [];
  }

  private idOf(piece: string): number {
    let id = this.pieceIds.get(piece);
    if (id === undefined) {
      id = 10 + this.pieceIds.size;
      this.pieceIds.set(piece, id);
      this.pieces.set(id, piece);
    }
    return id;
  }

  private outputToken(k: number): number {
    return k === this.options.eosAt ? EOS_ID : this.idOf(OUTPUT_PIECES[k % OUTPUT_PIECES.length]!);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return this.error(res, 413, 'request body too large');
      chunks.push(chunk);
    }
    const path = (req.url ?? '/').split('?')[0]!;
    let body: Record<string, unknown> | null = null;
    if (chunks.length) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return this.error(res, 400, 'body is not JSON');
      }
    }
    const record: RecordedRequest = { method: req.method ?? '', path, body, authorization: req.headers.authorization ?? null, receivedAt: performance.now() };
    this.requests.push(record);
    if (this.requests.length > this.options.maxRequests) return this.error(res, 500, `more than ${this.options.maxRequests} requests`);
    if (this.options.apiKey !== null && record.authorization !== `Bearer ${this.options.apiKey}`) {
      return this.error(res, 401, 'Invalid API Key', 'authentication_error');
    }
    const fault = this.takeFault(path);
    if (fault?.kind === 'stall') return; // never answered
    if (fault?.kind === 'status') return this.error(res, fault.status, fault.message ?? `injected ${fault.status}`);

    const route = `${record.method} ${path}`;
    switch (route) {
      case 'GET /v1/models':
        return this.json(res, {
          object: 'list',
          data: [{ id: this.options.modelId, object: 'model', owned_by: 'test-owner', meta: { n_vocab: 1000, n_ctx_train: 4096 } }],
        });
      case 'GET /props':
        if (this.options.identity !== 'llama.cpp') break;
        return this.json(res, { build_info: 'b1234-test', default_generation_settings: { n_ctx: 2048 }, total_slots: 1 });
      case 'GET /version':
        if (this.options.identity !== 'vllm') break;
        return this.json(res, { version: '0.0-test' });
      case 'POST /tokenize':
        return this.tokenize(res, body ?? {});
      case 'POST /detokenize':
        return this.detokenize(res, body ?? {});
      case 'POST /v1/completions':
      case 'POST /v1/chat/completions':
        return this.complete(res, body ?? {}, path === '/v1/chat/completions' ? 'chat' : 'completions', record.receivedAt, fault);
    }
    this.error(res, 404, 'File Not Found');
  }

  private takeFault(path: string): (ServerFault & { left: number }) | null {
    const list = this.faults.get(path);
    const fault = list?.[0];
    if (!list || !fault) return null;
    if (--fault.left <= 0) list.shift();
    return fault;
  }

  private tokenize(res: ServerResponse, body: Record<string, unknown>): void {
    const dialect = this.options.tokenizer;
    const text = dialect === 'llama.cpp' ? body.content : body.prompt;
    if (dialect === 'none' || typeof text !== 'string') return this.error(res, dialect === 'none' ? 404 : 400, dialect === 'none' ? 'File Not Found' : 'missing text');
    const special = dialect === 'llama.cpp' ? body.add_special === true : body.add_special_tokens === true;
    const ids = [...(special ? [BOS_ID] : []), ...this.idsOf(text)];
    if (dialect === 'vllm') return this.json(res, { tokens: ids, count: ids.length, max_model_len: 4096 });
    this.json(res, { tokens: body.with_pieces === true ? ids.map((id) => ({ id, piece: this.pieces.get(id) })) : ids });
  }

  private detokenize(res: ServerResponse, body: Record<string, unknown>): void {
    if (this.options.tokenizer === 'none') return this.error(res, 404, 'File Not Found');
    const ids = Array.isArray(body.tokens) ? (body.tokens as number[]) : [];
    const text = ids.map((id) => this.pieces.get(id) ?? '').join('');
    this.json(res, this.options.tokenizer === 'llama.cpp' ? { content: text } : { prompt: text });
  }

  /** Prompt ids of a request: token ids as given, a string tokenized with BOS, chat messages in a template. */
  private promptIds(body: Record<string, unknown>, api: 'completions' | 'chat'): number[] | null {
    if (api === 'chat') {
      const messages = Array.isArray(body.messages) ? (body.messages as Array<{ content?: unknown }>) : [];
      const content = messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('');
      return [BOS_ID, ...this.idsOf(`<|user|> ${content} <|assistant|>`)];
    }
    const prompt = body.prompt;
    if (typeof prompt === 'string') return [BOS_ID, ...this.idsOf(prompt)];
    if (Array.isArray(prompt) && prompt.every((id) => typeof id === 'number')) return prompt as number[];
    return null;
  }

  private async complete(
    res: ServerResponse,
    body: Record<string, unknown>,
    api: 'completions' | 'chat',
    receivedAt: number,
    fault: ServerFault | null,
  ): Promise<void> {
    const prompt = this.promptIds(body, api);
    if (!prompt || prompt.length === 0) return this.error(res, 400, 'missing prompt');
    const limit = Number(body.max_tokens ?? body.max_completion_tokens ?? 16);
    if (body.stream !== true) {
      if (api === 'completions' && body.echo === true && this.options.echo) return this.echo(res, prompt, body);
      return this.error(res, 400, 'this test server streams only');
    }
    const ignoreEos = body.ignore_eos === true && this.options.honourIgnoreEos;
    const tokens: number[] = [];
    let finishReason = 'length';
    for (let k = 0; k < limit; k++) {
      const id = this.outputToken(k);
      if (id === EOS_ID && !ignoreEos) {
        finishReason = 'stop';
        break;
      }
      tokens.push(id);
    }
    const wantLogprobs = api === 'chat' ? body.logprobs === true : typeof body.logprobs === 'number' && body.logprobs > 0;
    const includeUsage = this.options.usage && (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const base = { id: 'cmpl-test', created: 1, model: this.options.modelId, object: api === 'chat' ? 'chat.completion.chunk' : 'text_completion' };
    const eol = this.options.lineEnding;
    let sent = 0;
    const send = (data: unknown): boolean => {
      if (fault?.kind === 'drop' && sent >= fault.afterChunks) {
        res.socket?.destroy();
        return false;
      }
      if (this.options.pings) res.write(`: ping${eol}${eol}`);
      res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}${eol}${eol}`);
      sent++;
      return true;
    };
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (api === 'chat' && !send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }] })) return;
    // The first generated chunk waits until firstChunkDelayMs have passed since the request arrived.
    while (performance.now() - receivedAt < this.options.firstChunkDelayMs) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, this.options.firstChunkDelayMs - (performance.now() - receivedAt))));
    }
    for (let i = 0; i < tokens.length; i += this.options.tokensPerChunk) {
      const group = tokens.slice(i, i + this.options.tokensPerChunk);
      const text = group.map((id) => this.pieces.get(id)!).join('');
      const logprobs = wantLogprobs
        ? { content: group.map((id) => ({ id, token: this.pieces.get(id), logprob: -0.25, bytes: [...Buffer.from(this.pieces.get(id)!, 'utf8')], top_logprobs: [] })) }
        : null;
      const choice = api === 'chat' ? { index: 0, delta: { content: text }, logprobs, finish_reason: null } : { index: 0, text, logprobs, finish_reason: null };
      if (!send({ ...base, choices: [choice] })) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const last = api === 'chat' ? { index: 0, delta: {}, finish_reason: finishReason } : { index: 0, text: '', logprobs: null, finish_reason: finishReason };
    if (!send({ ...base, choices: [last] })) return;
    const usage = { prompt_tokens: prompt.length, completion_tokens: tokens.length, total_tokens: prompt.length + tokens.length };
    if (includeUsage && !send({ ...base, choices: [], usage })) return;
    if (!send('[DONE]')) return;
    res.end();
  }

  /** Prompt log-probabilities in OpenAI's legacy completions shape (as vLLM answers `echo`). */
  private echo(res: ServerResponse, prompt: number[], body: Record<string, unknown>): void {
    if (Number(body.max_tokens) !== 0 || body.logprobs !== 1) return this.error(res, 400, 'echo needs max_tokens 0 and logprobs 1');
    const tokenLogprobs: (number | null)[] = [null];
    const top: (Record<string, number> | null)[] = [null];
    for (let i = 1; i < prompt.length; i++) {
      const previous = prompt[i - 1]!;
      const id = prompt[i]!;
      tokenLogprobs.push(id === previous + 1 ? -0.25 : -2 - (id % 3));
      top.push({ [this.pieces.get(previous + 1) ?? `<${previous + 1}>`]: -0.25 });
    }
    this.json(res, {
      id: 'cmpl-echo',
      object: 'text_completion',
      model: this.options.modelId,
      choices: [
        {
          index: 0,
          text: prompt.map((id) => this.pieces.get(id) ?? '').join(''),
          logprobs: { tokens: prompt.map((id) => this.pieces.get(id) ?? `<${id}>`), token_logprobs: tokenLogprobs, top_logprobs: top, text_offset: prompt.map(() => 0) },
          finish_reason: 'length',
        },
      ],
      usage: { prompt_tokens: prompt.length, completion_tokens: 0, total_tokens: prompt.length },
    });
  }

  private json(res: ServerResponse, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private error(res: ServerResponse, status: number, message: string, type = 'server_error'): void {
    const text = JSON.stringify({ error: { code: status, message, type } });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}
