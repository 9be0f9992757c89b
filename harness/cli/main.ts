#!/usr/bin/env node
/**
 * The `slmbench` command line: registers the commands (each command's file owns its options and its
 * action). Every command has `--help`; unknown flags are rejected with a suggestion. Exit codes: 0 ok (also
 * when some entries errored: they are reported), 1 runtime failure of the harness, 2 usage or config error,
 * 3 failed gate, 4 nothing measured (every entry of a sweep errored), 130 a sweep interrupted by SIGINT or
 * SIGTERM.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_RUNTIME, EXIT_USAGE, SlmbenchError } from '../errors.js';
import { harnessInfo } from '../util/harnessInfo.js';

/**
 * The commands, each from its own file (which owns its options and its action). Only the command being
 * run is imported, so that `slmbench run` starts without loading every other command's code; `--help`
 * and an unknown command load them all (for the listing and the "did you mean" suggestion).
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  run: async () => (await import('./runCommand.js')).runCli(),
  inspect: async () => (await import('./inspectCommand.js')).inspectCli(),
  device: async () => (await import('./deviceCommand.js')).deviceCli(),
  report: async () => (await import('./reportCommand.js')).reportCli(),
  suites: async () => (await import('./suitesCommand.js')).suitesCli(),
  validate: async () => (await import('./validateCommand.js')).validateCli(),
  forge: async () => (await import('./forgeCommand.js')).forgeCli(),
  convert: async () => (await import('./convertCommand.js')).convertCli(),
  gate: async () => (await import('./gateCommand.js')).gateCli(),
  compare: async () => (await import('./compareCommand.js')).compareCli(),
  merge: async () => (await import('./mergeCommand.js')).mergeCli(),
  schema: async () => (await import('./schemaCommand.js')).schemaCli(),
  tune: async () => (await import('./tuneCommand.js')).tuneCli(),
};

/** Usage errors as one line. */
const oneLine = { outputError: (text: string, write: (s: string) => void) => write(`${text.replace(/\s*\n\s*/g, ' ').trim()}\n`) };

/** The program with `only` registered (every command when `only` is not a command's name). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('slmbench')
    .description('Benchmark small language models on this device: llama.cpp, ONNX Runtime and transformers.js')
    .version(harnessInfo().version)
    .option('--verbose', 'print stack traces with errors')
    .showSuggestionAfterError(true)
    .showHelpAfterError(false)
    // Options after a subcommand belong to it (`forge -o` and `forge merge -o` are different options).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput(oneLine);
  const names = only !== undefined && Object.hasOwn(COMMANDS, only) ? [only] : Object.keys(COMMANDS);
  for (const name of names) program.addCommand(await COMMANDS[name]!());
  const configure = (command: Command) => {
    command.showSuggestionAfterError(true).exitOverride().configureOutput(oneLine);
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // --verbose is accepted anywhere on the line (before or after the command).
  const verbose = argv.includes('--verbose');
  const program = await buildProgram(argv.slice(2).find((a) => !a.startsWith('-')));
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
