/**
 * Turns the matrix's cells into the plan's entries once every model is prepared: a cell whose backend does
 * not read its model's format is left out and listed as an unpaired pair (the quick sweep crosses four
 * models with three backends and runs the five pairs that can run), every other cell becomes a
 * {@link PlannedEntry} with its prepared model, indexed and labelled among the entries that run. A
 * composite's stage whose backend cannot read its model is a config error: its stages are paired by hand.
 */
import type { CompositeStageSpec } from '../../adapters/composite-common/CompositeStageSpec.js';
import type { BackendDefinition } from '../../adapters/types.js';
import { ConfigError } from '../errors.js';
import { compositeModel, type PreparedModels } from '../model/prepareModels.js';
import type { ModelRef, PreparedModel } from '../model/PreparedModel.js';
import { labelEntries } from './labelEntries.js';
import type { MatrixEntry } from './MatrixEntry.js';
import type { PlannedEntry } from './PlannedEntry.js';
import type { UnpairedPair } from '../result/RunResult.js';

/**
 * @param cells the matrix (`expandMatrix`), in order
 * @param models every model of the cells and their stages, prepared (by the cells' model paths)
 * @param registry the backends of the cells
 */
export function pairModels(
  cells: readonly MatrixEntry[],
  models: PreparedModels,
  registry: readonly BackendDefinition[],
): { entries: PlannedEntry[]; unpaired: UnpairedPair[] } {
  const entries: Omit<PlannedEntry, 'index' | 'label'>[] = [];
  const unpaired = new Map<string, UnpairedPair>();
  for (const cell of cells) {
    const definition = registry.find((d) => d.id === cell.backend.id)!;
    if (definition.composite) {
      const stages = (cell.backend.options.stages as { model: ModelRef; backend: CompositeStageSpec['backend'] }[]).map((stage, i): CompositeStageSpec & { model: PreparedModel } => {
        const model = prepared(models, stage.model);
        const reason = formatMismatch(registry.find((d) => d.id === stage.backend.id)!, model);
        if (reason) throw new ConfigError(`${cell.label}: stages[${i}] (${model.name}): ${reason}`);
        return { model, backend: stage.backend };
      });
      entries.push({
        id: cell.id,
        model: compositeModel(cell.model, stages.map((s) => s.model)),
        backend: { id: cell.backend.id, options: { ...cell.backend.options, stages } },
        workload: cell.workload,
      });
      continue;
    }
    const model = prepared(models, cell.model);
    const reason = formatMismatch(definition, model);
    if (reason) {
      const key = `${model.path}\0${definition.id}`;
      if (!unpaired.has(key)) unpaired.set(key, { model: { spec: model.spec, name: model.name, format: model.format }, backend: definition.id, reason });
      continue;
    }
    entries.push({ id: cell.id, model, backend: cell.backend, workload: cell.workload });
  }
  return { entries: labelEntries(entries.map((e, index) => ({ ...e, index, label: '' }))), unpaired: [...unpaired.values()] };
}

/** Why `definition` cannot run `model`, or null when it reads its format. */
export function formatMismatch(definition: BackendDefinition, model: PreparedModel): string | null {
  if (definition.formats.some((f) => f.id === model.format)) return null;
  const reads = definition.formats.map((f) => f.id).join(', ');
  return `backend ${definition.id} does not read ${model.format} models (it reads ${reads || 'no model file'})`;
}

function prepared(models: PreparedModels, ref: ModelRef): PreparedModel {
  const model = models.get(ref.path);
  if (!model) throw new Error(`internal: model ${ref.spec} was not prepared`);
  return { ...model, name: ref.name };
}
