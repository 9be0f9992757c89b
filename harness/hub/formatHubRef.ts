import type { HubRepoRef } from './HubRef.js';

/**
 * A repository or file as a spec, for messages: `hf:owner/repo/path@revision` (datasets get
 * `hf:datasets/owner/name/…`).
 */
export function formatHubRef(ref: HubRepoRef & { path?: string | null }): string {
  const kind = ref.repoType === 'dataset' ? 'datasets/' : '';
  return `hf:${kind}${ref.repo}${ref.path ? `/${ref.path}` : ''}@${ref.revision}`;
}
