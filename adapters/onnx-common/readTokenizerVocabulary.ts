/**
 * The vocabulary of a transformers.js model folder's `tokenizer.json` as an array of token strings
 * indexed by id, in the form the tokenizer stores them (`▁the`, `Ġthe`, `<0x0A>`): what
 * `LoadedModel.vocabulary()` returns for the ONNX backends. For the same model it equals the GGUF's
 * `tokenizer.ggml.tokens`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFormatError } from '../../harness/errors.js';
import { firstLine } from '../common/firstLine.js';

/**
 * Reads `model.vocab` (an object token → id for BPE, WordPiece and WordLevel; an array of
 * `[token, score]` pairs for Unigram, where the id is the index) and `added_tokens` (each `{id, content}`;
 * an added token's content is what its id holds, also where the model's vocabulary names that id too).
 * @param folder the model folder holding `tokenizer.json`
 * @returns token strings by id; its length is the highest id + 1
 * @throws ModelFormatError naming tokenizer.json when it cannot be read or parsed, has no vocabulary,
 *   gives one id two different strings in `model.vocab`, or leaves an id below the highest without a token
 */
export async function readTokenizerVocabulary(folder: string): Promise<string[]> {
  const file = join(folder, 'tokenizer.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ModelFormatError(file, `cannot read the tokenizer's vocabulary: ${firstLine(error)}`, { cause: error });
  }
  const json = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { model?: { vocab?: unknown }; added_tokens?: unknown };
  const vocab = json.model?.vocab;
  const tokens: (string | undefined)[] = [];
  const bad = (problem: string): ModelFormatError => new ModelFormatError(file, problem);

  if (Array.isArray(vocab)) {
    vocab.forEach((entry: unknown, id) => {
      const token = Array.isArray(entry) ? (entry[0] as unknown) : undefined;
      if (typeof token !== 'string') throw bad(`model.vocab[${id}] is not a [token, score] pair`);
      tokens[id] = token;
    });
  } else if (typeof vocab === 'object' && vocab !== null) {
    for (const [token, id] of Object.entries(vocab as Record<string, unknown>)) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw bad(`model.vocab gives ${JSON.stringify(token)} the id ${String(id)}`);
      const existing = tokens[id];
      if (existing !== undefined) throw bad(`model.vocab gives id ${id} to both ${JSON.stringify(existing)} and ${JSON.stringify(token)}`);
      tokens[id] = token;
    }
  } else {
    throw bad('no model.vocab (an object of token → id or an array of [token, score] pairs)');
  }

  for (const added of Array.isArray(json.added_tokens) ? (json.added_tokens as unknown[]) : []) {
    const { id, content } = (added ?? {}) as { id?: unknown; content?: unknown };
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || typeof content !== 'string') {
      throw bad(`added_tokens holds an entry without an integer id and a string content: ${JSON.stringify(added)}`);
    }
    tokens[id] = content;
  }

  const missing: number[] = [];
  for (let id = 0; id < tokens.length; id++) if (tokens[id] === undefined) missing.push(id);
  if (missing.length > 0) {
    throw bad(
      `the vocabulary has no token for ${missing.length} id(s) below its highest id ${tokens.length - 1} (first: ${missing.slice(0, 5).join(', ')})`,
    );
  }
  return tokens as string[];
}
