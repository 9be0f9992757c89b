/**
 * `slmbench merge RESULT... -o merged.json`: joins results of shards and devices into one result that
 * keeps each entry's device (see `mergeResults`).
 */
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { mergeResults } from '../merge/mergeResults.js';
import { readResultFile } from '../result/readResultFile.js';
import { writeJsonAtomic } from '../result/writeJsonAtomic.js';
import { Command } from 'commander';

/** Flags of `slmbench merge`. */
export interface MergeFlags {
  /** Result files, or run folders holding `result.json`. Required: at least one. */
  results: string[];
  /** Where to write the merged result. Required. */
  out?: string;
  /** Merge shards even when some shard of their matrix is missing. Default: false. */
  allowIncomplete?: boolean;
  /** Print the merged result to stdout as well. Default: false. */
  json?: boolean;
}

export async function mergeCommand(flags: MergeFlags): Promise<number> {
  if (!flags.results?.length) throw new UsageError('merge: name at least one result file (or run folder)');
  if (!flags.out) throw new UsageError('merge: -o, --out FILE is required (where to write the merged result)');
  const inputs = flags.results.map((path) => readResultFile(path));
  const merged = mergeResults(inputs, { allowIncomplete: flags.allowIncomplete ?? false });
  const out = resolve(flags.out);
  writeJsonAtomic(out, merged);
  const devices = Object.keys(merged.devices);
  const shards = merged.merged.sources.filter((s) => s.shard).map((s) => `${s.shard!.index}/${s.shard!.count}`);
  const err = process.stderr;
  err.write(
    `slmbench: merged ${inputs.length} result${inputs.length === 1 ? '' : 's'}${shards.length ? ` (shards ${shards.join(', ')})` : ''}: ` +
      `${merged.summary.entries} entries (${merged.summary.ok} ok, ${merged.summary.errored} errored, ${merged.summary.skipped} skipped) ` +
      `on ${devices.length} device${devices.length === 1 ? '' : 's'} → ${out}\n`,
  );
  for (const note of merged.merged.notes) err.write(`slmbench: note: ${note}\n`);
  if (flags.json) process.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
  return 0;
}

/** The `merge` command: its options, and the action that calls {@link mergeCommand}. */
export function mergeCli(): Command {
  return new Command('merge')
    .description("join results of several devices and shards into one result that keeps each entry's device")
    .argument('<results...>', 'result.json files or run folders')
    .option('-o, --out <file>', 'merged result file (required)')
    .option('--allow-incomplete', 'merge shards even when some shard of their matrix is missing')
    .option('--json', 'also print the merged result')
    .action(async (results: string[], flags: Omit<MergeFlags, 'results'>) => {
      process.exitCode = await mergeCommand({ ...flags, results });
    });
}
