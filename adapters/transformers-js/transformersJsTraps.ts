/**
 * transformers.js settings that cost speed, from BACKEND-NOTES.md's bare figures (stories15M shape, fp32,
 * pp128+tg128, 2-core AMD EPYC VM): a second intra-op thread gave no gain (decode 213 tok/s at 1 thread,
 * 209 at 2) while a raw ONNX Runtime loop gained 50%: per-step JavaScript work and garbage collection
 * compete with ONNX Runtime's compute thread, and a spinning second thread takes the core they need.
 */
import type { BackendTrap, TrapContext } from '../types.js';

export function transformersJsTraps(context: TrapContext): BackendTrap[] {
  const threads = context.resolvedOptions.intraOpThreads;
  if (context.device !== 'cpu' || typeof threads !== 'number' || threads < 2 || threads < context.logicalCores) return [];
  return [
    {
      setting: 'intraOpThreads',
      value: threads,
      cost: `${threads} intra-op threads on a ${context.logicalCores}-core machine: transformers.js decoded 209 tok/s at 2 threads against 213 at 1 (no gain; its per-step JavaScript and garbage collection compete for the cores; BACKEND-NOTES)`,
      fix: `intraOpThreads: ${Math.max(1, context.logicalCores - 1)}`,
    },
  ];
}
