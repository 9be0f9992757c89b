/**
 * Launchers and the scenario, end to end:
 * - `measureEntry` runs one entry's scenario in the test's own process (no fork) on the real llama.cpp
 *   backend, and measures the same greedy tokens as the forked worker of `runPlan` does for that entry;
 * - a backend brought by a program (not in the built-in registry) with a format of its own (detector and
 *   inspector) and a launcher of its own (the in-process one, counted): planning detects and inspects its
 *   file, pairs it with that backend only (the other pairs named in `unpaired`), and its launcher runs it. Its model lives in a server process it
 *   starts, as a llama-server backend's would: the memory, CPU time and energy recorded are that
 *   server's, and the launcher's sampler adds it to the caller's resident memory.
 * - the process launcher samples a process the worker reports (a forked fixture worker that starts one).
 * The server and the fixture worker are small Node scripts this test writes; nothing is mocked inside
 * the harness.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { BackendDefinition, LoadedModel, ModelFormatDefinition, TokenEvent } from '../../adapters/types.js';
import { backendRegistry } from '../../adapters/registry.js';
import { parseConfig } from '../../harness/config/parseConfig.js';
import { planSweep } from '../../harness/runner/planSweep.js';
import { resumeSweep, runPlan } from '../../harness/runner/runPlan.js';
import { ConfigError, SweepInterruptedError } from '../../harness/errors.js';
import { measureEntry } from '../../harness/runner/measureEntry.js';
import { inProcessLauncher } from '../../harness/runner/launchers/inProcessLauncher.js';
import { processLauncher } from '../../harness/runner/launchers/processLauncher.js';
import type { ScenarioSettings } from '../../harness/runner/messages.js';
import { describeUnpaired } from '../../reports/console/describeUnpaired.js';
import { tempDir } from '../helpers/tempDir.js';

const MiB = 1024 * 1024;
const dir = tempDir('launchers');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quick = { processes: 1, warmupRuns: 1, warmupSeconds: 0, minRepetitions: 3, minSeconds: 0, maxRepetitions: 3 };

function settingsOf(config: ReturnType<typeof parseConfig>): ScenarioSettings {
  return { measure: config.measure, energy: config.energy, cpu: null, quality: null, samplesFile: null };
}

/** Whether a process is gone (or a zombie nobody reaped: it holds nothing). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return true;
  }
}

describe('measureEntry in this process', () => {
  it('measures one entry without a fork, the same greedy tokens as the forked worker', async () => {
    const config = parseConfig({
      sweep: { models: ['forge:tiny/F32'], backends: [{ id: 'llama-cpp', threads: 1 }], workloads: [{ promptTokens: 8, genTokens: 8 }] },
      measure: quick,
    });
    const plan = await planSweep(config);
    const entry = plan.entries[0]!;
    const phases: string[] = [];
    const helpers: number[][] = [];
    const measurement = await measureEntry(entry, settingsOf(config), { phase: (m) => void phases.push(m.phase), processes: (pids) => void helpers.push(pids) });
    expect(measurement.repetitions).toHaveLength(3);
    expect(measurement.promptTokenIds).toHaveLength(8);
    expect(measurement.outputsConsistent).toBe(true);
    expect(new Set(measurement.repetitions.map((r) => r.tokenIds.join(','))).size).toBe(1);
    expect([...new Set(phases)]).toEqual(['loading', 'warmup', 'measuring']);
    expect(helpers).toEqual([]); // llama.cpp holds the model in this process
    expect(measurement.runtime.weightsFile).toBe(entry.model.path);
    expect(measurement.runtime.kvBytesPerElement).toBe(2); // llama.cpp's default f16 KV cache

    const { result } = await runPlan(config, { out: join(dir, 'forked'), report: false });
    const record = result.entries[0]!;
    expect(record.status).toBe('ok');
    if (record.status !== 'ok') return;
    expect(record.outputs.tokenIds).toEqual(measurement.repetitions[0]!.tokenIds);
    expect(record.outputs.promptTokenIds).toEqual(measurement.promptTokenIds);
    expect([record.measurement.launcher, record.measurement.clock]).toEqual(['process', 'performance.now() in the worker']);
  }, 120_000);
});

// A model server the toy backend starts: holds SERVER_MIB of touched memory, and answers each request
// line ("<first token> <count>") with one token per line after 2 ms of busy CPU each.
const SERVER_MIB = 384;
const serverScript = join(dir, 'toy-server.mjs');
writeFileSync(
  serverScript,
  `const held = Buffer.alloc(${SERVER_MIB} * 1024 * 1024, 1);
import { createInterface } from 'node:readline';
process.stdout.write('ready ' + held.length + '\\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  const [first, count] = line.split(' ').map(Number);
  for (let i = 0; i < count; i++) {
    const until = performance.now() + 2;
    while (performance.now() < until);
    process.stdout.write(String((first + i) % 32) + '\\n');
  }
});
`,
);

// The toy format: a file starting "TOYM" then JSON facts.
const TOY_MAGIC = 'TOYM';
const toyFormat: ModelFormatDefinition = {
  id: 'toy',
  expects: 'a .toy file (magic "TOYM")',
  detect: (probe) => probe.kind === 'file' && probe.magic.subarray(0, 4).toString('latin1') === TOY_MAGIC,
  async inspectFile(path) {
    const bytes = readFileSync(path);
    const facts = JSON.parse(bytes.subarray(4).toString('utf8')) as { name: string; params: number; vocab: number; context: number };
    return {
      path,
      format: 'toy',
      name: facts.name,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sizeBytes: bytes.length,
      params: facts.params,
      paramsStored: facts.params,
      quant: 'toy8',
      arch: 'toy',
      contextLength: facts.context,
      vocabSize: facts.vocab,
    };
  },
};

/** The server pids each load started, to check they are gone afterwards. */
const servers: number[] = [];
/** Runs of the toy backend's own launcher. */
let toyLaunches = 0;

