/**
 * The served model's own tokenizer, through the server's (non-OpenAI) endpoints:
 * - llama.cpp: `POST /tokenize {content, add_special, with_pieces}` → `{tokens: [id | {id, piece}]}`,
 *   `POST /detokenize {tokens}` → `{content}`;
 * - vLLM: `POST /tokenize {model, prompt, add_special_tokens}` → `{tokens, count, max_model_len}`,
 *   `POST /detokenize {model, tokens}` → `{prompt}`.
 * The pieces llama.cpp returns with the ids are remembered (in a table shared with the model), so that
 * ids it has seen turn back into text without a request.
 */
import type { RemoteHttpClient } from './RemoteHttpClient.js';
import { RemoteRequestError } from './RemoteRequestError.js';

/** Which server's tokenize endpoints. */
export type TokenizerDialect = 'llama.cpp' | 'vllm';

/** Text probed with: plain words every tokenizer splits into a few tokens. */
const PROBE_TEXT = 'Hello world';

/** What a probe found. */
export type TokenizerProbe =
  | { tokenizer: ServerTokenizer; bosTokenId: number | null }
  | { tokenizer: null; reason: string };

export class ServerTokenizer {
  /**
   * @param pieces text (bytes) of token ids where known, shared with the model, which adds the ones its
   *   streams tell; this tokenizer adds llama.cpp's pieces
   */
  constructor(
    private readonly client: RemoteHttpClient,
    readonly dialect: TokenizerDialect,
    private readonly model: string,
    private readonly pieces: Map<number, Buffer>,
  ) {}

  /**
   * Finds the server's tokenizer and whether it prepends a BOS token.
   * @param requested `auto` tries llama.cpp's shape, then vLLM's; a dialect is used as is
   * @throws RemoteRequestError for auth failures, and for any failure of a dialect named explicitly
   */
  static async probe(client: RemoteHttpClient, requested: TokenizerDialect | 'auto', model: string, pieces: Map<number, Buffer>): Promise<TokenizerProbe> {
    const dialects: TokenizerDialect[] = requested === 'auto' ? ['llama.cpp', 'vllm'] : [requested];
    const failures: string[] = [];
    for (const dialect of dialects) {
      const tokenizer = new ServerTokenizer(client, dialect, model, pieces);
      try {
        const plain = await tokenizer.tokenize(PROBE_TEXT, false);
        if (plain.length === 0) throw new RemoteRequestError('protocol', `/tokenize gave no tokens for ${JSON.stringify(PROBE_TEXT)}`);
        const special = await tokenizer.tokenize(PROBE_TEXT, true);
        const first = special[0];
        const prepended = special.length > plain.length && first !== undefined && plain.every((id, i) => special[i + 1] === id);
        return { tokenizer, bosTokenId: prepended ? first : null };
      } catch (error) {
        if (requested !== 'auto' || (error instanceof RemoteRequestError && error.kind === 'auth')) throw error;
        failures.push(`${dialect}: ${(error as Error).message}`);
      }
    }
    return { tokenizer: null, reason: `no tokenizer endpoint (${failures.join('; ')})` };
  }

  /**
   * The ids of `text`.
   * @param addSpecial let the server add its special tokens (BOS where the model uses one)
   */
  async tokenize(text: string, addSpecial: boolean): Promise<number[]> {
    const body =
      this.dialect === 'llama.cpp'
        ? { content: text, add_special: addSpecial, with_pieces: true }
        : { model: this.model, prompt: text, add_special_tokens: addSpecial };
    const answer = await this.client.json('POST', '/tokenize', body);
    const tokens = isObject(answer.body) ? answer.body.tokens : undefined;
    if (!Array.isArray(tokens)) throw new RemoteRequestError('protocol', '/tokenize answered without a tokens array');
    return tokens.map((token) => {
      if (isTokenId(token)) return token;
      if (isObject(token) && isTokenId(token.id)) {
        const piece = token.piece;
        if (typeof piece === 'string') this.pieces.set(token.id, Buffer.from(piece, 'utf8'));
        else if (Array.isArray(piece) && piece.every((b) => typeof b === 'number')) this.pieces.set(token.id, Buffer.from(piece as number[]));
        return token.id;
      }
      throw new RemoteRequestError('protocol', `/tokenize answered a token that is not an id: ${JSON.stringify(token)}`);
    });
  }

  /** The text of ids, from the server's `/detokenize`. */
  async detokenize(ids: readonly number[]): Promise<string> {
    const body = this.dialect === 'llama.cpp' ? { tokens: ids } : { model: this.model, tokens: ids };
    const answer = await this.client.json('POST', '/detokenize', body);
    const text = isObject(answer.body) ? (this.dialect === 'llama.cpp' ? answer.body.content : answer.body.prompt) : undefined;
    if (typeof text !== 'string') throw new RemoteRequestError('protocol', '/detokenize answered without the text');
    return text;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTokenId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
