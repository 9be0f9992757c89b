/**
 * Stand-in token ids for what a server does not identify, always negative so that they can never be
 * mistaken for a model's token ids:
 * - `-1`: a token the server counted (usage.completion_tokens, or a logprobs entry without an id) whose
 *   text, if any, came with another id;
 * - `-2 … -257`: the UTF-8 bytes 0 … 255 of a prompt, when the server cannot tokenize (so the "token"
 *   count of such a prompt is its length in bytes, and the ids turn back into the exact text);
 * - `-1000` and below: one id per distinct text of a streamed chunk, interned in the order first seen, so
 *   that equal outputs get equal ids and the ids turn back into the exact text.
 */

/** A counted token without text of its own. */
export const NO_TEXT_ID = -1;
const FIRST_BYTE_ID = -2;
const FIRST_PIECE_ID = -1000;

export class PseudoVocabulary {
  private readonly pieceIds = new Map<string, number>();
  private readonly pieces: string[] = [];

  /** The pseudo ids of a text's UTF-8 bytes. */
  encodeBytes(text: string): number[] {
    return [...Buffer.from(text, 'utf8')].map((byte) => FIRST_BYTE_ID - byte);
  }

  /** The id of a chunk's text, interned on first use. */
  pieceId(text: string): number {
    let id = this.pieceIds.get(text);
    if (id === undefined) {
      id = FIRST_PIECE_ID - this.pieces.length;
      this.pieces.push(text);
      this.pieceIds.set(text, id);
    }
    return id;
  }

  /** Whether `id` is a pseudo id (any negative integer). */
  static isPseudo(id: number): boolean {
    return id < 0;
  }

  /** True when every id is one of a text's bytes. */
  isBytes(ids: readonly number[]): boolean {
    return ids.every((id) => id <= FIRST_BYTE_ID && id > FIRST_BYTE_ID - 256);
  }

  /**
   * The text of pseudo ids: bytes decoded as UTF-8 (an incomplete sequence becomes U+FFFD), pieces as
   * interned, NO_TEXT as nothing.
   * @throws RangeError for an id that is not a pseudo id of this vocabulary
   */
  decode(ids: readonly number[]): string {
    const parts: Buffer[] = [];
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length) parts.push(Buffer.from(bytes));
      bytes = [];
    };
    for (const id of ids) {
      if (id === NO_TEXT_ID) continue;
      if (id <= FIRST_BYTE_ID && id > FIRST_BYTE_ID - 256) {
        bytes.push(FIRST_BYTE_ID - id);
        continue;
      }
      const piece = id <= FIRST_PIECE_ID ? this.pieces[FIRST_PIECE_ID - id] : undefined;
      if (piece === undefined) throw new RangeError(`unknown pseudo token id ${id}`);
      flush();
      parts.push(Buffer.from(piece, 'utf8'));
    }
    flush();
    return Buffer.concat(parts).toString('utf8');
  }
}
