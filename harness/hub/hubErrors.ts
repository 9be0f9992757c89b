/**
 * Errors of the Hugging Face hub client, each with a stable code (see `harness/errors.ts`). Messages name
 * the spec (`hf:owner/repo/path@revision`) and, where one was involved, the URL or the cache path.
 */
import { EXIT_RUNTIME, EXIT_USAGE, SlmbenchError } from '../errors.js';

/** A repository, revision or file that the hub says does not exist (HTTP 404). */
export class HubNotFoundError extends SlmbenchError {
  constructor(message: string) {
    super('HUB_NOT_FOUND', message, EXIT_USAGE);
  }
}

/** The hub refused access (HTTP 401/403): a private or gated repository, or a bad `HF_TOKEN`. */
export class HubAuthError extends SlmbenchError {
  constructor(message: string) {
    super('HUB_AUTH', message, EXIT_USAGE);
  }
}

/** Any other HTTP failure, or a reply that does not have the shape the hub documents. */
export class HubHttpError extends SlmbenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('HUB_HTTP', message, EXIT_RUNTIME, options);
  }
}

/** The network failed (connection refused or reset, transfer cut, stalled) on every try. */
export class HubNetworkError extends SlmbenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('HUB_NETWORK', message, EXIT_RUNTIME, options);
  }
}

/** A downloaded file whose size or hash differs from what the hub announced; the file was deleted. */
export class HubChecksumError extends SlmbenchError {
  constructor(message: string) {
    super('HUB_CHECKSUM', message, EXIT_RUNTIME);
  }
}

/** Offline mode is on and the file (or listing) is not in the cache. */
export class HubOfflineError extends SlmbenchError {
  constructor(message: string) {
    super('HUB_OFFLINE', message, EXIT_USAGE);
  }
}

/** A model repository in which slmbench cannot tell which file to use (none, or several `.gguf`). */
export class HubModelFileError extends SlmbenchError {
  constructor(message: string) {
    super('HUB_MODEL_FILE', message, EXIT_USAGE);
  }
}
