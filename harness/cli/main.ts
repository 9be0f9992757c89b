#!/usr/bin/env node
/**
 * The `slmbench` command line. Every command has `--help`; unknown flags are rejected with a suggestion.
 * Exit codes: 0 ok (also when some entries errored: they are reported), 1 runtime failure of the harness,
 * 2 usage or config error, 3 failed gate.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT_RUNTIME, EXIT_USAGE, SlmbenchError } from '../errors.js';
import { harnessInfo } from '../util/harnessInfo.js';

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, got "${value}"`);
    return n;
  };
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive number, got "${value}"`);
    return n;
  };
}

function nonNegativeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a number ≥ 0, got "${value}"`);
    return n;
  };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function buildProgram(): Command {
  const program = new Command('slmbench')
    .description('Benchmark small language models on this device: llama.cpp, ONNX Runtime and transformers.js')
    .version(harnessInfo().version)
    .option('--verbose', 'print stack traces with errors')
    .showSuggestionAfterError(true)
    .showHelpAfterError(false)
    // Options after a subcommand belong to it (`forge -o` and `forge merge -o` are different options).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      // Usage errors as one line.
      outputError: (text, write) => write(`${text.replace(/\s*\n\s*/g, ' ').trim()}\n`),
    });

  program
    .command('run')
    .description('run a benchmark sweep: every model × backend setting × workload in its own worker process')
    .option('-c, --config <file>', 'config file (YAML or JSON)')
    .option('-m, --model <path>', 'model file or folder (repeatable; replaces the config\'s models)', collect)
    .option('-b, --backend <id>', 'backend id (repeatable; replaces the config\'s backends)', collect)
    .option('--prompt-tokens <n>', 'prompt length in tokens, BOS included (default 128)', positiveInt('--prompt-tokens'))
    .option('--gen-tokens <n>', 'tokens to generate; end-of-sequence does not stop (default 128)', positiveInt('--gen-tokens'))
    .option('--prompt <text>', 'explicit prompt text instead of --prompt-tokens ("" = BOS alone)')
    .option('-r, --repetitions <n>', 'exactly this many measured repetitions per entry', positiveInt('--repetitions'))
    .option('--processes <n>', 'worker processes per entry, one after another (default 3; intervals cover the spread between them)', positiveInt('--processes'))
    .option('--warmup-seconds <s>', 'warm up for at least this many seconds per worker (default 1; 0 = only the warmup runs)', nonNegativeNumber('--warmup-seconds'))
    .option('-o, --out <dir>', 'output folder (default slmbench-results/<time>)')
    .option('--shard <K/N>', 'run shard K of N of the matrix (deterministic, balanced; merge the N results with slmbench merge)')
    .option('--resume', 'continue the sweep in --out without repeating finished entries')
    .option('--timeout <seconds>', 'per-entry time limit, load included (default 600)', positiveNumber('--timeout'))
    .option('--json', 'print result.json to stdout instead of the table')
    .option('-s, --suite <name>', 'accuracy suite to run on every entry (repeatable; `slmbench suites` lists them)', collect)
    .option('-t, --task <id>', 'accuracy task id or file (repeatable)', collect)
    .option('--perplexity <file>', 'plain-text file to score for perplexity (repeatable)', collect)
    .option('--separator <text>', 'document separator of --perplexity texts (default a blank line; \\n is a newline)')
    .option('--limit <n>', 'rows per accuracy task (the first N)', positiveInt('--limit'))
    .option('--log-samples', 'write every row\'s prediction and scores to DIR/samples/<entry id>.jsonl')
    .action(async (flags) => {
      const { runCommand } = await import('./runCommand.js');
      if (typeof flags.separator === 'string') flags.separator = flags.separator.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
      process.exitCode = await runCommand(flags);
    });

  program
    .command('inspect')
    .description('describe a model: format, architecture, parameters, quantization, size, sha256, context, vocabulary')
    .argument('<path>', 'GGUF file, ONNX file or transformers.js model folder')
    .option('--json', 'print JSON')
    .action(async (path: string, flags: { json?: boolean }) => {
      const { inspectCommand } = await import('./inspectCommand.js');
      process.exitCode = await inspectCommand(path, flags);
    });

  program
    .command('device')
    .description('print this device\'s fingerprint (CPU, memory, OS, runtime, GPUs, backend versions, memory bandwidth)')
    .option('--json', 'print JSON')
    .option('--probe', 'measure the memory bandwidth now and store it (used for the decode roofline of every run)')
    .action(async (flags: { json?: boolean; probe?: boolean }) => {
      const { deviceCommand } = await import('./deviceCommand.js');
      process.exitCode = await deviceCommand(flags);
    });

  program
    .command('report')
    .description('render results as a self-contained HTML report (Pareto front, charts, tables), Markdown, CSV or JSON')
    .argument('<results...>', 'result.json files or run folders (several: merged, grouped by device)')
    .option('-o, --out <file>', 'output file (default: report.html beside the first result for HTML; stdout for md, csv, json)')
    .addOption(new Option('--format <format>', 'output format (default: from --out\'s extension, else html)').choices(['html', 'md', 'csv', 'json']))
    .option('--objective <path[:max|min]>', 'ranking objective, e.g. metrics.decodeTps:max (repeatable; default accuracy, decode tok/s, TTFT, peak memory, energy)', collect)
    .option('--image-base <url>', 'Markdown: URL prefix of the chart SVGs (default: relative paths)')
    .action(async (results: string[], flags: { out?: string; format?: 'html' | 'md' | 'csv' | 'json'; objective?: string[]; imageBase?: string }) => {
      const { reportCommand } = await import('./reportCommand.js');
      process.exitCode = await reportCommand(results, { ...flags, ...(flags.objective ? { objectives: flags.objective } : {}) });
    });

  program
    .command('suites')
    .description('list the built-in accuracy suites and tasks')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const { suitesCommand } = await import('./suitesCommand.js');
      process.exitCode = await suitesCommand(flags);
    });

  program
    .command('validate')
    .description('check every built-in suite, task and dataset file (and the files given)')
    .argument('[files...]', 'more task or suite files to check besides the built-in ones')
    .option('--shared-datasets <dir>', 'folder of the shared public benchmarks (default $SLMBENCH_SHARED/datasets)')
    .option('--json', 'print JSON')
    .action(async (files: string[], flags: { sharedDatasets?: string; json?: boolean }) => {
      const { validateCommand } = await import('./validateCommand.js');
      process.exitCode = await validateCommand({ ...flags, ...(files.length ? { files } : {}) });
    });

  const forge = program
    .command('forge')
    .description('make a benchmark model with seeded random weights: GGUF (F32, F16, Q8_0, Q4_0) + transformers.js ONNX (fp32, q8, q4), same weights')
    .option('-p, --preset <name>', 'shape: tiny, bigram, stories15M, smollm2-135M (default tiny; bigram with --fit)')
    .option('-o, --out <dir>', 'output folder (default forged/<preset>-seed<seed>[-fit])')
    .option('--seed <n>', 'seed of the weights (default 0)')
    .option('--formats <list>', 'comma-separated: F32,F16,Q8_0,Q4_0,transformers-js,onnx-q8,onnx-q4 (default all)')
    .option('--fit <file>', 'make the model an exact bigram model of this UTF-8 text (needs hidden size >= vocabulary, untied: preset bigram)')
    .option('--fit-smoothing <k>', 'add-k smoothing of --fit (default 0.01)')
    .option('--vocab-size <n>', 'vocabulary size (default: the preset\'s)')
    .option('--hidden-size <n>', 'embedding width (default: the preset\'s)')
    .option('--intermediate-size <n>', 'SwiGLU width (default: the preset\'s)')
    .option('--num-layers <n>', 'decoder blocks (default: the preset\'s)')
    .option('--num-heads <n>', 'query heads (default: the preset\'s)')
    .option('--num-kv-heads <n>', 'key/value heads (default: the preset\'s)')
    .option('--context-length <n>', 'context length (default: the preset\'s)')
    .option('--tied-embeddings <bool>', 'share embedding and output matrices (default: the preset\'s)')
    .option('--rope-theta <x>', 'RoPE base (default: the preset\'s)')
    .option('--rms-norm-eps <x>', 'RMSNorm epsilon (default: the preset\'s)')
    .option('--force', 'replace forge files already in the output folder')
    .option('--json', 'print forge.json instead of the summary')
    .action(async (flags) => {
      const { forgeCommand } = await import('./forgeCommand.js');
      process.exitCode = await forgeCommand(flags);
    });

  forge.enablePositionalOptions();
  forge
    .command('merge')
    .description('merge same-architecture GGUFs: a weighted average (model soup) or task arithmetic; optionally also as ONNX')
    .argument('<models...>', 'GGUF files, each optionally MODEL:WEIGHT (default weight 1)')
    .requiredOption('-o, --out <file>', 'the GGUF to write')
    .option('--method <method>', 'linear (default) or task-arithmetic')
    .option('--base <file>', 'base model of task-arithmetic')
    .option('--type <type>', 'F32 (default), F16, Q8_0 or Q4_0 for the matrices; norms stay F32')
    .option('--no-normalize', 'linear: do not divide by the sum of the weights')
    .option('--onnx <dir>', 'also write the merged model as a transformers.js folder')
    .option('--force', 'replace an existing output')
    .option('--json', 'print the merge record')
    .action(async (models: string[], flags: Record<string, unknown>) => {
      const { forgeMergeCommand } = await import('./forgeMergeCommand.js');
      process.exitCode = await forgeMergeCommand({ ...flags, models });
    });

  program
    .command('convert')
    .description('convert a Llama-architecture GGUF (F32, F16, Q8_0, Q4_0 tensors) into a transformers.js folder (fp32 ONNX + tokenizer)')
    .argument('<gguf>', 'GGUF file')
    .argument('<outdir>', 'output folder (created; must not hold a model unless --force)')
    .option('--force', 'replace the files of an earlier conversion in the output folder')
    .option('--json', 'print the conversion record as JSON')
    .action(async (gguf: string, outDir: string, flags: { force?: boolean; json?: boolean }) => {
      const { convertCommand } = await import('./convertCommand.js');
      process.exitCode = await convertCommand(gguf, outDir, flags);
    });

  program
    .command('gate')
    .description('CI performance gate: a test and a practical threshold per entry and metric against a baseline; exit 3 on a regression')
    .option('--baseline <file>', 'baseline result.json or run folder (required)')
    .option('--current <file>', 'result.json or run folder to gate')
    .option('-c, --config <file>', 'run this sweep config now and gate its result (instead of --current)')
    .option('-o, --out <dir>', 'output folder of the run made for --config')
    .option('--rule <rule>', 'METRIC:FAIL, METRIC:WARN,FAIL or METRIC:warn=L,fail=L, e.g. decodeTps:-5% (repeatable; default rules when none)', collect)
    .option('--rules <file>', 'rules file (YAML or JSON)')
    .option('--alpha <x>', 'significance level of the one-sided test (default 0.05)')
    .option('--test <name>', 'mann-whitney (default) or bootstrap')
    .option('--allow-mismatch <kinds>', 'accept these differences: device, backend-version (comma-separated, repeatable)', collect)
    .option('--missing <verdict>', 'verdict for a baseline entry absent from the current run: pass, warn (default) or fail')
    .option('--junit <file>', 'write JUnit XML')
    .option('--verdicts <file>', 'write every verdict as JSON')
    .option('--markdown <file>', 'write the Markdown summary')
    .option('--json', 'print the JSON verdicts instead of the Markdown summary')
    .action(async (flags) => {
      const { gateCommand } = await import('./gateCommand.js');
      process.exitCode = await gateCommand(flags);
    });

  program
    .command('compare')
    .description('side-by-side table of matched entries: ratios to a reference, intervals, significance; unmatched entries listed')
    .argument('<results...>', 'result.json files or run folders')
    .option('--by <what>', 'source (one column per file, default) or device (one column per device)')
    .option('--reference <group>', 'reference column: number, file, or device id (prefix); default the first')
    .option('--metric <name>', 'metric to compare (repeatable; default decodeTps, prefillTps, ttftMs, tpotMs, peakRssBytes, acc)', collect)
    .option('--alpha <x>', 'significance level (default 0.05)')
    .option('--test <name>', 'mann-whitney (default) or bootstrap')
    .option('--markdown <file>', 'also write the table to a file')
    .option('--json', 'print JSON')
    .action(async (results: string[], flags) => {
      const { compareCommand } = await import('./compareCommand.js');
      process.exitCode = await compareCommand({ ...flags, results });
    });

  program
    .command('merge')
    .description('join results of several devices and shards into one result that keeps each entry\'s device')
    .argument('<results...>', 'result.json files or run folders')
    .option('-o, --out <file>', 'merged result file (required)')
    .option('--allow-incomplete', 'merge shards even when some shard of their matrix is missing')
    .option('--json', 'also print the merged result')
    .action(async (results: string[], flags) => {
      const { mergeCommand } = await import('./mergeCommand.js');
      process.exitCode = await mergeCommand({ ...flags, results });
    });

  program
    .command('schema')
    .description('print the JSON Schema of config files (for editors)')
    .addOption(new Option('-o, --out <file>', 'write to a file instead of stdout'))
    .action(async (flags: { out?: string }) => {
      const { schemaCommand } = await import('./schemaCommand.js');
      process.exitCode = await schemaCommand(flags);
    });

  for (const command of program.commands) {
    command
      .showSuggestionAfterError(true)
      .exitOverride()
      .configureOutput({ outputError: (text, write) => write(`${text.replace(/\s*\n\s*/g, ' ').trim()}\n`) });
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // --verbose is accepted anywhere on the line (before or after the command).
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync(verbose ? argv.filter((a) => a !== '--verbose') : argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof SlmbenchError) {
      process.stderr.write(`slmbench: ${error.message}\n`);
      if (verbose && error.stack) process.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`slmbench: internal error: ${message.split('\n')[0]}\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return EXIT_RUNTIME;
  }
}

const exitCode = await main(process.argv);
process.exitCode = exitCode;
