/**
 * HTTP requests to an OpenAI-compatible server over node:http(s), with one kept-alive connection (as a
 * client of a server-fallback would keep), a per-request inactivity timeout, and retries with exponential
 * backoff. Streamed responses are read to `data: [DONE]`, each event stamped when its bytes arrived.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { RemoteRequestError, isRetryableStatus } from './RemoteRequestError.js';
import { SseParser, type TimedSseEvent } from './SseParser.js';

/** Settings of a {@link RemoteHttpClient}. */
export interface RemoteHttpSettings {
  /** The server's root URL, without a trailing slash. */
  baseUrl: string;
  /** The API key sent as `Authorization: Bearer`, or null for none. */
  apiKey: string | null;
  /** Longest wait for the response to start and for each further piece of it (ms). */
  timeoutMs: number;
  /** Further tries after a retryable failure. */
  retries: number;
  /** Wait before the first retry (ms), doubled before each later one. */
  retryDelayMs: number;
  /** Called before each wait between tries. Default: nothing. */
  onRetry?: (retry: RetryNotice) => void;
}

/** What {@link RemoteHttpSettings.onRetry} is told. */
export interface RetryNotice {
  /** The request, e.g. `POST /v1/completions`. */
  what: string;
  /** Why the try failed. */
  reason: string;
  /** The try that comes next (2 for the first retry). */
  nextTry: number;
  /** Tries in all. */
  tries: number;
  /** The wait before it (ms). */
  delayMs: number;
}

/** A JSON answer. */
export interface JsonAnswer {
  status: number;
  body: unknown;
}

/** Per-call settings. */
export interface CallOptions {
  /** Tries in all for this call. Default: 1 + the client's retries. */
  tries?: number;
  /** Longest wait (ms) for this call. Default: the client's timeoutMs. */
  timeoutMs?: number;
}

/** Largest JSON answer read (bytes); error bodies are cut at 64 KiB. */
const MAX_JSON_BYTES = 256 * 1024 * 1024;
const MAX_ERROR_BYTES = 64 * 1024;

export class RemoteHttpClient {
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private closed = false;
  /** Retries made so far (every call, every try after a call's first). */
  retryCount = 0;

  constructor(private readonly settings: RemoteHttpSettings) {
    const secure = settings.baseUrl.startsWith('https:');
    this.transport = secure ? https : http;
    // Sequential requests reuse one idle connection; no cap on sockets, so a request never waits in the
    // agent's queue while its timeout runs.
    const agentOptions = { keepAlive: true };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /**
   * GET or POST a JSON request and read the JSON answer.
   * @throws RemoteRequestError after the last try (`status` for an error status, with the server's message)
   */
  async json(method: 'GET' | 'POST', path: string, body?: unknown, options: CallOptions = {}): Promise<JsonAnswer> {
    return this.withRetries(`${method} ${path}`, options, () => this.attempt(method, path, body, 'json', options) as Promise<JsonAnswer>);
  }

  /**
   * POSTs a streaming request and reads its server-sent events up to `data: [DONE]` (which is not
   * returned). A stream that ends before it is a failed try.
   * @throws RemoteRequestError after the last try
   */
  async stream(path: string, body: unknown, options: CallOptions = {}): Promise<TimedSseEvent[]> {
    return this.withRetries(`POST ${path}`, options, () => this.attempt('POST', path, body, 'stream', options) as Promise<TimedSseEvent[]>);
  }

  /** Closes the kept-alive connection. */
  close(): void {
    this.closed = true;
    this.agent.destroy();
  }

  private async withRetries<T>(what: string, options: CallOptions, run: () => Promise<T>): Promise<T> {
    const tries = options.tries ?? 1 + this.settings.retries;
    for (let tryNumber = 1; ; tryNumber++) {
      try {
        return await run();
      } catch (error) {
        const failure = error instanceof RemoteRequestError ? error : new RemoteRequestError('network', describe(error), { cause: error });
        if (!failure.retryable || tryNumber >= tries || this.closed) {
          failure.tries = tryNumber;
          failure.what = what;
          throw failure;
        }
        const delayMs = this.settings.retryDelayMs * 2 ** (tryNumber - 1);
        this.retryCount++;
        this.settings.onRetry?.({ what, reason: failure.message, nextTry: tryNumber + 1, tries, delayMs });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private attempt(method: 'GET' | 'POST', path: string, body: unknown, mode: 'json' | 'stream', options: CallOptions): Promise<JsonAnswer | TimedSseEvent[]> {
    const timeoutMs = options.timeoutMs ?? this.settings.timeoutMs;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const headers: Record<string, string> = {
      'user-agent': 'slmbench',
      accept: mode === 'stream' ? 'text/event-stream' : 'application/json',
    };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (this.settings.apiKey !== null) headers.authorization = `Bearer ${this.settings.apiKey}`;

    return new Promise((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (error: RemoteRequestError | null, value?: JsonAnswer | TimedSseEvent[]) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          request.destroy();
          reject(error);
        } else {
          resolve(value!);
        }
      };
      const touch = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          // After `data: [DONE]` the rest of a response is only drained: a server that never ends it loses the connection.
          if (settled) request.destroy();
          else finish(new RemoteRequestError('timeout', `nothing received for ${timeoutMs} ms`));
        }, timeoutMs);
      };

      const request = this.transport.request(`${this.settings.baseUrl}${path}`, { method, headers, agent: this.agent });
      touch();
      request.on('error', (error) => finish(error instanceof RemoteRequestError ? error : networkError(error)));
      request.on('response', (response) => {
        touch();
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          readBody(response, MAX_ERROR_BYTES, touch).then(
            (text) => finish(statusError(status, response.statusMessage ?? '', text)),
            (error: unknown) => finish(networkError(error)),
          );
          return;
        }
        if (mode === 'json') {
          readBody(response, MAX_JSON_BYTES, touch).then(
            (text) => {
              try {
                finish(null, { status, body: text === '' ? null : (JSON.parse(text) as unknown) });
              } catch {
                finish(new RemoteRequestError('protocol', `the answer is not JSON: ${excerpt(text)}`));
              }
            },
            (error: unknown) => finish(networkError(error)),
          );
          return;
        }
        const parser = new SseParser();
        const events: TimedSseEvent[] = [];
        response.on('data', (bytes: Buffer) => {
          const time = performance.now();
          if (settled) return;
          touch();
          for (const event of parser.push(bytes, time)) {
            const reported = streamedError(event);
            if (reported !== null) {
              finish(new RemoteRequestError('protocol', `the server reported an error in the stream: ${reported}`, { retryable: false }));
              return;
            }
            if (event.type === 'message' && event.data.trim() === '[DONE]') {
              // Done: the events are complete. The rest of the response is drained so the connection
              // can be used again; if it never ends, the timer closes it.
              settled = true;
              resolve(events);
              return;
            }
            events.push(event);
          }
        });
        response.on('end', () => {
          clearTimeout(timer);
          if (settled) return;
          const last = parser.end(performance.now());
          if (last) events.push(last);
          finish(new RemoteRequestError('incomplete', `the stream ended before data: [DONE] (after ${events.length} events)`));
        });
        response.on('aborted', () => finish(new RemoteRequestError('incomplete', `the connection was cut after ${events.length} events`)));
        response.on('error', (error) => finish(new RemoteRequestError('incomplete', `the connection was cut after ${events.length} events: ${describe(error)}`, { cause: error })));
        response.on('close', () => {
          clearTimeout(timer);
          if (!settled) finish(new RemoteRequestError('incomplete', `the connection was closed after ${events.length} events`));
        });
      });
      request.end(payload);
    });
  }
}