const toyBackend: BackendDefinition = {
  id: 'toy',
  description: 'a test backend whose model lives in a server process it starts',
  formats: [toyFormat],
  packages: [],
  optionsSchema: z.object({}).strict(),
  // A launcher the backend brings: the in-process one, counted.
  launcher: {
    id: 'toy-in-process',
    create(registry) {
      const inner = inProcessLauncher(registry);
      return {
        id: 'toy-in-process',
        description: 'the test process, beside the toy server',
        clock: 'performance.now() in the test process',
        launch: (request, hooks, signal) => {
          toyLaunches++;
          return inner.launch(request, hooks, signal);
        },
      };
    },
  },
  async create() {
    return {
      capabilities: {},
      versions: async () => ({ toy: '1.0.0' }),
      async load(source) {
        const facts = JSON.parse(readFileSync(source.path).subarray(4).toString('utf8')) as { vocab: number; context: number };
        const server: ChildProcess = spawn(process.execPath, [serverScript], { stdio: ['pipe', 'pipe', 'inherit'] });
        servers.push(server.pid!);
        const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
        const ready = await lines.next();
        if (ready.done || !String(ready.value).startsWith('ready')) throw new Error('toy server did not start');
        const model: LoadedModel = {
          info: {
            vocabSize: facts.vocab,
            contextLength: facts.context,
            bosTokenId: 1,
            eosTokenIds: [2],
            resolvedOptions: { serverPid: server.pid },
            tokenHandover: 'stream',
            device: 'cpu',
            weightsFile: source.path,
            kvBytesPerElement: null,
            // The model is the server's: only its memory and CPU time are the model's.
            processIds: [server.pid!],
          },
          tokenize: async (text) => [1, ...Array.from(text, (c) => c.charCodeAt(0) % 32)],
          detokenize: async (ids) => ids.map((i) => String.fromCharCode(97 + (i % 26))).join(''),
          async *generate(request): AsyncIterable<TokenEvent> {
            server.stdin!.write(`${request.promptTokenIds.length} ${request.maxNewTokens}\n`);
            for (let i = 0; i < request.maxNewTokens; i++) {
              const line = await lines.next();
              if (line.done) throw new Error('toy server ended');
              yield { tokenIds: [Number(line.value)], time: performance.now() };
            }
          },
          async dispose() {
            server.kill('SIGKILL');
            await new Promise((resolve) => (server.exitCode !== null || server.signalCode !== null ? resolve(null) : server.once('exit', resolve)));
          },
        };
        return model;
      },
    };
  },
};

