/**
 * The hub cache on disk, one folder per repository:
 * ```
 * <cacheDir>/hub/<models|datasets>/<owner>--<name>/
 *   refs/<revision>                 the commit a branch or tag resolved to (so offline mode finds `@main`)
 *   snapshots/<commit>/<path>       files as in the repository at that commit
 *   snapshots/<commit>/<dir>/.<file>.partial   a download in progress (hidden: model inspection skips it)
 *   listings/<commit>.json          the repository's file list at that commit
 * ```
 * When the hub names no commit for a revision, its snapshot folder is the revision, URI-encoded
 * (`refs%2Fconvert%2Fparquet`). Snapshot, ref and listing folders are apart, so no revision name can
 * collide with another kind of entry.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import type { HubRepoType } from './HubRef.js';
import { makeDir } from '../util/makeDir.js';

const COMMIT = /^[0-9a-f]{40}$/;

/** True for a full commit hash (40 lower-case hex digits): a revision that never moves. */
export function isCommitHash(revision: string): boolean {
  return COMMIT.test(revision);
}

/** A commit named by the hub, lower-cased, or null when it is absent or not a commit hash. */
export function normalizeCommit(value: string | null | undefined): string | null {
  const commit = value?.trim().toLowerCase();
  return commit && COMMIT.test(commit) ? commit : null;
}

export class HubCache {
  /** `<cacheDir>/hub/<models|datasets>/<owner>--<name>`. */
  readonly repoFolder: string;

  /** @param root slmbench's cache folder; @param repo `owner/name`, already checked. */
  constructor(root: string, repoType: HubRepoType, repo: string) {
    this.repoFolder = join(root, 'hub', repoType === 'dataset' ? 'datasets' : 'models', repo.replace('/', '--'));
  }

  /** Snapshot folder name for files fetched at `revision`: the commit when known, else the encoded revision. */
  static snapshotName(commit: string | null, revision: string): string {
    return commit ?? (isCommitHash(revision) ? revision : encodeURIComponent(revision));
  }

  /** Absolute path of a snapshot folder. */
  snapshotFolder(snapshot: string): string {
    return join(this.repoFolder, 'snapshots', snapshot);
  }

  /** Absolute path of a repository file in a snapshot. */
  filePath(snapshot: string, path: string): string {
    return join(this.snapshotFolder(snapshot), ...path.split('/'));
  }

  /** Where a download of `filePath(snapshot, path)` accumulates until it is complete and checked. */
  partialPath(snapshot: string, path: string): string {
    const file = this.filePath(snapshot, path);
    return join(dirname(file), `.${basename(file)}.partial`);
  }

  /** The commit `revision` stands for: itself when it is a commit hash, else the one recorded in `refs/`, else null. */
  commitOf(revision: string): string | null {
    if (isCommitHash(revision)) return revision;
    const ref = this.refFile(revision);
    if (!existsSync(ref)) return null;
    return normalizeCommit(readFileSync(ref, 'utf8'));
  }

  /** The snapshot folder names under which files of `revision` may be cached, most specific first. */
  snapshotsOf(revision: string): string[] {
    const commit = this.commitOf(revision);
    const names = [commit, HubCache.snapshotName(null, revision)].filter((name): name is string => name !== null);
    return [...new Set(names)];
  }

  /** The cached copy of `path` at `revision`, or null when there is none. */
  findFile(revision: string, path: string): string | null {
    for (const snapshot of this.snapshotsOf(revision)) {
      const file = this.filePath(snapshot, path);
      if (existsSync(file) && statSync(file).isFile()) return file;
    }
    return null;
  }

  /** Records that `revision` (a branch or tag) resolved to `commit`. */
  recordRevision(revision: string, commit: string | null): void {
    if (commit === null || revision === commit) return;
    writeAtomically(this.refFile(revision), commit);
  }

  /** The file list cached for `commit`, or null. */
  readListing<T>(commit: string): T | null {
    const file = this.listingFile(commit);
    if (!existsSync(file)) return null;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch {
      return null; // a damaged listing is fetched again
    }
  }

  /** Caches the file list of `commit`. */
  writeListing(commit: string, listing: unknown): void {
    writeAtomically(this.listingFile(commit), `${JSON.stringify(listing, null, 1)}\n`);
  }

  /** Path of the ref file of a branch or tag. */
  refFile(revision: string): string {
    return join(this.repoFolder, 'refs', ...revision.split('/'));
  }

  /** Path of the cached file list of a commit. */
  listingFile(commit: string): string {
    return join(this.repoFolder, 'listings', `${commit}.json`);
  }
}

function writeAtomically(path: string, text: string): void {
  makeDir(dirname(path));
  writeFileAtomic(path, text);
}
