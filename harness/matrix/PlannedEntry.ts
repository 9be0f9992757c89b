/**
 * An entry of a sweep's plan: a matrix cell whose model (and, for a composite, every stage's model) is
 * prepared (resolved, format detected, inspected) and whose backend reads that format. Final: the runner,
 * the launcher and the worker read it as it is.
 */
import type { PreparedModel } from '../model/PreparedModel.js';
import type { Workload } from './MatrixEntry.js';

export interface PlannedEntry {
  /** Stable id: a hash of model spec, backend with options, and workload (the matrix cell's). */
  id: string;
  /** Position in the plan, from 0. */
  index: number;
  /** Human-readable label, e.g. `stories260K-f32 · llama-cpp threads=1 · pp128+tg64`. */
  label: string;
  model: PreparedModel;
  backend: {
    id: string;
    /** Options with every default filled in; a composite's `stages` hold prepared stage models. */
    options: Record<string, unknown>;
  };
  workload: Workload;
}
