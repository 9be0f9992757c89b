/**
 * The model's share of the worker's resident memory: RSS right after loading minus RSS right before.
 * For a memory-mapped model (llama.cpp's default) this counts only the pages that loading touched;
 * pages first read during generation appear in the peak (VmHWM), not here. It can be negative when the
 * garbage collector returned more memory during loading than the model took: it is reported as is.
 */

/** RSS figures around the load, in bytes (as `WorkerMeasurement.memory` holds them). */
export interface LoadRss {
  /** RSS right before the model was loaded. */
  rssBeforeLoadBytes: number;
  /** RSS right after the model was loaded. */
  rssAfterLoadBytes: number;
}

/** rssAfterLoadBytes − rssBeforeLoadBytes. */
export function modelResidentBytes({ rssBeforeLoadBytes, rssAfterLoadBytes }: LoadRss): number {
  if (!Number.isFinite(rssBeforeLoadBytes) || !Number.isFinite(rssAfterLoadBytes)) {
    throw new RangeError(`RSS figures must be finite (before ${rssBeforeLoadBytes}, after ${rssAfterLoadBytes})`);
  }
  return rssAfterLoadBytes - rssBeforeLoadBytes;
}
