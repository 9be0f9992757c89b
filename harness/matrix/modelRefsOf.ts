/** Every model a matrix's cells name, in order: each single model's, and each composite's stage models. */
import type { BackendDefinition } from '../../adapters/types.js';
import type { ModelRef } from '../model/PreparedModel.js';
import type { StageRef } from './expandMatrix.js';
import type { MatrixEntry } from './MatrixEntry.js';

export function modelRefsOf(cells: readonly MatrixEntry[], registry: readonly BackendDefinition[]): ModelRef[] {
  return cells.flatMap((cell) =>
    registry.find((d) => d.id === cell.backend.id)?.composite ? (cell.backend.options.stages as StageRef[]).map((s) => s.model) : [cell.model],
  );
}
