/**
 * One stage of a composite backend as the matrix hands it over: the stage's model, prepared like any
 * entry's (spec as written, absolute path — for `forge:`/`hf:` the resolved files, for `remote:NAME` the
 * spec — display name and detected format), and a non-composite backend with its options, defaults
 * filled in.
 */
export interface CompositeStageSpec {
  model: {
    /** The model as written in the config. */
    spec: string;
    /** Absolute path, or the spec of a format with a scheme. */
    path: string;
    /** Display name. */
    name: string;
    /** The model's format, detected once before the sweep. */
    format: string;
  };
  backend: {
    id: string;
    /** Options with every default filled in. */
    options: Record<string, unknown>;
  };
}
