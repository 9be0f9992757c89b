/**
 * Error classes with stable codes. The CLI prints `message` on one line and exits with `exitCode`;
 * inside a sweep the worker turns any of these into an `errored` entry carrying `code` and `message`.
 */

/** Exit code for usage and configuration errors. */
export const EXIT_USAGE = 2;
/** Exit code for runtime failures of the harness itself. */
export const EXIT_RUNTIME = 1;
/** Exit code for a failed performance gate. */
export const EXIT_GATE_FAILED = 3;

export class SlmbenchError extends Error {
  /** Stable machine-readable code, e.g. `MODEL_NOT_FOUND`. */
  readonly code: string;
  /** Process exit code the CLI uses when this error ends a command. */
  readonly exitCode: number;

  constructor(code: string, message: string, exitCode: number = EXIT_RUNTIME, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A command line that cannot be understood (unknown flag, bad value). */
export class UsageError extends SlmbenchError {
  constructor(message: string) {
    super('USAGE', message, EXIT_USAGE);
  }
}

/** A config file or value that fails validation; the message names the file and the path inside it. */
export class ConfigError extends SlmbenchError {
  constructor(message: string) {
    super('CONFIG_INVALID', message, EXIT_USAGE);
  }
}

/** A model path that does not exist. */
export class ModelNotFoundError extends SlmbenchError {
  constructor(path: string) {
    super('MODEL_NOT_FOUND', `model not found: ${path}`, EXIT_USAGE);
  }
}

/** A model file or folder whose format is wrong, unknown or damaged. */
export class ModelFormatError extends SlmbenchError {
  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super('MODEL_FORMAT', `${path}: ${problem}`, EXIT_USAGE, options);
  }
}

/** A backend id that no adapter is registered under. */
export class UnknownBackendError extends SlmbenchError {
  constructor(id: string, known: readonly string[], suggestion: string | undefined) {
    super(
      'BACKEND_UNKNOWN',
      `unknown backend "${id}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; known backends: ${known.join(', ')}`,
      EXIT_USAGE,
    );
  }
}

/** A backend that is registered but cannot run here (package missing, device or provider absent). */
export class BackendUnavailableError extends SlmbenchError {
  constructor(backend: string, problem: string, options?: { cause?: unknown }) {
    super('BACKEND_UNAVAILABLE', `backend ${backend}: ${problem}`, EXIT_USAGE, options);
  }
}

/** A backend option value that the backend cannot honour for this model. */
export class BackendOptionError extends SlmbenchError {
  constructor(backend: string, option: string, problem: string) {
    super('BACKEND_OPTION', `backend ${backend}, option ${option}: ${problem}`, EXIT_USAGE);
  }
}

/** An output folder that cannot be created or written, or that already holds another sweep. */
export class OutputError extends SlmbenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('OUTPUT_INVALID', message, EXIT_USAGE, options);
  }
}

/** An output folder that another slmbench process is writing (its lock file names the owner). */
export class OutputLockedError extends SlmbenchError {
  constructor(message: string) {
    super('OUTPUT_LOCKED', message, EXIT_USAGE);
  }
}

/** A workload the model cannot run (prompt longer than the context, zero tokens to generate). */
export class WorkloadError extends SlmbenchError {
  constructor(message: string) {
    super('WORKLOAD_INVALID', message, EXIT_USAGE);
  }
}

/**
 * A workload a backend cannot run as asked (a `depth` on a backend that keeps no KV prefix): the sweep
 * records the entry as `skipped` with this reason and goes on.
 */
export class UnsupportedWorkloadError extends SlmbenchError {
  static readonly CODE = 'WORKLOAD_UNSUPPORTED';
  constructor(message: string) {
    super(UnsupportedWorkloadError.CODE, message, EXIT_USAGE);
  }
}

/** A worker process that died before reporting its entry (crash, signal, out of memory). */
export class WorkerCrashedError extends SlmbenchError {
  constructor(message: string, code: 'WORKER_CRASHED' | 'OUT_OF_MEMORY' = 'WORKER_CRASHED') {
    super(code, message, EXIT_RUNTIME);
  }
}

/** An entry that ran past its time limit and was killed. */
export class EntryTimeoutError extends SlmbenchError {
  constructor(seconds: number) {
    super('TIMEOUT', `entry exceeded its timeout of ${seconds} s and was killed`, EXIT_RUNTIME);
  }
}

/** A backend that failed while loading or running a model. */
export class BackendRuntimeError extends SlmbenchError {
  constructor(backend: string, problem: string, options?: { cause?: unknown }) {
    super('BACKEND_FAILED', `backend ${backend}: ${problem}`, EXIT_RUNTIME, options);
  }
}

/**
 * Models that must share one vocabulary and do not (the stages of an `ensemble`): the message names the
 * two models and the first token id where they differ, or their sizes when one vocabulary extends the other.
 */
export class VocabularyMismatchError extends SlmbenchError {
  constructor(backend: string, problem: string) {
    super('VOCABULARY_MISMATCH', `${backend}: ${problem}`, EXIT_USAGE);
  }
}

/** A fidelity reference that cannot be made, read or compared with (the message names the file or the difference). */
export class FidelityError extends SlmbenchError {
  constructor(message: string) {
    super('FIDELITY_REFERENCE', message, EXIT_RUNTIME);
  }
}

/** Plain data form of an error, as stored in `result.json` and sent over IPC. */
export interface ErrorRecord {
  code: string;
  message: string;
  stack?: string;
}

/** Converts anything thrown into an {@link ErrorRecord}; unknown errors get code `INTERNAL`. */
export function toErrorRecord(error: unknown): ErrorRecord {
  if (error instanceof SlmbenchError) {
    return { code: error.code, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  if (error instanceof Error) {
    return { code: 'INTERNAL', message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { code: 'INTERNAL', message: String(error) };
}

/** Exit code of a run in which no entry was measured (every entry errored). */
export const EXIT_NOTHING_MEASURED = 4;

/** Exit code of a sweep stopped by SIGINT or SIGTERM (128 + SIGINT's number, the shells' convention). */
export const EXIT_INTERRUPTED = 130;

/**
 * A sweep stopped through its abort signal (Ctrl-C on the command line): the running entry was killed
 * and not recorded; every finished entry is in the journal, and `--resume` continues.
 */
export class SweepInterruptedError extends SlmbenchError {
  constructor(
    message: string,
    /** The sweep's output folder. */
    readonly outDir: string,
  ) {
    super('INTERRUPTED', message, EXIT_INTERRUPTED);
  }
}
