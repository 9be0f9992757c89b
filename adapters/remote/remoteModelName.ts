/**
 * The model spec of a served model: `remote:NAME`, NAME being the model's name on the server (as
 * `/v1/models` lists it, e.g. `qwen2.5:0.5b` on Ollama). Such a spec has no local file: nothing to hash,
 * inspect or detect.
 */

/** The scheme of served models' specs. */
export const REMOTE_SCHEME = 'remote:';

/**
 * @param spec a model spec or path
 * @returns NAME of a `remote:NAME` spec (non-empty, trimmed), or null for anything else
 */
export function remoteModelName(spec: string): string | null {
  if (!spec.toLowerCase().startsWith(REMOTE_SCHEME)) return null;
  const name = spec.slice(REMOTE_SCHEME.length).trim();
  return name === '' ? null : name;
}
