/**
 * A composite model's request log ({@link CompositeModelInfo}): every request is recorded as it is
 * served, and `endPhase` hands over the requests since the previous phase ended, with the stages.
 */
import type { CompositeModelInfo, CompositePhaseReport, CompositeRequest } from './CompositeModelInfo.js';
import type { LoadedStages } from './LoadedStages.js';

export class CompositeRequestLog {
  /** The stages and every request served so far. */
  readonly info: CompositeModelInfo;
  /** Requests already handed over by `endPhase`. */
  #reported = 0;

  constructor(kind: CompositeModelInfo['kind'], stages: LoadedStages) {
    this.info = { kind, stages: stages.describe(), requests: [] };
  }

  record(request: CompositeRequest): void {
    this.info.requests.push({ ...request, signals: [...request.signals] });
  }

  /** The stages and the requests served since the last call. */
  endPhase(): CompositePhaseReport {
    const requests = this.info.requests.slice(this.#reported);
    this.#reported = this.info.requests.length;
    return { stages: this.info.stages, requests };
  }
}