describe('a backend that brings its own format, run by the in-process launcher', () => {
  const toyFile = join(dir, 'little.toy');
  writeFileSync(toyFile, TOY_MAGIC + JSON.stringify({ name: 'little-toy', params: 4096, vocab: 32, context: 64 }));
  const registry = [...backendRegistry, toyBackend];

  it('is detected, inspected and paired by its own format definition', async () => {
    const config = parseConfig(
      {
        sweep: { models: [toyFile, 'forge:tiny/F32'], backends: [{ id: 'toy' }, { id: 'llama-cpp', threads: 1 }], workloads: [{ promptTokens: 8, genTokens: 4 }] },
        measure: quick,
      },
      'test',
      registry,
    );
    const plan = await planSweep(config, { registry });
    expect(plan.entries.map((e) => [e.model.name, e.model.format, e.backend.id])).toEqual([
      ['little', 'toy', 'toy'],
      ['tiny/F32', 'gguf', 'llama-cpp'],
    ]);
    const toy = plan.entries[0]!.model;
    expect([toy.params, toy.quant, toy.arch, toy.contextLength, toy.vocabSize, toy.sizeBytes]).toEqual([4096, 'toy8', 'toy', 64, 32, readFileSync(toyFile).length]);
    expect(toy.sha256).toBe(createHash('sha256').update(readFileSync(toyFile)).digest('hex'));
    expect(describeUnpaired(plan.unpaired)).toBe(
      "2 model × backend pairs not run (the backend does not read the model's format): llama-cpp × little (toy); toy × tiny/F32 (gguf)",
    );
  }, 60_000);

  it("records the server process's memory, CPU time and energy, and stops the server", async () => {
    const config = parseConfig(
      { sweep: { models: [toyFile], backends: [{ id: 'toy' }], workloads: [{ promptTokens: 8, genTokens: 16 }] }, measure: quick },
      'test',
      registry,
    );
    const launchesBefore = toyLaunches;
    const { result } = await runPlan(config, { out: join(dir, 'toy-run'), registry, report: false });
    expect(toyLaunches - launchesBefore).toBe(1);
    const record = result.entries[0]!;
    expect(record.status, JSON.stringify(record.status === 'ok' ? null : record.error)).toBe('ok');
    if (record.status !== 'ok') return;
    const serverPid = record.backend.resolvedOptions?.serverPid as number;
    expect(servers).toContain(serverPid);
    expect(gone(serverPid)).toBe(true);
    expect(record.model.format).toBe('toy');
    expect([record.measurement.launcher, record.measurement.clock]).toEqual(['toy-in-process', 'performance.now() in the test process']);
    expect(record.outputs.tokenIds).toEqual(Array.from({ length: 16 }, (_, i) => (8 + i) % 32)); // the server counts up from the prompt's length (8 tokens)
    // Peak memory is the server's VmHWM (it holds SERVER_MIB), not the caller's.
    expect(record.metrics.peakRssBytes).toBeGreaterThanOrEqual(SERVER_MIB * MiB);
    expect(record.metrics.peakRssBytes).toBeLessThan((SERVER_MIB + 256) * MiB);
    // The launcher's sampler adds the server to the caller.
    expect(record.metrics.peakRssSampledBytes).toBeGreaterThan(record.metrics.peakRssBytes);
    // The energy estimate counts the server's CPU time (2 ms busy per token, 16 tokens, 3 repetitions).
    const estimate = record.metrics.energy?.figures.find((f) => f.provider === 'estimate');
    expect(estimate?.scope).toBe(`CPU time and resident memory of process ${serverPid}`);
    expect(estimate?.inputs?.cpuSeconds).toBeGreaterThan(0);
  }, 60_000);
});

