import { describe, expect, it } from 'vitest';
import { backendRegistry } from '../../adapters/registry.js';
import type { StageRef } from '../../harness/matrix/expandMatrix.js';
import { parseConfig } from '../../harness/config/parseConfig.js';
import { configJsonSchema } from '../../harness/config/configJsonSchema.js';
import { expandMatrix } from '../../harness/matrix/expandMatrix.js';

const parse = (data: unknown) => parseConfig(data, 'test.yaml', backendRegistry);
const expand = (data: unknown, baseDir = '/base') => expandMatrix(parse(data), backendRegistry, baseDir);

const cascade = {
  id: 'cascade',
  stages: [
    { model: 'small.gguf', backend: { id: 'llama-cpp', threads: 1 } },
    { model: { path: 'big/model', name: 'big' }, backend: 'onnxruntime' },
  ],
  threshold: ['-inf', -1.5, 'inf'],
};

describe('composite backends in the matrix', () => {
  it('needs no sweep.models when every backend is a composite, and is not crossed with models', () => {
    const entries = expand({ sweep: { backends: [cascade], workloads: [{ promptTokens: 8, genTokens: 4 }] } });
    expect(entries).toHaveLength(3);
    expect(entries.map((e) => e.backend.options.threshold)).toEqual(['-inf', -1.5, 'inf']);
    expect(entries[0]!.model).toEqual({ spec: 'cascade:small.gguf@llama-cpp→big/model@onnxruntime', path: 'cascade:small.gguf@llama-cpp→big/model@onnxruntime', name: 'small → big' });
    expect(entries.map((e) => e.label)).toEqual([
      'small → big · cascade threshold=-inf · pp8+tg4',
      'small → big · cascade threshold=-1.5 · pp8+tg4',
      'small → big · cascade threshold=inf · pp8+tg4',
    ]);
    const stages = entries[0]!.backend.options.stages as StageRef[];
    expect(stages.map((s) => s.model)).toEqual([
      { spec: 'small.gguf', path: '/base/small.gguf', name: 'small' },
      { spec: 'big/model', path: '/base/big/model', name: 'big' },
    ]);
    // Each stage's options are parsed by its own backend, defaults filled in.
    expect(stages[0]!.backend).toEqual({
      id: 'llama-cpp',
      options: { threads: 1, contextSize: 'auto', batchSize: 512, gpu: 'auto', gpuLayers: 'auto', flashAttention: 'auto', kvCacheType: 'f16', mmap: true },
    });
    expect(stages[1]!.backend.id).toBe('onnxruntime');
    expect(stages[1]!.backend.options.intraOpThreads).toBe('auto');
  });

  it('keeps single models crossed with single backends beside composites', () => {
    const entries = expand({ sweep: { models: ['a.gguf', 'b.gguf'], backends: [{ id: 'llama-cpp' }, { ...cascade, threshold: -2, name: 'tiny first' }] } });
    expect(entries.map((e) => `${e.model.name}|${e.backend.id}`)).toEqual(['a|llama-cpp', 'b|llama-cpp', 'tiny first|cascade']);
  });

  it('treats a list of stages as one value and a list of stage lists as a sweep', () => {
    const one = expand({ sweep: { backends: [{ ...cascade, threshold: 0 }] } });
    expect(one).toHaveLength(1);
    const two = expand({ sweep: { backends: [{ ...cascade, threshold: 0, stages: [cascade.stages, [...cascade.stages].reverse()] }] } });
    expect(two.map((e) => e.model.name)).toEqual(['small → big', 'big → small']);
    const weights = expand({ sweep: { backends: [{ id: 'ensemble', stages: cascade.stages, weights: [0.25, 0.75] }] } });
    expect(weights).toHaveLength(1);
    expect(weights[0]!.backend.options.weights).toEqual([0.25, 0.75]);
    expect(weights[0]!.model.name).toBe('small + big');
    const weightSweep = expand({ sweep: { backends: [{ id: 'ensemble', stages: cascade.stages, weights: [[1, 1], [1, 3]] }] } });
    expect(weightSweep.map((e) => e.backend.options.weights)).toEqual([[1, 1], [1, 3]]);
  });

  it('gives composite ids that do not depend on where the stage files lie', () => {
    const config = { sweep: { backends: [{ ...cascade, threshold: -1 }] } };
    expect(expand(config, '/here')[0]!.id).toBe(expand(config, '/there')[0]!.id);
    expect(expand({ sweep: { backends: [{ ...cascade, threshold: -2 }] } })[0]!.id).not.toBe(expand(config)[0]!.id);
  });

  it('names the bad stage field in one line', () => {
    const bad = (stages: unknown, extra: Record<string, unknown> = {}) => () => expand({ sweep: { backends: [{ ...cascade, threshold: 0, stages, ...extra }] } });
    expect(bad([cascade.stages[0], { model: 'x', backend: 'llama-cp' }])).toThrow(
      'sweep.backends[0].stages[1].backend.id: unknown backend "llama-cp" (known: llama-cpp, onnxruntime, transformers-js, remote)',
    );
    expect(bad([cascade.stages[0], { model: 'x', backend: 'ensemble' }])).toThrow(
      'sweep.backends[0].stages[1].backend.id: a composite backend (ensemble) cannot be a stage',
    );
    expect(bad([cascade.stages[0], { model: 'x', backend: { id: 'llama-cpp', threads: [1, 2] } }])).toThrow(
      'sweep.backends[0].stages[1].backend.threads: a stage takes one value per option (list several composite backends to sweep stage options)',
    );
    expect(bad([cascade.stages[0], { model: 'x', backend: { id: 'llama-cpp', threads: 0 } }])).toThrow(/^sweep\.backends\[0\]\.stages\[1\]\.backend\.threads: /);
    expect(bad([cascade.stages[0]])).toThrow(/sweep\.backends\[0\]\.stages: a composite backend needs at least two stages/);
    expect(() => expand({ sweep: { backends: [{ id: 'llama-cpp' }, { ...cascade, threshold: 0 }] } })).toThrow(
      'test.yaml: sweep.models: backend llama-cpp needs at least one model',
    );
    expect(() => expand({ sweep: { models: [] } })).toThrow('test.yaml: sweep.models: backend llama-cpp needs at least one model');
  });

  it('emits a JSON Schema that documents the composite options', () => {
    const text = JSON.stringify(configJsonSchema(backendRegistry));
    expect(text).toContain('"cascade"');
    expect(text).toContain('"ensemble"');
    for (const option of ['"stages"', '"threshold"', '"signalTokens"', '"combine"', '"weights"']) expect(text).toContain(option);
  });
});
