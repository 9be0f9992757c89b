/**
 * Turns a failed hub reply into the error to throw. The hub tells a missing repository, revision and
 * file apart with `X-Error-Code` (`RepoNotFound`, `RevisionNotFound`, `EntryNotFound`, `GatedRepo`), and
 * answers 401 for a repository it will not show without a token (private, gated, or missing).
 */
import type { SlmbenchError } from '../errors.js';
import { HubAuthError, HubHttpError, HubNotFoundError } from './hubErrors.js';
import type { HubRepoRef } from './HubRef.js';
import { formatHubRef } from './formatHubRef.js';
import { TransientHubError } from './withHubRetries.js';

/** What was asked for. */
export interface HubRequestContext extends HubRepoRef {
  /** Path of the file asked for; null for the repository listing. */
  path: string | null;
  /** The URL asked. */
  url: string;
  /** Whether a token was sent. */
  withToken: boolean;
}

/** The error for a reply that is not ok: a SlmbenchError, or a TransientHubError for 429 and 5xx. */
export function hubResponseError(response: Response, context: HubRequestContext): SlmbenchError | TransientHubError {
  const status = response.status;
  const label = formatHubRef(context);
  const code = response.headers.get('x-error-code');
  const detail = response.headers.get('x-error-message');
  const http = `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (status === 429 || status >= 500) return new TransientHubError(`answered ${http}`, status);
  const what = context.repoType === 'dataset' ? 'dataset' : 'model repository';
  if (status === 404) {
    if (code === 'RepoNotFound') {
      return new HubNotFoundError(`${label}: ${what} ${context.repo} not found at ${context.url}${context.withToken ? '' : ' (a private one needs HF_TOKEN)'}`);
    }
    if (code === 'RevisionNotFound') {
      return new HubNotFoundError(`${label}: revision "${context.revision}" not found in ${context.repo} (${context.url})`);
    }
    const thing = context.path === null ? `${what} ${context.repo} or revision "${context.revision}"` : `file "${context.path}" in ${context.repo} at revision "${context.revision}"`;
    return new HubNotFoundError(`${label}: not found: ${thing} (${context.url} answered ${http})`);
  }
  if (status === 401 || status === 403) {
    const why =
      code === 'GatedRepo'
        ? `${context.repo} is gated: accept its terms on the hub with the account whose token is in HF_TOKEN`
        : context.withToken
          ? 'the token in HF_TOKEN may not read this repository (private, gated, or mistyped name)'
          : 'the repository is private or gated, or does not exist; set HF_TOKEN to a token that can read it';
    return new HubAuthError(`${label}: access refused (${http}) at ${context.url}: ${why}${detail ? ` (${detail})` : ''}`);
  }
  return new HubHttpError(`${label}: ${context.url} answered ${http}${detail ? ` (${detail})` : ''}`);
}