describe('an interrupted sweep, resumed', () => {
  const toyFile = join(dir, 'resume.toy');
  writeFileSync(toyFile, TOY_MAGIC + JSON.stringify({ name: 'resume-toy', params: 64, vocab: 32, context: 64 }));
  const registry = [...backendRegistry, toyBackend];
  const sweep = (genTokens: number[]) =>
    parseConfig({ sweep: { models: [toyFile], backends: [{ id: 'toy' }], workloads: genTokens.map((g) => ({ promptTokens: 4, genTokens: g })) }, measure: quick }, 'test', registry);

  it('runs every entry exactly once, keeps the finished ones, and refuses another matrix', async () => {
    const out = join(dir, 'resume-run');
    const controller = new AbortController();
    const first = await runPlan(sweep([2, 3, 4]), {
      out,
      registry,
      report: false,
      signal: controller.signal,
      events: { onEntryEnd: () => controller.abort('the test') },
    }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(SweepInterruptedError);
    expect((first as SweepInterruptedError).message).toBe(`interrupted by the test; finished entries are in ${join(out, 'entries.jsonl')}; continue with --resume --out ${out}`);
    const finished = readFileSync(join(out, 'entries.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; startedAt: string });
    expect(finished).toHaveLength(1);

    const other = await runPlan(sweep([2, 3]), { out, resume: true, registry, report: false }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(ConfigError);
    expect((other as ConfigError).message).toBe(
      `--resume: the config given makes another matrix than the sweep in ${out} (other models, backends, options or workloads); use another --out`,
    );

    const { result } = await resumeSweep(out, { registry, report: false });
    expect(result.entries.map((e) => [e.workload.genTokens, e.status])).toEqual([[2, 'ok'], [3, 'ok'], [4, 'ok']]);
    expect(result.entries[0]!.startedAt).toBe(finished[0]!.startedAt);
    expect(new Set(result.entries.map((e) => e.id)).size).toBe(3);
  }, 60_000);
});

describe('the process launcher', () => {
  it('samples the memory of a process its worker reports, and kills it when the worker ends', async () => {
    // A fixture worker: starts a helper holding 256 MiB, reports it, waits, reports a failure (no model).
    const helperMiB = 256;
    const worker = join(dir, 'fixture-worker.mjs');
    writeFileSync(
      worker,
      `import { spawn } from 'node:child_process';
process.once('message', () => {
  const helper = spawn(process.execPath, ['-e', "const b = Buffer.alloc(${helperMiB} * 1024 * 1024, 1); process.stdout.write('ready'); setInterval(() => b[0]++, 1000)"], { stdio: ['ignore', 'pipe', 'inherit'] });
  helper.stdout.once('data', () => {
    process.send({ type: 'processes', pids: [helper.pid] });
    setTimeout(() => process.send({ type: 'failed', error: { code: 'FIXTURE', message: 'helper ' + helper.pid } }, () => process.exit(0)), 300);
  });
});
`,
    );
    const reported: number[][] = [];
    const config = parseConfig({ sweep: { models: ['forge:tiny/F32'], backends: [{ id: 'llama-cpp' }] } });
    const entry = (await planSweep(config)).entries[0]!;
    const outcome = await processLauncher(worker).launch(
      { entry, settings: settingsOf(config), timeoutSeconds: 60, sampleIntervalMs: 10 },
      { onProcesses: (pids) => void reported.push([...pids]) },
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('FIXTURE');
    const helper = Number(outcome.error.message.split(' ')[1]);
    expect(reported).toHaveLength(2);
    expect(reported[1]).toEqual([reported[0]![0], helper]);
    expect(outcome.peakRssSampledBytes).toBeGreaterThanOrEqual(helperMiB * MiB);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gone(helper)).toBe(true);
  }, 60_000);
});
