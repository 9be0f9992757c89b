/**
 * Errors of tasks, suites and datasets. Each has a stable `code` and a one-line message that names the
 * file, the place inside it (`choices[1]`, `row 17`) and the field, so a user can go straight to it.
 * All are usage errors (exit 2): the input is wrong, not the harness.
 */
import { EXIT_USAGE, SlmbenchError } from '../harness/errors.js';

/** A task or suite file that fails validation (schema, template syntax, unknown field). */
export class TaskDefinitionError extends SlmbenchError {
  constructor(message: string) {
    super('TASK_INVALID', message, EXIT_USAGE);
  }
}

/** A task or suite name that is not registered; the message suggests the closest known name. */
export class UnknownTaskError extends SlmbenchError {
  constructor(kind: 'task' | 'suite', name: string, known: readonly string[], suggestion: string | undefined) {
    super(
      kind === 'task' ? 'TASK_UNKNOWN' : 'SUITE_UNKNOWN',
      `unknown ${kind} "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; known ${kind}s: ${known.join(', ')}`,
      EXIT_USAGE,
    );
  }
}

/** A dataset that cannot be read or whose rows lack what the task needs; names file, row and field. */
export class DatasetError extends SlmbenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DATASET_INVALID', message, EXIT_USAGE, options);
  }
}

/** A dataset file that is not where the task says (or the shared folder is not configured). */
export class DatasetNotFoundError extends SlmbenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DATASET_NOT_FOUND', message, EXIT_USAGE, options);
  }
}

/** A dataset file whose sha256 differs from the one recorded in the task file or manifest. */
export class DatasetChangedError extends SlmbenchError {
  constructor(file: string, expected: string, actual: string, recordedIn: string) {
    super(
      'DATASET_CHANGED',
      `${file}: sha256 is ${actual} but ${recordedIn} records ${expected}: the data changed; check it and update the record`,
      EXIT_USAGE,
    );
  }
}

/** A template that cannot be rendered for a row (missing field, wrong type, filter failure). */
export class TemplateError extends SlmbenchError {
  constructor(message: string) {
    super('TEMPLATE_INVALID', message, EXIT_USAGE);
  }
}
