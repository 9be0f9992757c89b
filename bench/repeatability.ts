/**
 * Do repeated runs of the same entry agree? Runs one entry through `slmbench run` several times, one run
 * after another (each a separate sweep, as a user comparing two runs would), and prints each run's median
 * decode rate with its 95% interval, the spread of the medians, and for every pair of runs whether their
 * intervals overlap. Also prints, per run, the medians of its worker processes and of the first and second
 * half of each process's repetitions (a trend inside a process means warmup was too short).
 *
 *   npm run bench:repeatability [-- --runs 3 --processes 1 --warmup-seconds 1 --target 0.02 --model PATH]
 *
 * A benchmark, not a test: it prints what it measured and asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveModelSpec } from '../harness/model/resolveModelSpec.js';
import type { RunResult } from '../harness/result/RunResult.js';
import { percentileSorted } from '../harness/stats/summarize.js';
import { distPath } from '../harness/util/projectPath.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    processes: { type: 'string', default: '1' },
    'warmup-seconds': { type: 'string', default: '1' },
    target: { type: 'string', default: '0.02' },
    'max-seconds': { type: 'string', default: '20' },
    model: { type: 'string', default: 'forge:stories15M/F32' },
    backend: { type: 'string', default: 'llama-cpp' },
    threads: { type: 'string', default: '1' },
    'prompt-tokens': { type: 'string', default: '64' },
    'gen-tokens': { type: 'string', default: '64' },
  },
});
const model = values.model.includes(':') && !values.model.startsWith('/') ? await resolveModelSpec(values.model, '') : values.model;
const threadOption = values.backend === 'llama-cpp' ? 'threads' : 'intraOpThreads';
const work = mkdtempSync(join(tmpdir(), 'slmbench-repeatability-'));
const cli = distPath('harness', 'cli', 'main.js');
const median = (xs: number[]) => percentileSorted([...xs].sort((a, b) => a - b), 0.5);

console.log(
  `slmbench repeatability: ${values.model} on ${values.backend} (${values.threads} thread), pp${values['prompt-tokens']}+tg${values['gen-tokens']}, ` +
    `${values.runs} runs, processes ${values.processes}, warmup ${values['warmup-seconds']} s, target ${values.target}, max ${values['max-seconds']} s`,
);
const runs: Array<{ median: number; low: number; high: number }> = [];
for (let run = 0; run < Number(values.runs); run++) {
  const config = join(work, `run-${run}.json`);
  writeFileSync(config, JSON.stringify({
    sweep: {
      models: [model],
      backends: [{ id: values.backend, [threadOption]: Number(values.threads) }],
      workloads: [{ promptTokens: Number(values['prompt-tokens']), genTokens: Number(values['gen-tokens']) }],
    },
    measure: {
      processes: Number(values.processes),
      warmupSeconds: Number(values['warmup-seconds']),
      targetCiWidth: Number(values.target),
      maxSeconds: Number(values['max-seconds']),
    },
  }));
  const out = join(work, `run-${run}`);
  execFileSync(process.execPath, [cli, 'run', '--config', config, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  const entry = (JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult).entries[0]!;
  if (entry.status !== 'ok') throw new Error(entry.error?.message);
  const stats = entry.metrics!.decodeTps!;
  const [low, high] = stats.medianCi95!;
  runs.push({ median: stats.median, low, high });
  const samples = entry.samples!.decodeTps;
  const processOf = entry.samples!.process;
  const perProcess = [...new Set(processOf)].map((p) => samples.filter((_, i) => processOf[i] === p).slice(1));
  const halves = perProcess.map((xs) => `${median(xs.slice(0, xs.length >> 1)).toFixed(0)}/${median(xs.slice(xs.length >> 1)).toFixed(0)}`);
  console.log(
    `run ${run + 1}: median ${stats.median.toFixed(1)} [${low.toFixed(1)}, ${high.toFixed(1)}] (width ${(((high - low) / stats.median) * 100).toFixed(1)}%, ` +
      `${entry.measurement!.repetitions} reps, stop ${entry.measurement!.stopReason}); halves per process ${halves.join(' ')}`,
  );
}
const medians = runs.map((r) => r.median);
console.log(`spread of run medians: ${(((Math.max(...medians) - Math.min(...medians)) / median(medians)) * 100).toFixed(1)}%`);
let overlapping = 0;
let pairs = 0;
for (let a = 0; a < runs.length; a++) {
  for (let b = a + 1; b < runs.length; b++) {
    pairs++;
    const overlap = runs[a]!.low <= runs[b]!.high && runs[b]!.low <= runs[a]!.high;
    if (overlap) overlapping++;
    console.log(`runs ${a + 1} and ${b + 1}: ${overlap ? 'overlap' : 'DO NOT overlap'}`);
  }
}
console.log(`${overlapping} of ${pairs} pairs overlap`);
