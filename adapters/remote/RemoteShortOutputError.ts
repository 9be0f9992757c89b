/**
 * A fixed-length generation that the server ended early: it did not honour `ignore_eos` / `min_tokens`
 * (Ollama ignores both), so the entry would not do the work every other entry does.
 */
import { EXIT_RUNTIME, SlmbenchError } from '../../harness/errors.js';

export class RemoteShortOutputError extends SlmbenchError {
  /**
   * @param baseUrl the server
   * @param generated usage.completion_tokens
   * @param requested the fixed length asked for
   * @param finishReason the stream's `finish_reason`, or null
   * @param sentIgnoreEos whether `ignore_eos`/`min_tokens` were sent (the `sendIgnoreEos` option)
   */
  constructor(baseUrl: string, generated: number, requested: number, finishReason: string | null, sentIgnoreEos: boolean) {
    super(
      'REMOTE_SHORT_OUTPUT',
      `backend remote: the server at ${baseUrl} generated ${generated} of the ${requested} tokens asked for` +
        `${finishReason ? ` (finish_reason ${finishReason})` : ''}: ` +
        (sentIgnoreEos
          ? 'it did not honour ignore_eos/min_tokens'
          : 'ignore_eos/min_tokens were not sent (sendIgnoreEos is false)') +
        ', so the fixed-length benchmark cannot run; set the option allowShortOutput: true to accept shorter outputs',
      EXIT_RUNTIME,
    );
  }
}
