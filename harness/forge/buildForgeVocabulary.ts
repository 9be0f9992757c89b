/**
 * The forge's tokenizer vocabulary, SentencePiece style, built so that llama.cpp's SPM tokenizer and a
 * Hugging Face BPE tokenizer with byte fallback and no merges give the same ids for any text:
 * `<unk>` (0), `<s>` (1), `</s>` (2), the 256 byte tokens `<0x00>`…`<0xFF>`, `▁` (the space marker), the 94
 * printable ASCII characters `!`…`~`, then unused filler tokens `<unusedN>` up to the vocabulary size.
 * There is no token longer than one character outside the byte and special tokens, so neither tokenizer
 * ever merges: every character is its own token, or its UTF-8 bytes when it is not in the vocabulary.
 */

/** llama.cpp token types (`tokenizer.ggml.token_type`). */
export const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

/** Tokens that every forged vocabulary holds: 3 special + 256 bytes + `▁` + 94 characters. */
export const FORGE_BASE_VOCAB_SIZE = 3 + 256 + 1 + 94;

/** The SentencePiece space marker (U+2581). */
export const SPACE_MARKER = '\u2581';

/** A forged vocabulary. */
export interface ForgeVocabulary {
  /** Token strings by id. */
  tokens: string[];
  /** SentencePiece scores by id (merge priorities; unused since there are no merges). */
  scores: number[];
  /** llama.cpp token types by id. */
  types: number[];
  unkId: number;
  bosId: number;
  eosId: number;
  /** First id of the filler tokens (= vocabulary size when there are none). */
  firstFillerId: number;
}

/** Builds the vocabulary of `vocabSize` tokens (at least {@link FORGE_BASE_VOCAB_SIZE}). */
export function buildForgeVocabulary(vocabSize: number): ForgeVocabulary {
  if (!Number.isInteger(vocabSize) || vocabSize < FORGE_BASE_VOCAB_SIZE) {
    throw new RangeError(`vocabulary size must be an integer of at least ${FORGE_BASE_VOCAB_SIZE}, got ${vocabSize}`);
  }
  const tokens: string[] = ['<unk>', '<s>', '</s>'];
  const scores: number[] = [0, 0, 0];
  const types: number[] = [TOKEN_TYPE.unknown, TOKEN_TYPE.control, TOKEN_TYPE.control];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    scores.push(0);
    types.push(TOKEN_TYPE.byte);
  }
  const characters = [SPACE_MARKER];
  for (let code = 0x21; code <= 0x7e; code++) characters.push(String.fromCharCode(code));
  characters.forEach((character, rank) => {
    tokens.push(character);
    scores.push(-rank);
    types.push(TOKEN_TYPE.normal);
  });
  const firstFillerId = tokens.length;
  for (let n = 0; tokens.length < vocabSize; n++) {
    tokens.push(`<unused${n}>`);
    scores.push(-1e9);
    types.push(TOKEN_TYPE.unused);
  }
  return { tokens, scores, types, unkId: 0, bosId: 1, eosId: 2, firstFillerId };
}
