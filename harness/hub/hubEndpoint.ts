import { ConfigError } from '../errors.js';

/** The public hub. */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/**
 * The hub's base URL: `SLMBENCH_HF_ENDPOINT`, else `HF_ENDPOINT` (the variable the Hugging Face tools
 * read, so a mirror set for them works here too), else `https://huggingface.co`; without trailing `/`.
 * @throws ConfigError naming the variable when its value is not an http(s) URL
 */
export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.SLMBENCH_HF_ENDPOINT ? 'SLMBENCH_HF_ENDPOINT' : env.HF_ENDPOINT ? 'HF_ENDPOINT' : null;
  return checkEndpoint(name ? env[name]! : DEFAULT_HUB_ENDPOINT, name ?? 'the default endpoint');
}

/** Checks an endpoint URL and strips its trailing `/`; `source` names where it came from. */
export function checkEndpoint(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${source}: "${value}" is not a URL (expected e.g. https://huggingface.co)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${source}: "${value}" is not an http(s) URL`);
  }
  if (url.search || url.hash) throw new ConfigError(`${source}: "${value}" must not have a query or fragment`);
  return value.replace(/\/+$/, '');
}
