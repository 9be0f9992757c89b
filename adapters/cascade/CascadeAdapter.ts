/**
 * The cascade backend: loads every stage on its own backend, then serves requests through
 * {@link CascadeModel}.
 */
import { ModelFormatError } from '../../harness/errors.js';
import { LoadedStages } from '../composite-common/LoadedStages.js';
import { readCompositeStages } from '../composite-common/compositeStages.js';
import { parseBackendOptions } from '../common/parseBackendOptions.js';
import type { Adapter, AdapterCapabilities, BackendVersions, LoadHints, LoadedModel, ModelSource } from '../types.js';
import { CascadeModel } from './CascadeModel.js';
import { cascadeOptions, type CascadeOptions } from './index.js';

const ID = 'cascade';

export class CascadeAdapter implements Adapter<CascadeOptions> {
  /**
   * Scoring: the loaded model has `score` when every stage's model has one (any stage may answer).
   * Not stepwise: a cascade cannot be a stage of another composite.
   */
  readonly capabilities: AdapterCapabilities = { stepwise: false };
  #stages: LoadedStages | null = null;

  /** The stage backends' versions, merged (empty before a model loads). */
  async versions(): Promise<BackendVersions> {
    return this.#stages?.versions() ?? {};
  }

  /**
   * @param source `{ path: 'cascade:…', format: 'composite' }` (the stages come from the options)
   * @param options the options with `stages` resolved by the matrix ({@link readCompositeStages})
   */
  async load(source: ModelSource, options: CascadeOptions, hints?: LoadHints): Promise<LoadedModel> {
    if (source.format !== 'composite') {
      throw new ModelFormatError(source.path, `backend ${ID} runs the models listed in its stages, not a ${source.format} model`);
    }
    const specs = readCompositeStages(ID, options as unknown as Record<string, unknown>);
    const { stages: _stages, ...rest } = options as unknown as Record<string, unknown>;
    const settings = parseBackendOptions(ID, cascadeOptions.omit({ stages: true }), rest);
    const stages = await LoadedStages.load({
      backend: ID,
      stages: specs,
      hints,
      stepwise: (index) => ({ required: index < specs.length - 1, rule: 'only the last stage of a cascade may' }),
    });
    try {
      const model = await CascadeModel.create(stages, settings);
      this.#stages = stages;
      return model;
    } catch (error) {
      await stages.dispose().catch(() => undefined);
      throw error;
    }
  }
}
