/**
 * Loads the tokenizer of a local transformers.js model folder (`tokenizer.json`, `tokenizer_config.json`)
 * with transformers.js's `AutoTokenizer`, never fetching anything. transformers.js is imported on first
 * use.
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { useLocalModelFolder } from './useLocalModelFolder.js';

/**
 * @param folder the model folder
 * @returns the tokenizer; transformers.js's own error when it cannot load it (each adapter maps that to
 *   its errors)
 */
export async function loadLocalTokenizer(folder: string): Promise<PreTrainedTokenizer> {
  const { AutoTokenizer } = await import('@huggingface/transformers');
  return AutoTokenizer.from_pretrained(await useLocalModelFolder(folder), { local_files_only: true });
}
