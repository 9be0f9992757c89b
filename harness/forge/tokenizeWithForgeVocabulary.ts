/**
 * The forge tokenizer in plain TypeScript, for fitting weights to a text without loading a backend: the
 * forge vocabulary has no merges, so llama.cpp's SPM tokenizer (and the forged `tokenizer.json`) give
 * every character its own token when the vocabulary has it and its UTF-8 bytes' tokens otherwise, after
 * prepending `▁` and turning spaces into `▁` (`add_space_prefix`). BOS is not added.
 */
import { SPACE_MARKER, TOKEN_TYPE, type ForgeVocabulary } from './buildForgeVocabulary.js';

const encoder = new TextEncoder();

/** Token ids of `text` (no BOS); the empty text has none. */
export function tokenizeWithForgeVocabulary(text: string, vocab: ForgeVocabulary): number[] {
  if (text === '') return [];
  const characters = new Map<string, number>();
  const bytes = new Map<number, number>();
  vocab.tokens.forEach((token, id) => {
    const type = vocab.types[id];
    if (type === TOKEN_TYPE.normal) characters.set(token, id);
    else if (type === TOKEN_TYPE.byte) bytes.set(Number.parseInt(token.slice(3, 5), 16), id);
  });
  const ids: number[] = [];
  for (const character of SPACE_MARKER + text.replaceAll(' ', SPACE_MARKER)) {
    const id = characters.get(character);
    if (id !== undefined) {
      ids.push(id);
      continue;
    }
    for (const byte of encoder.encode(character)) {
      const byteId = bytes.get(byte);
      if (byteId === undefined) throw new Error(`internal: the forge vocabulary has no token for byte ${byte}`);
      ids.push(byteId);
    }
  }
  return ids;
}
