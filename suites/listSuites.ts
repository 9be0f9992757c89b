/** Summaries of the built-in suites and tasks, for `slmbench suites` and for callers that list them. */
import { loadTask } from './loadTask.js';
import { builtinSuiteFiles, builtinTaskFiles } from './registry.js';
import { readSuiteFile } from './loadSuite.js';
import type { MeasurementPolicy } from './schema/suiteSchema.js';
import type { TaskType } from './schema/taskSchema.js';

/** One suite. */
export interface SuiteSummary {
  id: string;
  version: number;
  description: string;
  file: string;
  policy: MeasurementPolicy;
  /** Task ids (or files) in order. */
  tasks: string[];
}

/** One task. */
export interface TaskSummary {
  id: string;
  version: number;
  type: TaskType;
  description: string;
  file: string;
  /** The dataset source as written (`builtin:arithmetic`, `shared:arc_easy/…`). */
  dataset: string;
  /** Metric names it reports. */
  metrics: string[];
}

/** The built-in suites, sorted by id. */
export function listSuites(): SuiteSummary[] {
  return [...builtinSuiteFiles().entries()].map(([, file]) => {
    const suite = readSuiteFile(file);
    return {
      id: suite.id,
      version: suite.version,
      description: suite.description,
      file,
      policy: suite.policy,
      tasks: suite.tasks.map((t) => (typeof t === 'string' ? t : t.task)),
    };
  });
}

/** The built-in tasks, sorted by id. */
export function listTasks(): TaskSummary[] {
  return [...builtinTaskFiles().values()].map((file) => {
    const task = loadTask(file).definition;
    return { id: task.id, version: task.version, type: task.type, description: task.description, file, dataset: task.dataset.source, metrics: metricNames(task) };
  });
}

/** The metric names a task reports. */
export function metricNames(task: ReturnType<typeof loadTask>['definition']): string[] {
  switch (task.type) {
    case 'multiple_choice':
    case 'loglikelihood':
      return [...task.metrics];
    case 'generate':
      return task.metrics.map((m) => m.name ?? m.metric);
    case 'perplexity':
      return ['nll_per_token', 'token_perplexity', 'word_perplexity', 'byte_perplexity', 'bits_per_byte'];
  }
}
