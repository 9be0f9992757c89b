/**
 * Known performance traps per backend folder (`BackendDefinition.traps`), judged on resolved settings and
 * the machine: llama.cpp's flash attention resolved on for CPU decoding and threads = cores on a small
 * machine, transformers.js's second intra-op thread; none for settings that avoid them, for a GPU, or
 * for a backend that declares none. Each trap names the setting, its cost with the source, and the fix.
 */
import { describe, expect, it } from 'vitest';
import { backendRegistry } from '../../adapters/registry.js';
import type { TrapContext } from '../../adapters/types.js';

const definition = (id: string) => backendRegistry.find((d) => d.id === id)!;
const context = (over: Partial<TrapContext>): TrapContext => ({ options: {}, resolvedOptions: {}, device: 'cpu', logicalCores: 2, physicalCores: 1, ...over });

describe('backend traps', () => {
  it('llama.cpp: flash attention resolved on for CPU decoding, and as many threads as cores on a small machine', () => {
    const traps = definition('llama-cpp').traps!(context({ options: { flashAttention: 'auto' }, resolvedOptions: { flashAttention: true, threads: 2 } }));
    expect(traps).toEqual([
      {
        setting: 'flashAttention',
        value: true,
        cost: "flash attention is on for CPU decoding (the default 'auto' resolved it so): decode ran 220 tok/s against 313 with it off (−30%; BACKEND-NOTES, stories15M shape F32, 2-core VM)",
        fix: 'flashAttention: false',
      },
      {
        setting: 'threads',
        value: 2,
        cost: "2 threads on a 2-core machine leave no core to the event loop and the garbage collector, which stall ggml's spinning workers: decode ran 94 tok/s at 2 threads against 220 at 1 on 2 cores (BACKEND-NOTES)",
        fix: 'threads: 1',
      },
    ]);
    // The settings that avoid them, a bigger machine, a GPU: nothing.
    expect(definition('llama-cpp').traps!(context({ resolvedOptions: { flashAttention: false, threads: 1 } }))).toEqual([]);
    expect(definition('llama-cpp').traps!(context({ resolvedOptions: { flashAttention: false, threads: 8 }, logicalCores: 8 }))).toEqual([]);
    expect(definition('llama-cpp').traps!(context({ resolvedOptions: { flashAttention: true, threads: 2 }, device: 'cuda' }))).toEqual([]);
    // Asked for explicitly, the cost is stated without blaming the default.
    expect(definition('llama-cpp').traps!(context({ options: { flashAttention: true }, resolvedOptions: { flashAttention: true, threads: 1 } }))[0]!.cost).toMatch(/^flash attention is on for CPU decoding: /);
  });

  it('transformers.js: a second intra-op thread on a small machine; onnxruntime declares none', () => {
    expect(definition('transformers-js').traps!(context({ resolvedOptions: { intraOpThreads: 2 } })).map((t) => [t.setting, t.value, t.fix])).toEqual([['intraOpThreads', 2, 'intraOpThreads: 1']]);
    expect(definition('transformers-js').traps!(context({ resolvedOptions: { intraOpThreads: 1 } }))).toEqual([]);
    expect(definition('transformers-js').traps!(context({ resolvedOptions: { intraOpThreads: 4 }, logicalCores: 16 }))).toEqual([]);
    expect(definition('onnxruntime').traps).toBeUndefined();
  });
});
