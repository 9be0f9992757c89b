/**
 * `slmbench tune MODEL --backend ID`: searches the backend's speed settings on this machine by
 * successive halving (`runTune`) and prints every setting tried with its figures per round, the winner and
 * its gain over the defaults with an interval; `--json` prints the result, `--write-config FILE` writes a
 * sweep config that runs the model with the winning settings.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import Table from 'cli-table3';
import { Command, Option } from 'commander';
import { stringify as toYaml } from 'yaml';
import { formatNumber } from '../../reports/formatNumber.js';
import { runTune, TUNE_OBJECTIVES, type TuneObjective, type TuneResult } from '../tune/runTune.js';
import { positiveInt, positiveNumber } from './cliOptions.js';

/** Flags of `slmbench tune`. */
export interface TuneFlags {
  /** Backend id. Required. */
  backend: string;
  /** Seconds of measuring in all. Default: 120. */
  budget?: number;
  /** Metric to optimise. Default: decodeTps. */
  objective?: TuneObjective;
  /** Prompt and generated tokens. Default: 64 and 64. */
  promptTokens?: number;
  genTokens?: number;
  /** Folder of the rounds' sweeps. Default: `slmbench-results/tune-<time>`. */
  out?: string;
  /** Print the result as JSON. Default: false. */
  json?: boolean;
  /** Write a sweep config with the winning settings to this file. Default: none. */
  writeConfig?: string;
}

export function tuneCli(): Command {
  return new Command('tune')
    .description("search a backend's speed settings for a model on this machine (successive halving; greedy ids checked equal)")
    .argument('<model>', 'model file, folder or spec (forge:…, hf:…)')
    .requiredOption('-b, --backend <id>', 'backend to tune')
    .option('--budget <seconds>', 'seconds of measuring in all (default 120)', positiveNumber('--budget'))
    .addOption(new Option('--objective <metric>', 'metric to optimise (default decodeTps)').choices([...TUNE_OBJECTIVES]))
    .option('--prompt-tokens <n>', 'prompt length in tokens (default 64)', positiveInt('--prompt-tokens'))
    .option('--gen-tokens <n>', 'tokens to generate (default 64)', positiveInt('--gen-tokens'))
    .option('-o, --out <dir>', "folder of the rounds' sweeps (default slmbench-results/tune-<time>)")
    .option('--json', 'print the result as JSON')
    .option('--write-config <file>', 'write a sweep config (YAML) running the model with the winning settings')
    .action(async (model: string, flags: TuneFlags) => {
      const result = await tuneCommand(model, flags);
      process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderTune(result)}\n`);
    });
}

export async function tuneCommand(model: string, flags: TuneFlags): Promise<TuneResult> {
  const out = resolve(flags.out ?? join('slmbench-results', `tune-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  const result = await runTune({
    model,
    backend: flags.backend,
    out,
    logicalCores: cpus().length || 1,
    ...(flags.budget !== undefined ? { budgetSeconds: flags.budget } : {}),
    ...(flags.objective ? { objective: flags.objective } : {}),
    ...(flags.promptTokens ? { promptTokens: flags.promptTokens } : {}),
    ...(flags.genTokens ? { genTokens: flags.genTokens } : {}),
    onRound: (round, n, seconds) => process.stderr.write(`slmbench tune: round ${round}: ${n} settings, ${seconds.toFixed(1)} s each\n`),
  });
  if (flags.writeConfig && result.winner) {
    const config = {
      sweep: { models: [model], backends: [{ id: result.backend, ...result.winner.options }], workloads: [result.workload] },
    };
    writeFileSync(flags.writeConfig, `# Written by slmbench tune: the fastest ${result.objective.label} setting of ${result.backend} for this model here.\n${toYaml(config)}`);
  }
  return result;
}

/** The table of settings tried, the winner and its gain. */
export function renderTune(result: TuneResult): string {
  const table = new Table({ head: ['setting', ...Array.from({ length: result.rounds }, (_, i) => `round ${i + 1}`), `all rounds ${result.objective.label} [95% CI]`, 'outcome'], style: { head: [], border: [] } });
  for (const t of result.tried) {
    const cells = Array.from({ length: result.rounds }, (_, i) => {
      const r = t.rounds.find((x) => x.round === i + 1);
      return r ? formatNumber(r.median) : '';
    });
    const all = t.rounds.at(-1)?.pooled;
    table.push([settingText(t.options), ...cells, all ? `${formatNumber(all.median)} [${formatNumber(all.ci[0])}, ${formatNumber(all.ci[1])}] (${all.processes} processes)` : '—', t.outcome]);
  }
  const lines = [table.toString()];
  if (!result.winner) lines.push('no setting could be chosen (every candidate errored or changed the outputs)');
  else {
    lines.push(`winner: ${settingText(result.winner.options)}${result.winner.decided ? ' (its interval clear of every other setting)' : ' (the rounds ran out before its interval was clear of the others: the best measured)'}`);
    if (result.gain) {
      lines.push(`gain over the defaults: ${formatNumber(result.gain.ratio)}× [${formatNumber(result.gain.low)}, ${formatNumber(result.gain.high)}] in ${result.objective.label} (${result.gain.processes[0]} and ${result.gain.processes[1]} processes over the rounds, two-stage bootstrap)`);
    }
  }
  return lines.join('\n');
}

function settingText(options: Record<string, unknown>): string {
  const entries = Object.entries(options);
  return entries.length ? entries.map(([k, v]) => `${k}=${String(v)}`).join(' ') : 'defaults';
}