/** Reads a response body as text, at most `limit` bytes (the rest is dropped). */
function readBody(response: http.IncomingMessage, limit: number, touch: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      touch();
      if (size < limit) chunks.push(chunk.subarray(0, limit - size));
      size += chunk.length;
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('aborted', () => reject(new Error('the connection was cut')));
    response.on('error', reject);
  });
}

/** The error of an error status, with the server's own message where it gives one. */
function statusError(status: number, statusText: string, body: string): RemoteRequestError {
  const message = serverMessage(body);
  const text = `HTTP ${status}${statusText ? ` ${statusText}` : ''}${message ? `: ${message}` : ''}`;
  if (status === 401 || status === 403) return new RemoteRequestError('auth', text, { status, retryable: false });
  return new RemoteRequestError('status', text, { status, retryable: isRetryableStatus(status) });
}

/**
 * The message in an error body: OpenAI, llama.cpp and vLLM send `{"error": {"message": …}}`, Ollama
 * `{"error": "…"}`, FastAPI `{"detail": …}`; anything else is quoted.
 */
export function serverMessage(body: string): string {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const error = json.error;
    if (typeof error === 'string') return error;
    if (error && typeof error === 'object' && typeof (error as Record<string, unknown>).message === 'string') {
      return (error as Record<string, unknown>).message as string;
    }
    if (typeof json.message === 'string') return json.message;
    if (json.detail !== undefined) return typeof json.detail === 'string' ? json.detail : JSON.stringify(json.detail);
  } catch {
    // Not JSON: quote the text.
  }
  return excerpt(body);
}

/**
 * The message of an error sent inside a stream (llama.cpp's `error:` events, vLLM's and Ollama's
 * `data: {"error": …}`), or null for any other event.
 */
function streamedError(event: TimedSseEvent): string | null {
  if (event.type === 'error') return serverMessage(event.data) || 'unknown error';
  if (!event.data.includes('"error"')) return null;
  try {
    const json = JSON.parse(event.data) as Record<string, unknown>;
    return json && typeof json === 'object' && json.error !== undefined && json.error !== null ? serverMessage(event.data) : null;
  } catch {
    return null;
  }
}

function excerpt(text: string): string {
  const line = text.trim().split(/\r?\n/)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function networkError(error: unknown): RemoteRequestError {
  return new RemoteRequestError('network', describe(error), { cause: error });
}

/** One line: the message with the system error code when it is not part of it. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
