/**
 * llama.cpp settings that cost speed on a CPU, from BACKEND-NOTES.md's bare node-llama-cpp 3.21.1 figures
 * (stories15M shape, F32, pp128+tg128, 2-core AMD EPYC VM, medians of 24 repetitions):
 * - flash attention resolved on (the default `auto` resolves so on CPU): decode 220 tok/s against 313 off;
 * - as many threads as logical cores on a machine of at most 4: ggml's spinning workers stall whenever the
 *   event loop or the garbage collector runs, decode 94 tok/s at 2 threads against 220 at 1.
 */
import type { BackendTrap, TrapContext } from '../types.js';

/** Largest machine (logical cores) on which threads = cores was measured to collapse. */
const SMALL_MACHINE_CORES = 4;

export function llamaCppTraps(context: TrapContext): BackendTrap[] {
  const traps: BackendTrap[] = [];
  const resolved = context.resolvedOptions;
  if (context.device === 'cpu' && resolved.flashAttention === true) {
    traps.push({
      setting: 'flashAttention',
      value: true,
      cost: `flash attention is on for CPU decoding${context.options.flashAttention === 'auto' ? " (the default 'auto' resolved it so)" : ''}: decode ran 220 tok/s against 313 with it off (−30%; BACKEND-NOTES, stories15M shape F32, 2-core VM)`,
      fix: 'flashAttention: false',
    });
  }
  const threads = typeof resolved.threads === 'number' ? resolved.threads : null;
  if (context.device === 'cpu' && threads !== null && context.logicalCores <= SMALL_MACHINE_CORES && threads >= context.logicalCores) {
    traps.push({
      setting: 'threads',
      value: threads,
      cost: `${threads} threads on a ${context.logicalCores}-core machine leave no core to the event loop and the garbage collector, which stall ggml's spinning workers: decode ran 94 tok/s at 2 threads against 220 at 1 on 2 cores (BACKEND-NOTES)`,
      fix: `threads: ${Math.max(1, context.logicalCores - 1)}`,
    });
  }
  return traps;
}
