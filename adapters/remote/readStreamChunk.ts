/**
 * What one streamed chunk of `/v1/completions` or `/v1/chat/completions` says about the tokens it hands
 * over, across the shapes servers send:
 * - text: `choices[0].text` (completions), `choices[0].delta.content` (chat), plus a reasoning model's
 *   `delta.reasoning_content` / `delta.reasoning` (generated tokens too);
 * - ids: `choices[0].token_ids` (vLLM's `return_token_ids`); `choices[0].logprobs.content[].id`
 *   (llama.cpp, both APIs); `token_id:N` token strings (vLLM's `return_tokens_as_token_ids`);
 * - a count without ids: the entries of `logprobs.content` (OpenAI chat) or `logprobs.tokens` (OpenAI
 *   completions);
 * - `usage` (the last chunk with `stream_options.include_usage`; llama.cpp's completions always send it),
 *   `finish_reason` and `model`.
 */

/** The tokens and text of one chunk. */
export interface StreamChunk {
  /** Generated text in this chunk (`''` when none). */
  text: string;
  /** Tokens the chunk lists (ids or logprobs entries), or null when it lists none. */
  count: number | null;
  /** The listed tokens' ids, when the server gave every one. */
  ids: number[] | null;
  /** Each listed token's text as bytes, where the server gave it (llama.cpp's logprobs `bytes`/`token`). */
  pieces: (Buffer | null)[] | null;
  /** `finish_reason`, or null. */
  finishReason: string | null;
  /** `usage`, when the chunk carries one. */
  usage: { promptTokens: number | null; completionTokens: number | null } | null;
  /** The model that answered, as the server names it. */
  model: string | null;
}

type Json = Record<string, unknown>;

const TOKEN_ID = /^token_id:(\d+)$/;

/**
 * @param data one event's `data` (JSON)
 * @param api the endpoint the stream comes from
 * @returns the chunk, or null when the data is not a JSON object
 */
export function readStreamChunk(data: string, api: 'completions' | 'chat'): StreamChunk | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(json)) return null;
  const choices = Array.isArray(json.choices) ? json.choices : [];
  const choice = choices.find((c): c is Json => isObject(c) && (c.index === undefined || c.index === 0)) ?? null;
  const usage = isObject(json.usage)
    ? { promptTokens: count(json.usage.prompt_tokens), completionTokens: count(json.usage.completion_tokens) }
    : null;
  const chunk: StreamChunk = {
    text: '',
    count: null,
    ids: null,
    pieces: null,
    finishReason: null,
    usage,
    model: typeof json.model === 'string' ? json.model : null,
  };
  if (!choice) return chunk;
  chunk.finishReason = typeof choice.finish_reason === 'string' ? choice.finish_reason : null;
  if (api === 'completions') {
    chunk.text = typeof choice.text === 'string' ? choice.text : '';
  } else {
    const delta = isObject(choice.delta) ? choice.delta : {};
    chunk.text = [delta.reasoning_content, delta.reasoning, delta.content].filter((t): t is string => typeof t === 'string').join('');
  }

  const tokenIds = integers(choice.token_ids);
  if (tokenIds) {
    chunk.count = tokenIds.length;
    chunk.ids = tokenIds;
    return chunk;
  }
  const logprobs = isObject(choice.logprobs) ? choice.logprobs : null;
  if (!logprobs) return chunk;
  if (Array.isArray(logprobs.content)) {
    // llama.cpp (both APIs) and OpenAI chat: one entry per token.
    const entries = logprobs.content.filter(isObject);
    chunk.count = entries.length;
    const ids = entries.map((e) => (isTokenId(e.id) ? e.id : typeof e.token === 'string' ? idOfTokenString(e.token) : null));
    chunk.ids = ids.every((id): id is number => id !== null) ? ids : null;
    chunk.pieces = entries.map((e) => pieceOf(e));
    return chunk;
  }
  if (Array.isArray(logprobs.tokens)) {
    // OpenAI completions (and vLLM): parallel arrays, one token string per token.
    const tokens = logprobs.tokens;
    chunk.count = tokens.length;
    const ids = tokens.map((t) => (typeof t === 'string' ? idOfTokenString(t) : null));
    chunk.ids = ids.every((id): id is number => id !== null) ? ids : null;
  }
  return chunk;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTokenId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function count(value: unknown): number | null {
  return isTokenId(value) ? value : null;
}

function integers(value: unknown): number[] | null {
  return Array.isArray(value) && value.length > 0 && value.every(isTokenId) ? value : null;
}

/** The id in vLLM's `token_id:N` token strings, or null. */
function idOfTokenString(token: string): number | null {
  const m = TOKEN_ID.exec(token);
  return m ? Number(m[1]) : null;
}

/** A logprobs entry's text as bytes: its `bytes` array, else its `token` string (not a `token_id:N` one). */
function pieceOf(entry: Json): Buffer | null {
  if (Array.isArray(entry.bytes) && entry.bytes.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b < 256)) {
    return Buffer.from(entry.bytes as number[]);
  }
  if (typeof entry.token === 'string' && !TOKEN_ID.test(entry.token)) return Buffer.from(entry.token, 'utf8');
  return null;
}
