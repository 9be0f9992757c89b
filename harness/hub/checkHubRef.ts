/**
 * Checks the parts of a hub reference before any of them becomes part of a URL or of a cache path: a
 * repository id as the hub allows them, and a path and revision without `.`/`..` segments, backslashes or
 * control characters (so nothing can point outside the cache folder).
 */
import { ConfigError } from '../errors.js';
import type { HubRepoRef } from './HubRef.js';

const NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$/;
const UNSAFE = /[\\\u0000-\u001f\u007f]/;

/** Throws ConfigError naming `spec` (what the user wrote) and the part that is wrong. */
export function checkHubRef(ref: HubRepoRef & { path?: string | null }, spec: string): void {
  if (ref.repoType !== 'model' && ref.repoType !== 'dataset') {
    throw new ConfigError(`"${spec}": repository type must be model or dataset, not ${JSON.stringify(ref.repoType)}`);
  }
  const parts = ref.repo.split('/');
  if (parts.length !== 2 || !parts.every((part) => NAME.test(part) && !part.includes('--') && !part.includes('..') && part.length <= 96)) {
    throw new ConfigError(
      `"${spec}": repository "${ref.repo}" is not OWNER/NAME (letters, digits, "-", "_", "."; no "--" or ".."; neither end with "-" or ".")`,
    );
  }
  checkSegments(spec, 'revision', ref.revision);
  if (ref.path !== undefined && ref.path !== null) checkSegments(spec, 'path', ref.path);
}

function checkSegments(spec: string, what: string, value: string): void {
  const bad = value === '' || UNSAFE.test(value) || value.split('/').some((segment) => segment === '' || segment === '.' || segment === '..');
  if (bad) {
    throw new ConfigError(`"${spec}": ${what} "${value}" is not valid (empty, "."/".." or empty segments, a backslash or a control character)`);
  }
}
