/**
 * A failed HTTP request to the server, before the adapter turns it into one of slmbench's errors (which
 * depends on whether the model was loading or running).
 */

/** What went wrong. */
export type RemoteFailureKind =
  /** The connection could not be made or was cut (refused, reset, closed early). */
  | 'network'
  /** Nothing arrived for `timeoutMs`. */
  | 'timeout'
  /** The server answered an error status other than 401/403. */
  | 'status'
  /** 401 or 403: the API key is missing or wrong. */
  | 'auth'
  /** A stream that ended before `data: [DONE]`. */
  | 'incomplete'
  /** An answer that is not what the API promises (bad JSON, an error event inside the stream). */
  | 'protocol';

export class RemoteRequestError extends Error {
  readonly kind: RemoteFailureKind;
  /** The HTTP status, when the server answered one. */
  readonly status: number | null;
  /** Whether another try may succeed. */
  readonly retryable: boolean;
  /** Tries made in all, set when the last one failed. */
  tries = 1;
  /** The request, e.g. `POST /v1/completions`, set when the last try failed. */
  what = '';

  constructor(kind: RemoteFailureKind, message: string, options: { status?: number; retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RemoteRequestError';
    this.kind = kind;
    this.status = options.status ?? null;
    this.retryable = options.retryable ?? (kind === 'network' || kind === 'timeout' || kind === 'incomplete');
  }
}

/** HTTP statuses worth another try: request timeout, too early, too many requests, server errors (not 501/505). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}
