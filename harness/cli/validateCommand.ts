/**
 * `slmbench validate [FILE...]`: checks every built-in task file, suite file and dataset (sha256 and
 * rows against `datasets/manifest.json`), and any task or suite files given. Tasks on shared public
 * benchmarks are checked against their data when the shared folder is known (`--shared-datasets`, else
 * `SLMBENCH_SHARED/datasets`), and otherwise reported as skipped. Exit 0 when nothing failed, 2 otherwise.
 */
import { resolve } from 'node:path';
import { EXIT_USAGE } from '../errors.js';
import { validateAll } from '../../suites/validateAll.js';
import { Command } from 'commander';

/** Flags of `slmbench validate`. */
export interface ValidateFlags {
  /** Extra task or suite files to check. Default: none. */
  files?: string[];
  /** The shared public-benchmark datasets folder. Default: `$SLMBENCH_SHARED/datasets`. */
  sharedDatasets?: string;
  /** Print the report as JSON. Default: false. */
  json?: boolean;
}

export async function validateCommand(flags: ValidateFlags): Promise<number> {
  const report = await validateAll({
    ...(flags.files ? { files: flags.files.map((f) => resolve(f)) } : {}),
    ...(flags.sharedDatasets ? { sharedDatasetsDir: resolve(flags.sharedDatasets) } : {}),
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    // One line per check: status, kind, id, rows, file; the problem (or skip reason) indented below.
    const idWidth = Math.max(...report.items.map((i) => i.id.length));
    for (const item of report.items) {
      const rows = item.rows === undefined ? '' : `${item.rows} rows`;
      process.stdout.write(`${item.status.padEnd(7)}  ${item.kind.padEnd(7)}  ${item.id.padEnd(idWidth)}  ${rows.padEnd(10)}  ${item.file}\n`);
      if (item.message) process.stdout.write(`         ${item.message}\n`);
    }
    const ok = report.items.length - report.errors - report.skipped;
    process.stdout.write(`${ok} ok, ${report.errors} failed, ${report.skipped} skipped\n`);
  }
  return report.errors > 0 ? EXIT_USAGE : 0;
}

/** The `validate` command: its options, and the action that calls {@link validateCommand}. */
export function validateCli(): Command {
  return new Command('validate')
    .description('check every built-in suite, task and dataset file (and the files given)')
    .argument('[files...]', 'more task or suite files to check besides the built-in ones')
    .option('--shared-datasets <dir>', 'folder of the shared public benchmarks (default $SLMBENCH_SHARED/datasets)')
    .option('--json', 'print JSON')
    .action(async (files: string[], flags: { sharedDatasets?: string; json?: boolean }) => {
      process.exitCode = await validateCommand({ ...flags, ...(files.length ? { files } : {}) });
    });
}
