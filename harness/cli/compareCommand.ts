/**
 * `slmbench compare A.json B.json... [--by device] [--reference X] [--metric M]...`: side-by-side table of
 * matched entries with ratios to the reference, intervals and significance; unmatched entries listed
 * (see `compareResults`). `--by device` groups the entries of every input (merged device runs) by device.
 */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseSampleTest } from '../compare/parseSampleTest.js';
import { parseMatchFields } from '../compare/parseMatchFields.js';
import { compareResults } from '../compare/compareResults.js';
import { renderComparisonMarkdown } from '../compare/renderComparisonMarkdown.js';
import { UsageError } from '../errors.js';
import { readResultFile } from '../result/readResultFile.js';
import { Command } from 'commander';
import { collect } from './cliOptions.js';
import { makeDir } from '../util/makeDir.js';

/** Flags of `slmbench compare`. */
export interface CompareFlags {
  /** Fields that identify an entry across the results (comma-separated, repeatable). Default: model, backend, options, workload. */
  match?: string[] | string;
  /** Result files or run folders. Required: two or more, or one with `--by device`. */
  results: string[];
  /** `source` (one column per file) or `device` (one column per device over all files). Default: `source`. */
  by?: string;
  /** Reference column: a 1-based number, a file as given, or a device id (or unique prefix of 4+ characters). Default: the first. */
  reference?: string;
  /** Metrics to compare (repeatable). Default: decodeTps, prefillTps, ttftMs, tpotMs, peakRssBytes, acc (those present). */
  metric?: string[];
  /** Significance level; intervals have confidence 1 − α. Default: 0.05. */
  alpha?: number | string;
  /** `processes`, the only test (the names of the tests before it are refused with why). Default: `processes`. */
  test?: string;
  /** Print the comparison as JSON instead of Markdown. Default: false. */
  json?: boolean;
  /** Also write the Markdown table to this file. Default: not written. */
  markdown?: string;
  /** Bootstrap seed. Default: 1. */
  seed?: number | string;
  /** Bootstrap resamples. Default: 2000. */
  resamples?: number | string;
}

export async function compareCommand(flags: CompareFlags): Promise<number> {
  const by = flags.by ?? 'source';
  if (by !== 'source' && by !== 'device') throw new UsageError(`--by ${by}: expected source or device`);
  if (!flags.results?.length) throw new UsageError('compare: name the results to compare');
  const parsedTest = parseSampleTest(flags.test ?? 'processes', '--test');
  if ('problem' in parsedTest) throw new UsageError(parsedTest.problem);
  const test = parsedTest.test;
  const inputs = flags.results.map((path) => readResultFile(path));
  const comparison = compareResults(inputs, {
    by,
    ...(flags.reference !== undefined ? { reference: flags.reference } : {}),
    ...(flags.metric?.length ? { metrics: flags.metric } : {}),
    alpha: flags.alpha !== undefined ? numberFlag('--alpha', flags.alpha) : 0.05,
    test,
    ...(flags.match !== undefined ? { match: parseMatchFields(flags.match) } : {}),
    seed: flags.seed !== undefined ? numberFlag('--seed', flags.seed) : 1,
    resamples: flags.resamples !== undefined ? numberFlag('--resamples', flags.resamples) : 2000,
  });
  const markdown = renderComparisonMarkdown(comparison);
  if (flags.markdown) {
    makeDir(dirname(resolve(flags.markdown)));
    writeFileSync(flags.markdown, markdown);
  }
  process.stdout.write(flags.json ? `${JSON.stringify(comparison, null, 2)}\n` : markdown);
  return 0;
}

function numberFlag(flag: string, value: number | string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag}: expected a number, got "${value}"`);
  return n;
}

/** The `compare` command: its options, and the action that calls {@link compareCommand}. */
export function compareCli(): Command {
  return new Command('compare')
    .description('side-by-side table of matched entries: ratios to a reference, intervals, significance; unmatched entries listed')
    .argument('<results...>', 'result.json files or run folders')
    .option('--by <what>', 'source (one column per file, default) or device (one column per device)')
    .option('--reference <group>', 'reference column: number, file, or device id (prefix); default the first')
    .option('--metric <name>', 'metric to compare (repeatable; default decodeTps, prefillTps, ttftMs, tpotMs, peakRssBytes, acc)', collect)
    .option('--alpha <x>', 'significance level (default 0.05)')
    .option('--test <name>', 'processes (the only test: worker processes are the unit)')
    .option('--match <fields>', 'fields that identify an entry across the results: model, backend, options, workload, options.NAME (comma-separated, repeatable; default all four)', collect)
    .option('--markdown <file>', 'also write the table to a file')
    .option('--json', 'print JSON')
    .action(async (results: string[], flags: Omit<CompareFlags, 'results'>) => {
      process.exitCode = await compareCommand({ ...flags, results });
    });
}
