/**
 * Sets transformers.js up to read a model folder from the local disk only, for every adapter that loads
 * through it (the transformers-js backend, and the onnxruntime backend's tokenizer).
 */
import { resolve } from 'node:path';

/**
 * Turns remote loading and transformers.js's file caches off (a stale cached copy under `env.cacheDir`
 * must never shadow the folder's own files) and returns the folder as transformers.js should be given
 * it: absolute, with forward slashes and no trailing slash. An absolute path never matches
 * transformers.js's model-id pattern, so it is read as is, never joined to `env.localModelPath`.
 * @param folder the model folder
 */
export async function useLocalModelFolder(folder: string): Promise<string> {
  const { env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFSCache = false;
  env.useBrowserCache = false;
  const path = resolve(folder).split('\\').join('/');
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
