/**
 * The ensemble backend: loads every stage on its own backend, checks that they share one vocabulary,
 * then serves requests through {@link EnsembleModel}.
 */
import { BackendOptionError, ModelFormatError, VocabularyMismatchError } from '../../harness/errors.js';
import { compareVocabularies } from '../composite-common/compareVocabularies.js';
import { readCompositeStages } from '../composite-common/compositeStages.js';
import { LoadedStages } from '../composite-common/LoadedStages.js';
import { parseBackendOptions } from '../common/parseBackendOptions.js';
import type { Adapter, AdapterCapabilities, BackendVersions, LoadHints, LoadedModel, ModelSource } from '../types.js';
import { EnsembleModel } from './EnsembleModel.js';
import { ensembleOptions, type EnsembleOptions } from './index.js';

const ID = 'ensemble';

export class EnsembleAdapter implements Adapter<EnsembleOptions> {
  /** Scoring through the stages' decode sessions. Not stepwise: an ensemble cannot be a stage. */
  readonly capabilities: AdapterCapabilities = { stepwise: false };
  #stages: LoadedStages | null = null;

  /** The stage backends' versions, merged (empty before a model loads). */
  async versions(): Promise<BackendVersions> {
    return this.#stages?.versions() ?? {};
  }

  /**
   * @param source `{ path: 'ensemble:…', format: 'composite' }` (the stages come from the options)
   * @param options the options with `stages` resolved by the matrix
   * @throws BackendOptionError for a weight count other than the stage count or a stage that is not
   *   stepwise; VocabularyMismatchError naming the first two stages whose vocabularies differ
   */
  async load(source: ModelSource, options: EnsembleOptions, hints?: LoadHints): Promise<LoadedModel> {
    if (source.format !== 'composite') {
      throw new ModelFormatError(source.path, `backend ${ID} runs the models listed in its stages, not a ${source.format} model`);
    }
    const specs = readCompositeStages(ID, options as unknown as Record<string, unknown>);
    const { stages: _stages, ...rest } = options as unknown as Record<string, unknown>;
    const settings = parseBackendOptions(ID, ensembleOptions.omit({ stages: true }), rest);
    if (settings.weights !== undefined && settings.weights.length !== specs.length) {
      throw new BackendOptionError(ID, 'weights', `${settings.weights.length} weight(s) given for ${specs.length} stages: give one per stage`);
    }
    const total = settings.weights?.reduce((a, b) => a + b, 0) ?? specs.length;
    const weights = settings.weights?.map((w) => w / total) ?? specs.map(() => 1 / specs.length);
    const stages = await LoadedStages.load({
      backend: ID,
      stages: specs,
      hints,
      stepwise: () => ({ required: true, rule: 'every stage of an ensemble must' }),
    });
    try {
      await checkVocabularies(stages);
      const model = new EnsembleModel(stages, { combine: settings.combine, weights });
      this.#stages = stages;
      return model;
    } catch (error) {
      await stages.dispose().catch(() => undefined);
      throw error;
    }
  }
}

/** Every stage's vocabulary (and distribution size) must be stage 0's; names the first that is not. */
async function checkVocabularies(stages: LoadedStages): Promise<void> {
  const first = stages.at(0);
  const reference = await first.model.vocabulary!();
  const pair = (index: number) => `stage 0 (${first.spec.model.name}) and stage ${index} (${stages.at(index).spec.model.name})`;
  for (const stage of stages.list.slice(1)) {
    const difference = compareVocabularies(reference, await stage.model.vocabulary!());
    if (difference?.kind === 'token') {
      throw new VocabularyMismatchError(
        ID,
        `${pair(stage.index)} vocabularies differ at token id ${difference.id}: ${JSON.stringify(difference.a)} vs ${JSON.stringify(difference.b)}`,
      );
    }
    if (difference?.kind === 'size') {
      throw new VocabularyMismatchError(
        ID,
        `${pair(stage.index)} vocabularies differ in size: ${difference.a} vs ${difference.b} tokens (the first ${Math.min(difference.a, difference.b)} agree)`,
      );
    }
    const a = first.model.info.vocabSize;
    const b = stage.model.info.vocabSize;
    if (a !== b) {
      throw new VocabularyMismatchError(ID, `${pair(stage.index)} share their tokens but not the size of their output distributions: ${a} vs ${b} (info.vocabSize)`);
    }
  }
}
