/** Name, version and git commit of this slmbench. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { packageRoot, projectPath } from './projectPath.js';

let cached: { name: 'slmbench'; version: string; gitSha: string | null } | undefined;

export function harnessInfo(): { name: 'slmbench'; version: string; gitSha: string | null } {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string };
  let gitSha: string | null = null;
  try {
    gitSha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: packageRoot(), encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    gitSha = null;
  }
  cached = { name: 'slmbench', version: pkg.version, gitSha };
  return cached;
}
