/**
 * `slmbench run`: the command's options, and printing. The run itself is the library's: the flags make the
 * config (`applyRunFlags`), `runPlan` plans, runs and writes the sweep, and this command shows the plan,
 * the progress and the table. Ctrl-C (SIGINT) or SIGTERM stops the sweep, and so does the end of the npx
 * process that started it (`stopOnSignals`): the running entry is killed and not recorded, and
 * `--resume` continues. Exit 4 when no entry was measured.
 */
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { ConfigError, EXIT_NOTHING_MEASURED } from '../errors.js';
import { stopOnSignals } from './stopOnSignals.js';
import type { RunConfigFlags } from '../config/applyRunFlags.js';
import { collect, nonNegativeNumber, positiveInt, positiveNumber, wholeNumberList } from './cliOptions.js';

/** Flags of `slmbench run`. */
export interface RunFlags extends RunConfigFlags {
  /** Output folder. Default: the config's `out`, else `slmbench-results/<time>`. */
  out?: string;
  /** Continue the sweep in `--out`. Default: false. */
  resume?: boolean;
  /** With `--resume` (implied): run the sweep's errored entries again, keeping their earlier errors. Default: false. */
  retryErrored?: boolean;
  /** Print result.json to stdout instead of the table. Default: false. */
  json?: boolean;
  /** Run shard K of N (`K/N`) of the plan. Default: the whole plan. */
  shard?: string;
}

/** The `run` command: its options, and the action that calls {@link runCommand}. */
export function runCli(): Command {
  return new Command('run')
    .description('run a benchmark sweep: every model × backend setting × workload in its own worker process')
    .option('-c, --config <file>', 'config file (YAML or JSON)')
    .option('-m, --model <path>', "model file or folder (repeatable; replaces the config's models)", collect)
    .option('-b, --backend <id>', "backend id (repeatable; replaces the config's backends)", collect)
    .option('--prompt-tokens <n>', 'prompt length in tokens, BOS included (default 128)', positiveInt('--prompt-tokens'))
    .option('--gen-tokens <n>', 'tokens to generate; end-of-sequence does not stop (default 128)', positiveInt('--gen-tokens'))
    .option('--prompt <text>', 'explicit prompt text instead of --prompt-tokens ("" = BOS alone)')
    .option('--concurrency <n,...>', 'requests in flight together on one model, batched where the backend can (a list sweeps it; default 1)', wholeNumberList('--concurrency'))
    .option('--depth <n,...>', 'tokens of text already in the KV cache before the prompt, untimed (a list sweeps it; default 0)', wholeNumberList('--depth'))
    .option('-r, --repetitions <n>', 'exactly this many measured repetitions per worker process (see --processes)', positiveInt('--repetitions'))
    .option('--processes <n>', 'worker processes per entry, one after another (default 3; intervals cover the spread between them)', positiveInt('--processes'))
    .option('--warmup-seconds <s>', 'warm up for at least this many seconds per worker (default 1; 0 = only the warmup runs)', nonNegativeNumber('--warmup-seconds'))
    .option('-o, --out <dir>', 'output folder (default slmbench-results/<time>)')
    .option('--shard <K/N>', 'run shard K of N of the matrix (deterministic, balanced; merge the N results with slmbench merge)')
    .option('--resume', 'continue the sweep in --out without repeating finished entries (flags that change the sweep are refused; --timeout applies to the entries still to run)')
    .option('--retry-errored', 'with --resume (implied): run the errored entries of the sweep in --out again, keeping their earlier errors in the record')
    .option('--timeout <seconds>', 'per-entry time limit, load included (default 600)', positiveNumber('--timeout'))
    .option('--json', 'print result.json to stdout instead of the table')
    .option('-s, --suite <name>', 'accuracy suite to run on every entry (repeatable; `slmbench suites` lists them)', collect)
    .option('-t, --task <id>', 'accuracy task id or file (repeatable)', collect)
    .option('--perplexity <file>', 'plain-text file to score for perplexity (repeatable)', collect)
    .option('--separator <text>', 'document separator of --perplexity texts (default a blank line; \\n is a newline)')
    .option('--limit <n>', 'rows per accuracy task (the first N)', positiveInt('--limit'))
    .option('--log-samples', "write every row's prediction and scores to DIR/samples/<entry id>.jsonl")
    .option('--slo <name>', 'latency budget every entry is judged against: voice, chat, mlperf-interactive, reading (metrics.slo)')
    .option('--require-slo', 'leave entries that miss the --slo budget off the Pareto front')
    .option('--fidelity [textfile]', 'KL divergence, top-1 and greedy agreement of every entry against a reference (default text: the held-out stories)')
    .action(async (flags: RunFlags) => {
      if (typeof flags.separator === 'string') flags.separator = flags.separator.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
      process.exitCode = await runCommand(flags);
    });
}

