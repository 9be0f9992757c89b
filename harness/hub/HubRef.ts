/** What names a repository, and a file in it, on the Hugging Face hub. */

/** Kind of hub repository: its URLs and cache folders differ (`/datasets/…` for datasets). */
export type HubRepoType = 'model' | 'dataset';

/** A repository at a revision. */
export interface HubRepoRef {
  /** `model` or `dataset`. */
  repoType: HubRepoType;
  /** `owner/name`. */
  repo: string;
  /** Branch, tag or commit (`main`, `v1.0`, `refs/convert/parquet`, 40 hex digits). */
  revision: string;
}

/** A file of a repository at a revision. */
export interface HubFileRef extends HubRepoRef {
  /** Path inside the repository, `/`-separated (`onnx/model.onnx`). */
  path: string;
}

/** The revision a spec without `@REVISION` means. */
export const DEFAULT_HUB_REVISION = 'main';
