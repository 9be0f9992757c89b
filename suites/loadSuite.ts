/**
 * Reads a suite (a built-in id or a file), validates it, and resolves each of its tasks with the suite's
 * measurement policy. Errors name the suite file and the path inside it (`tasks[2].task`).
 */
import { dirname, resolve } from 'node:path';
import { TaskDefinitionError, UnknownTaskError } from './errors.js';
import { displayPath } from './loaders/loadDataset.js';
import { loadTask, readTaskDataFile } from './loadTask.js';
import { builtinSuiteFile, builtinTaskFile, isFileReference } from './registry.js';
import { resolveTask, type ResolveTaskOptions, type ResolvedTask } from './resolveTask.js';
import { describeZodIssue, zodMessages } from '../harness/util/describeZodIssue.js';
import { suiteSchema, type MeasurementPolicy, type SuiteDefinition } from './schema/suiteSchema.js';

/** A loaded suite and its tasks, ready to run. */
export interface LoadedSuite {
  /** Absolute path of the suite file. */
  file: string;
  definition: SuiteDefinition;
  tasks: ResolvedTask[];
}

/** Options of {@link loadSuite}: data locations as for `resolveTask`, and command-line policy overrides. */
export interface LoadSuiteOptions extends Omit<ResolveTaskOptions, 'policy' | 'dataset'> {
  /** Overrides applied over the suite's policy (e.g. `--limit`). Default: none. */
  overrides?: MeasurementPolicy;
}

/** Reads a suite by built-in id or file path. */
export function loadSuite(nameOrFile: string, options: LoadSuiteOptions = {}): LoadedSuite {
  const file = resolve(isFileReference(nameOrFile) ? nameOrFile : builtinSuiteFile(nameOrFile));
  const definition = readSuiteFile(file);
  const shown = displayPath(file);
  const { overrides, ...resolveOptions } = options;
  const tasks = definition.tasks.map((entry, index) => {
    const { task: name, ...entryPolicy } = typeof entry === 'string' ? { task: entry } : entry;
    let taskFile: string;
    try {
      taskFile = isFileReference(name) ? resolve(dirname(file), name) : builtinTaskFile(name);
    } catch (error) {
      if (error instanceof UnknownTaskError) throw new TaskDefinitionError(`${shown}: tasks[${index}]: ${error.message}`);
      throw error;
    }
    return resolveTask(loadTask(taskFile), { ...resolveOptions, policy: [definition.policy, entryPolicy, overrides] });
  });
  const ids = new Set<string>();
  tasks.forEach((task, index) => {
    if (ids.has(task.definition.id)) throw new TaskDefinitionError(`${shown}: tasks[${index}]: task "${task.definition.id}" appears twice`);
    ids.add(task.definition.id);
  });
  return { file, definition, tasks };
}

/** Reads and validates a suite file without resolving its tasks. */
export function readSuiteFile(file: string): SuiteDefinition {
  const shown = displayPath(file);
  const result = suiteSchema.safeParse(readTaskDataFile(file, shown, 'suite'), { error: zodMessages });
  if (!result.success) throw new TaskDefinitionError(`${shown}: ${describeZodIssue(result.error.issues)}`);
  return result.data;
}
