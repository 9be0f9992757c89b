import { writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendRegistry } from '../../adapters/registry.js';
import { parseConfig, readConfigFile } from '../../harness/config/parseConfig.js';
import { configJsonSchema } from '../../harness/config/configJsonSchema.js';
import { ConfigError } from '../../harness/errors.js';
import { checkContextFits } from '../../harness/matrix/checkContextFits.js';
import { cartesian, expandMatrix } from '../../harness/matrix/expandMatrix.js';
import type { Workload } from '../../harness/matrix/MatrixEntry.js';
import type { PreparedModel } from '../../harness/model/PreparedModel.js';
import { tempDir } from '../helpers/tempDir.js';

const parse = (data: unknown) => parseConfig(data, 'test.yaml', backendRegistry);

describe('config validation', () => {
  it('fills in defaults', () => {
    const config = parse({ sweep: { models: ['m.gguf'] } });
    expect(config.sweep.backends).toEqual([{ id: 'llama-cpp' }]);
    expect(config.sweep.workloads).toEqual([{ genTokens: 128 }]);
    expect(config.measure).toEqual({
      warmupRuns: 1, warmupSeconds: 1, minRepetitions: 5, minSeconds: 1, maxRepetitions: 1000, maxSeconds: 30, targetCiWidth: 0.02, warmupUntilStable: false, processes: 3, memorySampleMs: 10, timeoutSeconds: 600, cachedTtftRuns: 5,
    });
    expect(config.energy).toEqual({ providers: 'auto', baselineSeconds: 1, estimate: {}, rapl: {}, nvidia: {} });
  });

  it('names the file, the path inside it and what was expected', () => {
    expect(() => parse({ sweep: { models: ['m.gguf'], backends: [{ id: 'llama-cpp' }, { id: 'llama-cpp', threads: 'many' }] } }))
      .toThrow(/^test\.yaml: sweep\.backends\[1\]\.threads: /);
    expect(() => parse({ sweep: { models: ['m.gguf'], backends: [{ id: 'llama-cpp', threads: 0 }] } }))
      .toThrow(/sweep\.backends\[0\]\.threads: .*>=\s*1/);
    expect(() => parse({ sweep: { models: [] } })).toThrow(/sweep\.models: /);
    expect(() => parse({ measure: { warmupRuns: -1 }, sweep: { models: ['m'] } })).toThrow(/measure\.warmupRuns: /);
  });

  it('rejects unknown fields by name', () => {
    expect(() => parse({ sweep: { models: ['m'], backends: [{ id: 'llama-cpp', thread: 2 }] } }))
      .toThrow('test.yaml: sweep.backends[0]: unknown field "thread"');
    expect(() => parse({ sweep: { models: ['m'] }, extra: 1 })).toThrow('test.yaml: (top level): unknown field "extra"');
  });

  it('suggests the closest backend id', () => {
    try {
      parse({ sweep: { models: ['m'], backends: [{ id: 'llama-cp' }] } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe(
        `test.yaml: sweep.backends[0].id: unknown backend "llama-cp" (did you mean "llama-cpp"?); known: ${backendRegistry.map((d) => d.id).join(', ')}`,
      );
      expect((error as ConfigError).exitCode).toBe(2);
    }
  });

  it('refuses a workload with both promptTokens and prompt', () => {
    expect(() => parse({ sweep: { models: ['m'], workloads: [{ promptTokens: 8, prompt: 'x' }] } })).toThrow(/promptTokens or prompt/);
  });

  it('reads YAML and JSON files and reports syntax errors with the file name', () => {
    const dir = tempDir('config');
    const yamlFile = join(dir, 'a.yaml');
    writeFileSync(yamlFile, 'sweep:\n  models: [x.gguf]\n  workloads:\n    - promptTokens: [16, 32]\n      genTokens: 8\n');
    expect(readConfigFile(yamlFile, backendRegistry).sweep.workloads).toEqual([{ promptTokens: [16, 32], genTokens: 8 }]);
    const jsonFile = join(dir, 'b.json');
    writeFileSync(jsonFile, '{"sweep": {"models": ["x.gguf"]},}');
    expect(() => readConfigFile(jsonFile, backendRegistry)).toThrow(new RegExp(`^${jsonFile.replace(/[.]/g, '\\.')}: not valid JSON`));
    expect(() => readConfigFile(join(dir, 'missing.yaml'), backendRegistry)).toThrow(/missing\.yaml: cannot read config \(no such file\)/);
  });

  it('emits a JSON Schema that knows every backend option', () => {
    const schema = JSON.stringify(configJsonSchema(backendRegistry));
    for (const definition of backendRegistry) {
      expect(schema).toContain(`"${definition.id}"`);
      for (const key of Object.keys(definition.optionsSchema.shape)) expect(schema).toContain(`"${key}"`);
    }
  });
});

describe('matrix expansion', () => {
  it('takes the cartesian product with the last axis fastest', () => {
    expect(cartesian<number | string>([[1, 2], ['a', 'b']])).toEqual([[1, 'a'], [1, 'b'], [2, 'a'], [2, 'b']]);
    expect(cartesian([])).toEqual([[]]);
  });

  it('expands models × backend option lists × workloads, in order, with defaults filled', () => {
    const config = parse({
      sweep: {
        models: ['a.gguf', { path: 'sub/b.gguf', name: 'bee' }],
        backends: [{ id: 'llama-cpp', threads: [1, 2], flashAttention: false }],
        workloads: [{ promptTokens: [16, 64], genTokens: 8 }, { prompt: 'hi', genTokens: 4 }],
      },
    });
    const entries = expandMatrix(config, backendRegistry, '/base');
    expect(entries).toHaveLength(2 * 2 * 3);
    expect(entries.map((e) => e.index)).toEqual([...Array(12).keys()]);
    expect(entries[0]!.model).toEqual({ spec: 'a.gguf', path: '/base/a.gguf', name: 'a' });
    expect(entries[6]!.model).toEqual({ spec: 'sub/b.gguf', path: '/base/sub/b.gguf', name: 'bee' });
    expect(entries.slice(0, 6).map((e) => [e.backend.options.threads, e.workload.name])).toEqual([
      [1, 'pp16+tg8'], [1, 'pp64+tg8'], [1, expect.stringMatching(/^prompt#[0-9a-f]{6}\+tg4$/)],
      [2, 'pp16+tg8'], [2, 'pp64+tg8'], [2, expect.stringMatching(/^prompt#[0-9a-f]{6}\+tg4$/)],
    ]);
    expect(entries[0]!.backend.options).toEqual({
      threads: 1, contextSize: 'auto', batchSize: 512, gpu: 'auto', gpuLayers: 'auto', flashAttention: false, kvCacheType: 'f16', mmap: true,
    });
    expect(entries[0]!.label).toBe('a · llama-cpp threads=1 · pp16+tg8');
    expect(new Set(entries.map((e) => e.id)).size).toBe(12);
  });

  it('gives stable ids that do not depend on option order, defaults written out, or measurement policy', () => {
    const a = expandMatrix(parse({ sweep: { models: ['m.gguf'], backends: [{ id: 'llama-cpp', threads: 1, mmap: true }] } }), backendRegistry, '/x');
    const b = expandMatrix(parse({ sweep: { models: ['m.gguf'], backends: [{ mmap: true, threads: 1, id: 'llama-cpp' }] }, measure: { minRepetitions: 9 } }), backendRegistry, '/y');
    const c = expandMatrix(parse({ sweep: { models: ['m.gguf'], backends: [{ id: 'llama-cpp', threads: 1 }] } }), backendRegistry, '/x');
    expect(a[0]!.id).toMatch(/^[0-9a-f]{12}$/);
    expect(b[0]!.id).toBe(a[0]!.id);
    expect(c[0]!.id).toBe(a[0]!.id);
    const d = expandMatrix(parse({ sweep: { models: ['m.gguf'], backends: [{ id: 'llama-cpp', threads: 2 }] } }), backendRegistry, '/x');
    expect(d[0]!.id).not.toBe(a[0]!.id);
  });

  it('sweeps KV-cache depths, named as llama-bench does, keeping the ids of entries without depth', () => {
    const config = parse({
      sweep: {
        models: ['m.gguf'],
        backends: [{ id: 'llama-cpp', threads: 1 }],
        workloads: [{ promptTokens: 16, genTokens: 8, depth: [0, 64, 512] }, { prompt: 'hi', genTokens: 4, depth: 32 }],
      },
    });
    const entries = expandMatrix(config, backendRegistry, '/x');
    expect(entries.map((e) => e.workload)).toEqual([
      { name: 'pp16+tg8', promptTokens: 16, genTokens: 8 },
      { name: 'pp16+tg8@d64', promptTokens: 16, genTokens: 8, depth: 64 },
      { name: 'pp16+tg8@d512', promptTokens: 16, genTokens: 8, depth: 512 },
      { name: 'prompt#b49177+tg4@d32', prompt: 'hi', genTokens: 4, depth: 32 },
    ]);
    // The ids these cells had before depths existed (pp16+tg8 and the same cell without a depth).
    expect(entries[0]!.id).toBe('1aac6a16ecc3');
    expect(new Set(entries.map((e) => e.id)).size).toBe(4);
    const plain = expandMatrix(parse({ sweep: { models: ['m.gguf'], backends: [{ id: 'llama-cpp', threads: 1 }], workloads: [{ prompt: 'hi', genTokens: 4 }] } }), backendRegistry, '/x');
    expect(plain[0]!.id).toBe('841bd4462a16');
    expect(() => parse({ sweep: { models: ['m.gguf'], workloads: [{ depth: -1 }] } })).toThrow(/sweep\.workloads\[0\]\.depth/);
  });

  it('sweeps concurrency with its arrival and window in the name, keeping the id of a single request', () => {
    const config = parse({
      sweep: {
        models: ['m.gguf'],
        backends: [{ id: 'llama-cpp', threads: 1 }],
        workloads: [
          { promptTokens: 16, genTokens: 8, concurrency: [1, 4] },
          { promptTokens: 16, genTokens: 8, concurrency: 2, arrival: { rate: 20 }, batchWindowMs: 10 },
          { promptTokens: 16, genTokens: 8, concurrency: 2, arrival: 'burst', batchWindowMs: 5 },
        ],
      },
    });
    const entries = expandMatrix(config, backendRegistry, '/x');
    expect(entries.map((e) => e.workload)).toEqual([
      { name: 'pp16+tg8', promptTokens: 16, genTokens: 8 },
      { name: 'pp16+tg8@c4', promptTokens: 16, genTokens: 8, concurrency: 4 },
      { name: 'pp16+tg8@c2r20w10', promptTokens: 16, genTokens: 8, concurrency: 2, arrival: { rate: 20 }, batchWindowMs: 10 },
      { name: 'pp16+tg8@c2', promptTokens: 16, genTokens: 8, concurrency: 2 },
    ]);
    expect(entries[0]!.id).toBe('1aac6a16ecc3');
    expect(() => parse({ sweep: { models: ['m.gguf'], workloads: [{ depth: [0, 64], concurrency: [1, 2] }] } })).toThrow(
      /sweep\.workloads\[0\]: depth and concurrency above 1 together are not supported/,
    );
    expect(() => parse({ sweep: { models: ['m.gguf'], workloads: [{ concurrency: 0 }] } })).toThrow(/sweep\.workloads\[0\]\.concurrency/);
  });

  it('refuses, before anything runs, a workload beyond its model\'s context, naming the numbers', () => {
    const entry = (workload: Workload, contextLength: number | null) => ({ label: 'x', model: { name: 'stories260K', contextLength } as PreparedModel, workload });
    expect(() => checkContextFits([entry({ name: 'pp64+tg64@d400', promptTokens: 64, genTokens: 64, depth: 400 }, 512)])).toThrow(
      new ConfigError('sweep.workloads: pp64+tg64@d400 needs 528 tokens of context (depth 400 + prompt 64 + generated 64); stories260K was trained for 512'),
    );
    expect(() => checkContextFits([entry({ name: 'pp500+tg64', promptTokens: 500, genTokens: 64 }, 512)])).toThrow(
      'sweep.workloads: pp500+tg64 needs 564 tokens of context (prompt 500 + generated 64); stories260K was trained for 512',
    );
    // Exactly full, an unknown context, and an explicit prompt (counted at run time) pass.
    expect(() => checkContextFits([
      entry({ name: 'pp64+tg64@d384', promptTokens: 64, genTokens: 64, depth: 384 }, 512),
      entry({ name: 'pp64+tg64@d4096', promptTokens: 64, genTokens: 64, depth: 4096 }, null),
      entry({ name: 'prompt#x+tg8@d1000', prompt: 'hi', genTokens: 8, depth: 1000 }, 512),
    ])).not.toThrow();
  });

  it('runs a cell listed twice once', () => {
    const entries = expandMatrix(parse({ sweep: { models: ['m.gguf', 'm.gguf'] } }), backendRegistry, '/x');
    expect(entries).toHaveLength(1);
  });
});
