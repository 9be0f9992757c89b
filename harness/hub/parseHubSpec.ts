/**
 * Parses `hf:[datasets/]OWNER/NAME[/PATH][@REVISION]`, the form in which configs and the command line
 * name hub repositories and files. The revision defaults to `main`; PATH is optional.
 */
import { ConfigError } from '../errors.js';
import { checkHubRef } from './checkHubRef.js';
import { DEFAULT_HUB_REVISION, type HubRepoRef } from './HubRef.js';

/** A parsed `hf:` spec. */
export interface HubSpec extends HubRepoRef {
  /** Path inside the repository, or null when the spec names the repository (or revision) only. */
  path: string | null;
}

/**
 * @param spec e.g. `hf:owner/repo`, `hf:owner/repo/model-Q4_0.gguf@v1.0`, `hf:datasets/owner/name@refs/convert/parquet`
 * @throws ConfigError naming the spec and what is wrong with it
 */
export function parseHubSpec(spec: string): HubSpec {
  if (!spec.startsWith('hf:')) throw new ConfigError(`"${spec}": expected hf:OWNER/REPO[/PATH][@REVISION]`);
  let rest = spec.slice('hf:'.length);
  let revision = DEFAULT_HUB_REVISION;
  const at = rest.indexOf('@');
  if (at >= 0) {
    revision = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (revision === '') throw new ConfigError(`"${spec}": empty revision after "@"`);
  }
  let repoType: HubSpec['repoType'] = 'model';
  if (rest.startsWith('datasets/')) {
    repoType = 'dataset';
    rest = rest.slice('datasets/'.length);
  }
  const segments = rest.split('/');
  if (segments.length < 2 || segments[0] === '' || segments[1] === '') {
    throw new ConfigError(`"${spec}": expected hf:OWNER/REPO[/PATH][@REVISION]`);
  }
  const repo = `${segments[0]}/${segments[1]}`;
  const path = segments.length > 2 ? segments.slice(2).join('/') : null;
  const parsed: HubSpec = { repoType, repo, revision, path: path === '' ? null : path };
  checkHubRef(parsed, spec);
  return parsed;
}
