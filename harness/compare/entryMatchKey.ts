/**
 * The key that matches an entry of one result with the same entry of another. By default it is made of
 * the model's sha256 (the file's content, not its path, so a model moved or renamed still matches), the
 * backend id, the backend options as requested (canonical JSON: key order does not matter; `auto`
 * values are compared as written, not as a device resolved them), and the workload (prompt length or
 * text, tokens generated). `match` names the fields that identify an entry across the two sides, so a
 * setting change can be gated without relabelling: `model,backend,workload` matches entries whatever
 * their options, `model,backend,workload,options.dtype` on that one option only (see {@link MATCH_FIELDS}).
 * The entry id is not used: it hashes the model's path as written, which differs between machines.
 * A model without a sha256 (a `remote:NAME` model served over HTTP) is matched by its spec instead.
 */
import { canonicalJson, stableHash } from '../util/stableHash.js';
import type { DeviceEntryRecord } from '../result/AnyRunResult.js';

/** Fields an entry can be matched on; `options.NAME` matches one backend option. */
export const MATCH_FIELDS = ['model', 'backend', 'options', 'workload'] as const;

/** A field of {@link MATCH_FIELDS}, or `options.NAME`. */
export type MatchField = (typeof MATCH_FIELDS)[number] | `options.${string}`;

/** The default match: every field. */
export const DEFAULT_MATCH: readonly MatchField[] = MATCH_FIELDS;

/** 16 hex digits identifying what an entry measured, on the fields of `match` (default: all; see the file comment). */
export function entryMatchKey(entry: Pick<DeviceEntryRecord, 'model' | 'backend' | 'workload'>, match: readonly MatchField[] = DEFAULT_MATCH): string {
  const key: Record<string, unknown> = {};
  const options = entry.backend.options ?? {};
  for (const field of match) {
    if (field === 'model') key.model = entry.model.sha256 ? `sha256:${entry.model.sha256}` : `spec:${entry.model.spec}`;
    else if (field === 'backend') key.backend = entry.backend.id;
    else if (field === 'options') key.options = options;
    else if (field === 'workload') {
      const workload = entry.workload;
      key.workload = { promptTokens: workload.promptTokens ?? null, prompt: workload.prompt ?? null, genTokens: workload.genTokens };
    } else {
      const name = field.slice('options.'.length);
      key[field] = name in options ? options[name] : null;
    }
  }
  // The default key hashes exactly what it always has, so stored keys stay valid.
  return stableHash(canonicalJson(key), 16);
}

/** `model sha256, backend id, backend options, workload`: the fields matched on, in words. */
export function describeMatch(match: readonly MatchField[]): string {
  const names: Record<string, string> = { model: 'model sha256', backend: 'backend id', options: 'backend options', workload: 'workload' };
  return match.map((f) => names[f] ?? `option ${f.slice('options.'.length)}`).join(', ');
}
