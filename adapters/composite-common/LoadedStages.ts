/**
 * The loaded stages of a composite backend (`cascade`, `ensemble`): each stage's model on its own backend,
 * with the stage's resolved options and the composite's load hints, and what the composite reports of
 * them. Stage backends are looked up in the registry at load time (imported dynamically: the registry
 * imports the composite definitions).
 */
import { BackendOptionError } from '../../harness/errors.js';
import type { CompositeStageRecord } from '../../harness/result/EntryComposite.js';
import type { Adapter, BackendVersions, LoadHints, LoadedModel, RuntimeModelInfo } from '../types.js';
import type { CompositeStageSpec } from './CompositeStageSpec.js';

/** One loaded stage. */
export interface CompositeStage {
  /** Position in `stages` (0 first). */
  index: number;
  spec: CompositeStageSpec;
  adapter: Adapter;
  model: LoadedModel;
  /** The stage backend's versions, read after its model loaded. */
  versions: BackendVersions;
}

/** Options of {@link LoadedStages.load}. */
export interface LoadStagesOptions {
  /** The composite backend's id, for messages. */
  backend: string;
  stages: readonly CompositeStageSpec[];
  hints: LoadHints | undefined;
  /**
   * Whether stage `index` must decode step by step (`capabilities.stepwise`: `openSession` and
   * `vocabulary`), and the rule to state when it cannot (`only the last stage of a cascade may`).
   */
  stepwise: (index: number) => { required: boolean; rule: string };
}

export class LoadedStages {
  private constructor(readonly list: readonly CompositeStage[]) {}

  /**
   * Creates every stage backend and checks it before any model loads, then loads the models in order. A
   * failure disposes the stages already loaded.
   * @throws BackendOptionError for an unknown or composite stage backend, or a stage that must be stepwise
   *   and is not (naming the stage's index, model and backend); the stage backends' own errors while loading
   */
  static async load(options: LoadStagesOptions): Promise<LoadedStages> {
    const { backend, stages, hints, stepwise } = options;
    const { backendRegistry } = await import('../registry.js');
    const adapters: Adapter[] = [];
    for (const [index, spec] of stages.entries()) {
      const definition = backendRegistry.find((d) => d.id === spec.backend.id);
      const where = `stages[${index}].backend`;
      if (!definition) {
        const known = backendRegistry.filter((d) => !d.composite).map((d) => d.id);
        throw new BackendOptionError(backend, where, `unknown backend "${spec.backend.id}" (known: ${known.join(', ')})`);
      }
      if (definition.composite) throw new BackendOptionError(backend, where, `a composite backend (${definition.id}) cannot be a stage`);
      const adapter = (await definition.create()) as Adapter;
      const rule = stepwise(index);
      if (rule.required && adapter.capabilities.stepwise !== true) {
        throw new BackendOptionError(
          backend,
          `stages[${index}]`,
          `${LoadedStages.describeStage(index, spec)} cannot decode step by step (backend ${spec.backend.id} has no decode sessions): ${rule.rule}`,
        );
      }
      adapters.push(adapter);
    }
    const loaded: CompositeStage[] = [];
    try {
      for (const [index, spec] of stages.entries()) {
        const adapter = adapters[index]!;
        const model = await adapter.load({ path: spec.model.path, format: spec.model.format }, spec.backend.options, hints);
        const stage: CompositeStage = { index, spec, adapter, model, versions: {} };
        loaded.push(stage);
        const rule = stepwise(index);
        if (rule.required && (typeof model.openSession !== 'function' || typeof model.vocabulary !== 'function')) {
          throw new BackendOptionError(backend, `stages[${index}]`, `${LoadedStages.describeStage(index, spec)} loaded without decode sessions: ${rule.rule}`);
        }
        stage.versions = await adapter.versions();
      }
    } catch (error) {
      await new LoadedStages(loaded).dispose().catch(() => undefined);
      throw error;
    }
    return new LoadedStages(loaded);
  }

  /** `stage 1 (stories260K on onnxruntime)`. */
  static describeStage(index: number, spec: CompositeStageSpec): string {
    return `stage ${index} (${spec.model.name} on ${spec.backend.id})`;
  }

  get length(): number {
    return this.list.length;
  }

  /** Stage `index`; throws a RangeError outside the list. */
  at(index: number): CompositeStage {
    const stage = this.list[index];
    if (!stage) throw new RangeError(`no stage ${index} of ${this.list.length}`);
    return stage;
  }

  /** What a composite model's record lists of its stages. */
  describe(): CompositeStageRecord[] {
    return this.list.map(({ spec, model, versions }) => ({
      name: spec.model.name,
      backend: spec.backend.id,
      versions,
      resolvedOptions: model.info.resolvedOptions,
      device: model.info.device,
      vocabSize: model.info.vocabSize,
      remote: LoadedStages.servedElsewhere(model),
    }));
  }

  /**
   * The composite model's `info`: stage 0's vocabulary size and special tokens, the shortest context, the
   * stages' devices, each stage's resolved options beside the composite's own `settings`; the processes and
   * GPUs of every local stage, and, when a stage is served elsewhere, that memory and energy cover the local
   * stages only. No weights file and no KV element size: the stages read different weights per request.
   */
  runtimeInfo(settings: Record<string, unknown>, tokenHandover: RuntimeModelInfo['tokenHandover']): RuntimeModelInfo {
    const first = this.at(0).model.info;
    const local = this.list.filter((s) => !LoadedStages.servedElsewhere(s.model));
    const served = this.list.filter((s) => LoadedStages.servedElsewhere(s.model)).map((s) => s.spec.model.name);
    return {
      vocabSize: first.vocabSize,
      contextLength: this.contextLength(),
      bosTokenId: first.bosTokenId,
      eosTokenIds: first.eosTokenIds,
      resolvedOptions: { stages: this.list.map((s) => s.model.info.resolvedOptions), ...settings },
      tokenHandover,
      device: this.device(),
      weightsFile: null,
      kvBytesPerElement: null,
      processIds: [...new Set(local.flatMap((s) => s.model.info.processIds ?? [process.pid]))],
      gpus: [...new Set(local.flatMap((s) => s.model.info.gpus ?? []))],
      ...(served.length
        ? {
            notMeasured: {
              memory: `stage ${served.join(', ')} runs on a server: peak memory covers the local stages only`,
              energy: `stage ${served.join(', ')} runs on a server: energy covers the local stages only`,
            },
          }
        : {}),
    };
  }

  /** Whether no local process holds a stage's model (a model served over HTTP). */
  static servedElsewhere(model: LoadedModel): boolean {
    return model.info.processIds !== undefined && model.info.processIds.length === 0;
  }

  /** The shortest non-zero trained context over the stages (0 when none is known). */
  contextLength(): number {
    const known = this.list.map((s) => s.model.info.contextLength).filter((n) => n > 0);
    return known.length > 0 ? Math.min(...known) : 0;
  }

  /** The stages' distinct devices joined by `+` (`cpu`, `cpu+remote`). */
  device(): string {
    return [...new Set(this.list.map((s) => s.model.info.device))].join('+');
  }

  /** Every stage backend's versions in one record (a package listed by two stages appears once). */
  versions(): BackendVersions {
    const merged: BackendVersions = {};
    for (const stage of this.list) Object.assign(merged, stage.versions);
    return merged;
  }

  /** Disposes every stage, even when one fails; throws the first failure afterwards. */
  async dispose(): Promise<void> {
    let failure: unknown = null;
    for (const stage of this.list) {
      try {
        await stage.model.dispose();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== null) throw failure;
  }
}
