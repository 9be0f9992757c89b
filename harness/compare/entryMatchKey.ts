/**
 * The key that matches an entry of one result with the same entry of another: the model's sha256 (the
 * file's content, not its path, so a model moved or renamed still matches), the backend id, the backend
 * options as requested (canonical JSON: key order does not matter; `auto` values are compared as
 * written, not as a device resolved them), and the workload (prompt length or text, tokens generated).
 * The entry id is not used: it hashes the model's path as written, which differs between machines.
 * A model without a sha256 (a `remote:NAME` model served over HTTP) is matched by its spec instead.
 */
import { canonicalJson, stableHash } from '../util/stableHash.js';
import type { DeviceEntryRecord } from '../result/AnyRunResult.js';

/** 16 hex digits identifying what an entry measured (see the file comment). */
export function entryMatchKey(entry: Pick<DeviceEntryRecord, 'model' | 'backend' | 'workload'>): string {
  const model = entry.model.sha256 ? `sha256:${entry.model.sha256}` : `spec:${entry.model.spec}`;
  const workload = entry.workload;
  return stableHash(
    canonicalJson({
      model,
      backend: entry.backend.id,
      options: entry.backend.options ?? {},
      workload: { promptTokens: workload.promptTokens ?? null, prompt: workload.prompt ?? null, genTokens: workload.genTokens },
    }),
    16,
  );
}
