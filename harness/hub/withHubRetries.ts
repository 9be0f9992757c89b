/**
 * Retries of hub requests and transfers: network errors, stalls, HTTP 429 and 5xx are tried again after
 * a growing wait (bounded by `tries`); anything else (404, 401, a checksum mismatch, …) fails at once.
 */
import { SlmbenchError } from '../errors.js';
import { HubHttpError, HubNetworkError } from './hubErrors.js';

/** A failure worth another try: HTTP 429/5xx, a transfer cut short, a stall. */
export class TransientHubError extends Error {
  /** The HTTP status, when the failure was one. */
  readonly status: number | null;

  constructor(message: string, status: number | null = null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientHubError';
    this.status = status;
  }
}

/** Retry settings. */
export interface RetrySettings {
  /** Tries in all (≥ 1). */
  tries: number;
  /** Wait before the second try in milliseconds, doubled before each later one. */
  retryDelayMs: number;
  /** Called before each wait: what failed, and which try comes next. */
  onRetry?: (reason: string, nextTry: number, tries: number, delayMs: number) => void;
}

/**
 * Runs `attempt` until it resolves, retrying transient failures.
 * @param what names the URL or file in the final error (`GET https://…`)
 * @throws the attempt's SlmbenchError unchanged; HubNetworkError or HubHttpError after the last try
 */
export async function withHubRetries<T>(what: string, settings: RetrySettings, attempt: (tryNumber: number) => Promise<T>): Promise<T> {
  for (let tryNumber = 1; ; tryNumber++) {
    try {
      return await attempt(tryNumber);
    } catch (error) {
      if (error instanceof SlmbenchError) throw error;
      const reason = describeFailure(error);
      if (tryNumber >= settings.tries) {
        const after = settings.tries > 1 ? ` (after ${settings.tries} tries)` : '';
        if (error instanceof TransientHubError && error.status !== null) {
          throw new HubHttpError(`${what}: ${reason}${after}`, { cause: error });
        }
        throw new HubNetworkError(`${what}: ${reason}${after}`, { cause: error });
      }
      const delayMs = settings.retryDelayMs * 2 ** (tryNumber - 1);
      settings.onRetry?.(reason, tryNumber + 1, settings.tries, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** One line saying what went wrong, with the socket-level cause fetch hides in `cause`. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : null;
  const code = cause && 'code' in cause ? String((cause as { code: unknown }).code) : null;
  if (error instanceof TransientHubError) return error.message;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return `aborted: ${error.message}`;
  if (error.message === 'fetch failed' && cause) return `${cause.message}${code && !cause.message.includes(code) ? ` (${code})` : ''}`;
  if (error.message === 'terminated' && cause) return `transfer cut short: ${cause.message}`;
  return `${error.message}${cause ? `: ${cause.message}` : ''}`;
}
