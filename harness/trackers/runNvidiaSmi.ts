/** Runs `nvidia-smi` with arguments and returns its standard output; one place for lookup, time limit and errors. */
import { execFile } from 'node:child_process';
import { findExecutableOnPath } from './findExecutableOnPath.js';

/** Options of {@link runNvidiaSmi}. */
export interface RunNvidiaSmiOptions {
  /** Path of the executable. Default: `nvidia-smi` found on `env.PATH`. */
  executable?: string;
  /** Environment whose PATH is searched and which the process gets. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Time limit in ms; past it the process is killed and the call fails. Default: 5000. */
  timeoutMs?: number;
}

/** Why nvidia-smi gave no output. */
export class NvidiaSmiError extends Error {
  /** `missing`: not on PATH; `failed`: it ran and failed or timed out. */
  readonly reason: 'missing' | 'failed';
  constructor(reason: 'missing' | 'failed', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NvidiaSmiError';
    this.reason = reason;
  }
}

/** Standard output of `nvidia-smi ...args`; rejects with an {@link NvidiaSmiError}. */
export function runNvidiaSmi(args: readonly string[], options: RunNvidiaSmiOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const executable = options.executable ?? findExecutableOnPath('nvidia-smi', env.PATH);
  if (executable === null) return Promise.reject(new NvidiaSmiError('missing', 'nvidia-smi is not on PATH'));
  return new Promise((resolve, reject) => {
    execFile(executable, [...args], { env, timeout: options.timeoutMs ?? 5000, windowsHide: true }, (error, stdout, stderr) => {
      if (error) {
        const detail = String(stderr).trim() || String(stdout).trim() || error.message;
        reject(new NvidiaSmiError('failed', `${executable} ${args.join(' ')} failed: ${detail.split('\n')[0]}`, { cause: error }));
      } else {
        resolve(String(stdout));
      }
    });
  });
}