/** Runs the sweep the flags describe and prints it; returns the exit code. */
export async function runCommand(flags: RunFlags): Promise<number> {
  const [{ applyRunFlags }, { runPlan, resumeSweep, ENTRIES_FILE }, { readSweepManifest }, { parseShardSpec }, { renderEntriesTable }, { describeUnpaired }, { consoleRunEvents }] =
    await Promise.all([
      import('../config/applyRunFlags.js'),
      import('../runner/runPlan.js'),
      import('../runner/SweepManifest.js'),
      import('../matrix/selectShard.js'),
      import('../../reports/console/renderEntriesTable.js'),
      import('../../reports/console/describeUnpaired.js'),
      import('./consoleRunEvents.js'),
    ]);
  const { events, stop } = consoleRunEvents();
  const stopper = stopOnSignals();
  let outcome;
  try {
    const common = { signal: stopper.signal, events, ...(flags.retryErrored ? { retryErrored: true } : {}) };
    const resume = flags.resume || flags.retryErrored;
    if (resume && !flags.out) throw new ConfigError(`${flags.retryErrored ? '--retry-errored' : '--resume'} needs --out DIR naming the sweep to continue`);
    const shard = flags.shard ? { shard: parseShardSpec(flags.shard) } : {};
    if (resume && flags.out && !flags.config && !flags.model?.length && !flags.backend?.length) {
      // `--resume --out DIR` continues the sweep in DIR as it was planned; other flags are applied to its
      // config and compared (a change of the sweep is refused, naming the field).
      const stored = readSweepManifest(resolve(flags.out)).config;
      const { config } = applyRunFlags(flags, undefined, stored);
      outcome = await resumeSweep(flags.out, { ...common, ...shard, config });
    } else {
      const { config, source, baseDir } = applyRunFlags(flags);
      outcome = await runPlan(config, {
        ...common,
        ...shard,
        baseDir,
        configSource: source,
        ...(flags.out ? { out: flags.out } : {}),
        ...(resume ? { resume: true } : {}),
      });
    }
  } finally {
    // Before any message: an interrupted sweep's SweepInterruptedError (exit 130) is printed by main.
    stop();
    stopper.dispose();
  }
  const { result, resultPath, reportPath, outDir } = outcome;
  const measured = result.entries.filter((r) => r.status === 'ok');
  const nothing = measured.length === 0;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const out = process.stdout;
    out.write(`${renderEntriesTable(result.entries)}\n`);
    if (result.unpaired?.length) out.write(`\n${describeUnpaired(result.unpaired)}\n`);
    const target = result.config.resolved as { measure?: { targetCiWidth?: number | null } };
    const targetCiWidth = target.measure?.targetCiWidth ?? null;
    const missed = measured.filter((r) => r.measurement?.targetMet === false);
    if (missed.length && targetCiWidth !== null) {
      const widest = Math.max(...missed.map((r) => r.measurement?.ciRelativeWidth ?? 0));
      out.write(
        `\n${missed.length} of ${measured.length} measured ${measured.length === 1 ? 'entry' : 'entries'} did not reach the ${(targetCiWidth * 100).toFixed(1)}% interval target ` +
          `(widest ${(widest * 100).toFixed(1)}%): their processes disagree more than that, or maxSeconds ran out; ` +
          'more processes (--processes) narrow the interval honestly\n',
      );
    }
    out.write(`\nresult: ${resultPath}\nreport: ${reportPath ?? '(not written)'}\nentries: ${join(outDir, ENTRIES_FILE)}\n`);
  }
  if (nothing) {
    const first = result.entries.find((r) => r.error)?.error;
    process.stderr.write(
      `slmbench: nothing was measured: ${result.entries.length === 0 ? 'the plan has no entries' : `all ${result.entries.length} ${result.entries.length === 1 ? 'entry' : 'entries'} errored`}` +
        `${first ? ` (first: ${first.code}: ${first.message.split('\n')[0]})` : ''}\n`,
    );
    return EXIT_NOTHING_MEASURED;
  }
  return 0;
}
