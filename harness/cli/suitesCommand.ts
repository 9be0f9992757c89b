/** `slmbench suites`: the built-in suites (with their tasks and measurement policy) and tasks. */
import Table from 'cli-table3';
import { listSuites, listTasks } from '../../suites/listSuites.js';
import { Command } from 'commander';

/** Flags of `slmbench suites`. */
export interface SuitesFlags {
  /** Print JSON (`{suites, tasks}`). Default: false. */
  json?: boolean;
}

export async function suitesCommand(flags: SuitesFlags): Promise<number> {
  const suites = listSuites();
  const tasks = listTasks();
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ suites, tasks }, null, 2)}\n`);
    return 0;
  }
  const suiteTable = new Table({ head: ['suite', 'tasks', 'policy', 'description'], style: { head: [], border: [] }, wordWrap: true, colWidths: [18, 34, 22, 50] });
  for (const s of suites) {
    const policy = Object.entries(s.policy).map(([k, v]) => `${k} ${v}`).join('\n') || 'defaults';
    suiteTable.push([`${s.id} v${s.version}`, s.tasks.join(', '), policy, s.description]);
  }
  const taskTable = new Table({ head: ['task', 'type', 'metrics', 'dataset'], style: { head: [], border: [] }, wordWrap: true, colWidths: [22, 17, 30, 55] });
  for (const t of tasks) taskTable.push([`${t.id} v${t.version}`, t.type, t.metrics.join(', '), t.dataset]);
  process.stdout.write(`Suites (slmbench run --suite NAME):\n${suiteTable.toString()}\n\nTasks:\n${taskTable.toString()}\n`);
  return 0;
}

/** The `suites` command: its options, and the action that calls {@link suitesCommand}. */
export function suitesCli(): Command {
  return new Command('suites')
    .description('list the built-in accuracy suites and tasks')
    .option('--json', 'print JSON')
    .action(async (flags: SuitesFlags) => {
      process.exitCode = await suitesCommand(flags);
    });
}
