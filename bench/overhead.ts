/**
 * What slmbench itself costs: decode tokens/s of the same model, threads and token counts measured
 * through `slmbench run` and through a minimal script that drives the backend directly
 * (`bench/direct/*.mjs`, no slmbench code), interleaved round by round so drift hits both alike.
 * Prints the harness ÷ direct ratio of median decode rates with a bootstrap 95% interval, per backend.
 *
 *   npm run bench:overhead [-- --rounds 6 --repetitions 12 --prompt-tokens 128 --gen-tokens 128 --warmup-seconds 1]
 *
 * Both sides warm up alike: one warmup run and at least `--warmup-seconds` (the harness's
 * `measure.warmupSeconds`, default 1), so neither measures the slow first second the other skips.
 *
 * A benchmark, not a test: it prints ratios measured in one run and asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveModelSpec } from '../harness/model/resolveModelSpec.js';
import type { RunResult } from '../harness/result/RunResult.js';
import { bootstrapRatioOfMedians } from '../harness/stats/bootstrapRatioOfMedians.js';
import { summarize } from '../harness/stats/summarize.js';
import { distPath, projectPath } from '../harness/util/projectPath.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    repetitions: { type: 'string', default: '12' },
    'prompt-tokens': { type: 'string', default: '128' },
    'gen-tokens': { type: 'string', default: '128' },
    threads: { type: 'string', default: '1' },
    model: { type: 'string', default: 'forge:stories15M' },
    'warmup-seconds': { type: 'string', default: '1' },
    'memory-sample-ms': { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const reps = Number(values.repetitions);
const promptTokens = Number(values['prompt-tokens']);
const genTokens = Number(values['gen-tokens']);
const threads = Number(values.threads);
const warmupSeconds = Number(values['warmup-seconds']);
const memorySampleMs = values['memory-sample-ms'] === undefined ? undefined : Number(values['memory-sample-ms']);

const gguf = await resolveModelSpec(`${values.model}/F32`, '');
const onnxFolder = await resolveModelSpec(`${values.model}/onnx`, '');
const work = mkdtempSync(join(tmpdir(), 'slmbench-overhead-'));
const cli = distPath('harness', 'cli', 'main.js');

interface Pair {
  backend: 'llama-cpp' | 'onnxruntime' | 'transformers-js';
  model: string;
  options: Record<string, unknown>;
  direct: (prompt: number[]) => string[];
}

const pairs: Pair[] = [
  {
    backend: 'llama-cpp',
    model: gguf,
    options: { threads },
    direct: (prompt) => [projectPath('bench', 'direct', 'llamaCppDirect.mjs'), gguf, String(threads), 'auto', JSON.stringify(prompt), String(genTokens), String(reps), '1', String(warmupSeconds)],
  },
  {
    backend: 'onnxruntime',
    model: onnxFolder,
    options: { intraOpThreads: threads },
    direct: (prompt) => [projectPath('bench', 'direct', 'onnxRuntimeDirect.mjs'), join(onnxFolder, 'onnx', 'model.onnx'), String(threads), JSON.stringify(prompt), String(genTokens), String(reps), '1', String(warmupSeconds)],
  },
  {
    backend: 'transformers-js',
    model: onnxFolder,
    options: { intraOpThreads: threads },
    direct: (prompt) => [projectPath('bench', 'direct', 'transformersJsDirect.mjs'), onnxFolder, String(threads), JSON.stringify(prompt), String(genTokens), String(reps), '1', String(warmupSeconds)],
  },
];

/** Measured samples after the first (the harness reports its first measured repetition as cold). */
const afterFirst = (xs: number[]) => xs.slice(1);

function runHarness(pair: Pair, round: number): { decodeTps: number[]; prompt: number[] } {
  const config = join(work, `${pair.backend}-${round}.json`);
  writeFileSync(config, JSON.stringify({
    sweep: {
      models: [pair.model],
      backends: [{ id: pair.backend, ...pair.options }],
      workloads: [{ promptTokens, genTokens }],
    },
    measure: {
      // One process, like the direct script's one process.
      processes: 1,
      warmupRuns: 1,
      warmupSeconds,
      minRepetitions: reps,
      maxRepetitions: reps,
      minSeconds: 0,
      targetCiWidth: null,
      ...(memorySampleMs === undefined ? {} : { memorySampleMs }),
    },
  }));
  const out = join(work, `${pair.backend}-${round}`);
  execFileSync(process.execPath, [cli, 'run', '--config', config, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  const entry = result.entries[0]!;
  if (entry.status !== 'ok') throw new Error(`${pair.backend}: ${entry.error?.message}`);
  return { decodeTps: afterFirst(entry.samples!.decodeTps), prompt: entry.outputs!.promptTokenIds };
}

function runDirect(pair: Pair, prompt: number[]): number[] {
  const text = execFileSync(process.execPath, pair.direct(prompt), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return afterFirst((JSON.parse(text.trim().split('\n').pop()!) as { decodeTps: number[] }).decodeTps);
}

console.log(
  `slmbench overhead: ${values.model} (F32 GGUF and fp32 ONNX), ${threads} thread(s), pp${promptTokens}+tg${genTokens}, ` +
    `${rounds} interleaved rounds × ${reps} repetitions, warmup 1 run + ${warmupSeconds} s` +
    (memorySampleMs === undefined ? '' : `, memory sampler every ${memorySampleMs} ms`),
);
const rows: string[] = [];
for (const pair of pairs) {
  const harness: number[] = [];
  const direct: number[] = [];
  // A first harness run, not counted, gives the exact prompt ids both sides then use (and warms the files).
  const prompt = runHarness(pair, -1).prompt;
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so neither always runs on a warmer machine.
    if (round % 2 === 0) {
      harness.push(...runHarness(pair, round).decodeTps);
      direct.push(...runDirect(pair, prompt));
    } else {
      direct.push(...runDirect(pair, prompt));
      harness.push(...runHarness(pair, round).decodeTps);
    }
  }
  const ratio = bootstrapRatioOfMedians(harness, direct, { seed: 1 });
  const h = summarize(harness)!;
  const d = summarize(direct)!;
  rows.push(
    `${pair.backend.padEnd(16)} harness ${h.median.toFixed(1).padStart(8)} tok/s (cv ${(h.cv! * 100).toFixed(1)}%, n ${h.n})  ` +
      `direct ${d.median.toFixed(1).padStart(8)} tok/s (cv ${(d.cv! * 100).toFixed(1)}%, n ${d.n})  ` +
      `ratio ${ratio.estimate.toFixed(3)} [${ratio.low.toFixed(3)}, ${ratio.high.toFixed(3)}]`,
  );
  console.log(rows[rows.length - 1]);
}
