/**
 * Turns a failed request into slmbench's error for where it happened: 401/403 is always a problem of the
 * API key (an option error naming `apiKeyEnv`); any other failure while loading means the server cannot
 * be used (`BACKEND_UNAVAILABLE`), while running it is a failure of the backend (`BACKEND_FAILED`).
 */
import { BackendOptionError, BackendRuntimeError, BackendUnavailableError, SlmbenchError } from '../../harness/errors.js';
import { RemoteRequestError } from './RemoteRequestError.js';

const BACKEND = 'remote';

/** Where the request was made. */
export interface FailureContext {
  /** `load` (probing the server) or `run` (tokenize, generate, score). */
  phase: 'load' | 'run';
  /** The server's root URL. */
  baseUrl: string;
  /** The `apiKeyEnv` option, or undefined when no key is sent. */
  apiKeyEnv: string | undefined;
}

/**
 * @param error what was thrown (a RemoteRequestError, a SlmbenchError, anything else)
 * @returns a SlmbenchError; SlmbenchErrors are returned unchanged
 */
export function remoteFailure(error: unknown, context: FailureContext): SlmbenchError {
  if (error instanceof SlmbenchError) return error;
  if (!(error instanceof RemoteRequestError)) {
    const problem = `${context.baseUrl}: ${error instanceof Error ? error.message : String(error)}`;
    return context.phase === 'load'
      ? new BackendUnavailableError(BACKEND, problem, { cause: error })
      : new BackendRuntimeError(BACKEND, problem, { cause: error });
  }
  const request = `${context.baseUrl}${error.what ? ` (${error.what})` : ''}`;
  if (error.kind === 'auth') {
    const advice = context.apiKeyEnv
      ? `the key sent is read from the environment variable ${context.apiKeyEnv}: check that it holds a key this server accepts`
      : 'the server wants an API key: set the option apiKeyEnv to the name of an environment variable that holds it';
    return new BackendOptionError(BACKEND, 'apiKeyEnv', `${request} answered ${error.message}; ${advice}`);
  }
  const tries = error.tries > 1 ? ` (after ${error.tries} tries)` : '';
  const problem = `${request}: ${error.message}${tries}`;
  return context.phase === 'load'
    ? new BackendUnavailableError(BACKEND, problem, { cause: error })
    : new BackendRuntimeError(BACKEND, problem, { cause: error });
}
