/**
 * Messages a user reads when the input is wrong or a sweep is resumed: "did you mean" for unknown config
 * fields, every accepted form of a union, what `--resume` refuses or applies, the console table's `±`,
 * and a backend whose package cannot load.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { backendRegistry } from '../../adapters/registry.js';
import type { BackendDefinition } from '../../adapters/types.js';
import { parseConfig } from '../../harness/config/parseConfig.js';
import { BackendUnavailableError, ConfigError } from '../../harness/errors.js';
import type { PlannedEntry } from '../../harness/matrix/PlannedEntry.js';
import { checkBackendPackages } from '../../harness/runner/checkBackendPackages.js';
import { reconcileResume } from '../../harness/runner/reconcileResume.js';
import { describeSchema } from '../../harness/util/describeZodIssue.js';
import { QUALITY_FOOTNOTE, renderEntriesTable, SPEED_FOOTNOTE } from '../../reports/console/renderEntriesTable.js';
import { fixtureResultA } from '../browser/reportFixture.js';

const model = '/models/a.gguf';
const configError = (data: unknown) => {
  try {
    parseConfig(data, 'c.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('parsed');
};

describe('config messages', () => {
  it('an unknown field gets a "did you mean" from the fields of its object', () => {
    expect(configError({ sweep: { models: [model] }, measure: { repetitions: 3 } })).toBe('c.yaml: measure: unknown field "repetitions" (did you mean "minRepetitions"?)');
    expect(configError({ sweep: { models: [model] }, measure: { warmupRun: 3 } })).toBe('c.yaml: measure: unknown field "warmupRun" (did you mean "warmupRuns"?)');
    expect(configError({ sweep: { models: [model], workloads: [{ genTokns: 4 }] } })).toBe('c.yaml: sweep.workloads[0]: unknown field "genTokns" (did you mean "genTokens"?)');
    expect(configError({ sweep: { models: [model] }, qualty: {} })).toBe('c.yaml: (top level): unknown field "qualty" (did you mean "quality"?)');
    expect(configError({ sweep: { models: [model] }, zzz: 1 })).toBe('c.yaml: (top level): unknown field "zzz"');
  });

  it('a value that fits no form of a union names every accepted form', () => {
    expect(configError({ sweep: { models: [model], backends: [{ id: 'llama-cpp', threads: 'two' }] } })).toBe(
      'c.yaml: sweep.backends[0].threads: expected a positive integer ≤ 1024 or "auto", or a list of them, got "two"',
    );
    expect(configError({ sweep: { models: [5] } })).toBe('c.yaml: sweep.models[0]: expected a non-empty string or an object, got 5');
    // A branch that got further into the value still reports its own problem.
    expect(configError({ sweep: { models: [{ path: '' }] } })).toMatch(/^c\.yaml: sweep\.models\[0\]\.path: /);
  });

  it('describes schemas in words', () => {
    expect(describeSchema(z.union([z.literal('auto'), z.number().int().min(1)]))).toBe('a positive integer or "auto"');
    expect(describeSchema(z.union([z.number().min(0), z.null()]))).toBe('a non-negative number or null');
    expect(describeSchema(z.enum(['a', 'b']))).toBe('one of "a", "b"');
    expect(describeSchema(z.array(z.boolean()))).toBe('a list (each true or false)');
    expect(describeSchema(z.number().positive().max(1))).toBe('a positive number ≤ 1');
  });
});

describe('--resume', () => {
  const stored = parseConfig({ sweep: { models: [model] }, measure: { minRepetitions: 3, maxRepetitions: 3 } });
  it('refuses a change of the measurement, naming the field and both values', () => {
    const given = parseConfig({ sweep: { models: [model] }, measure: { minRepetitions: 5, maxRepetitions: 5 } });
    expect(() => reconcileResume(given, stored, { outDir: '/o', compareSweep: true })).toThrow(
      '--resume: measure.minRepetitions is 5 here but 3 in the sweep in /o; a resumed sweep keeps the settings it started with',
    );
  });
  it('refuses another matrix when it compares the sweep, and another shard', () => {
    const given = parseConfig({ sweep: { models: [model], workloads: [{ genTokens: 8 }] }, measure: { minRepetitions: 3, maxRepetitions: 3 } });
    expect(() => reconcileResume(given, stored, { outDir: '/o', compareSweep: true })).toThrow(/^--resume: sweep\.workloads is /);
    expect(() => reconcileResume(stored, stored, { outDir: '/o', compareSweep: true, shard: { index: 1, count: 2 } })).toThrow('--resume: --shard 1/2 differs from the sweep in /o (the whole plan)');
  });
  it('applies the timeout to the entries still to run, and says so; an unchanged config passes as it is', () => {
    const given = { ...stored, measure: { ...stored.measure, timeoutSeconds: 900 }, out: '/elsewhere' };
    const { config, notes } = reconcileResume(given, stored, { outDir: '/o', compareSweep: true });
    expect(config).toEqual({ ...stored, measure: { ...stored.measure, timeoutSeconds: 900 } });
    expect(notes).toEqual(['--resume: measure.timeoutSeconds is 900 for the entries still to run (was 600)']);
    expect(reconcileResume(stored, stored, { outDir: '/o', compareSweep: true })).toEqual({ config: stored, notes: [] });
  });
});

describe('the console table', () => {
  it('says what its ± means, under the speed table', () => {
    const text = renderEntriesTable(fixtureResultA().entries);
    expect(text).toContain(' ± ');
    expect(text).toContain(SPEED_FOOTNOTE);
    expect(SPEED_FOOTNOTE).toMatch(/^a ± b: mean ± standard deviation of the measured repetitions/);
    expect(QUALITY_FOOTNOTE).toContain('bootstrap standard error');
  });
});

describe('backend packages', () => {
  it('a backend whose package is not installed is refused before anything runs, naming it', () => {
    const base = backendRegistry.find((d) => d.id === 'llama-cpp')!;
    const broken: BackendDefinition = { ...base, id: 'broken', packages: ['slmbench-no-such-package'] };
    const entry = { backend: { id: 'broken', options: {} } } as unknown as PlannedEntry;
    expect(() => checkBackendPackages([entry], [...backendRegistry, broken])).toThrow(BackendUnavailableError);
    expect(() => checkBackendPackages([entry], [...backendRegistry, broken])).toThrow(/^backend broken: its package slmbench-no-such-package is not installed \(.*\); npm ci installs it$/);
    const installed = ['llama-cpp', 'onnxruntime', 'transformers-js'].map((id) => ({ backend: { id, options: {} } }) as unknown as PlannedEntry);
    expect(() => checkBackendPackages(installed, backendRegistry)).not.toThrow();
  });
});
