/**
 * GPU memory the processes holding a model use, from nvidia-smi at `stop()` (per process, summed over its
 * GPUs and over the processes); null when no GPU is in use, nvidia-smi is missing, or it lists none of them.
 */
import { queryGpuProcessMemory } from './queryGpuProcessMemory.js';
import type { Tracker } from './Tracker.js';

export class GpuMemoryTracker implements Tracker<number | null> {
  readonly kind = 'gpu';

  /**
   * @param pids the processes
   * @param gpus the GPUs the model computes on (`RuntimeModelInfo.gpus`); none: nothing is queried
   */
  constructor(
    private readonly pids: readonly number[],
    private readonly gpus: readonly number[],
  ) {}

  start(): void {}

  async stop(): Promise<number | null> {
    if (this.gpus.length === 0) return null;
    const used = await Promise.all(this.pids.map((pid) => queryGpuProcessMemory(pid).catch(() => null)));
    const known = used.map((u) => u?.usedBytes ?? null).filter((b): b is number => b !== null);
    return known.length ? known.reduce((a, b) => a + b, 0) : null;
  }
}
