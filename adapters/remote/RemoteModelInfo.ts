/**
 * What a model served over HTTP reports beside its `info`: the server and what the client saw of it. The
 * remote model keeps it as its generations run (`RemoteModel.remote`) and hands a copy over at the end of
 * each phase; `describeRemoteEntry` records it in the entry as `backend.remote`, its counters summed over
 * the entry's worker processes.
 */
export interface RemoteModelInfo {
  /** The server's root URL (never holds a key: keys come from an environment variable). */
  baseUrl: string;
  /** The server as it names itself (`llama.cpp b6097-9515c613`, `vLLM 0.10.1`, `Ollama 0.11.4`), or null. */
  server: string | null;
  /** Always false: neither the server's memory nor its energy is measured by slmbench. */
  measuresModelResources: false;
  /**
   * Prompt token ids: `server` (the model's own, from the server's `/tokenize`) or `bytes` (the server
   * cannot tokenize: the ids stand for the prompt's UTF-8 bytes, so the prompt's "token" count is its
   * length in bytes; the server's own count comes with each generation's events, `TokenEvent.promptTokens`).
   */
  promptTokenIds: 'server' | 'bytes';
  /**
   * Output token ids: `server` (every token's id came in the stream) or `pseudo` (negative stand-ins: one
   * per streamed chunk of text, the chunk's text interned, plus one per token the usage block counted
   * beyond the chunks; see `adapters/remote/PseudoVocabulary.ts`). The count of tokens is exact either
   * way (usage.completion_tokens); only their ids are made up.
   */
  outputTokenIds: 'server' | 'pseudo';
  /** Prompt tokens as the server counted them (usage.prompt_tokens) in the last generation; null before one. */
  serverPromptTokens: number | null;
  /** Generation requests made (warmup, measured and accuracy tasks alike), failed ones included. */
  generations: number;
  /** Tries repeated after a failure (timeout, cut connection, 5xx), over all requests. */
  retries: number;
  /**
   * Tokens the usage block counted that came without a chunk of their own (coalesced chunks, tokens
   * without text), over all generations; each was stamped with the time of the generation's last chunk,
   * and `tokenHandover` is then `batch`.
   */
  unattributedTokens: number;
  /** Generations that the server ended before the requested count (it did not honour `ignore_eos`). */
  shortOutputs: number;
  /** Whether such shorter generations are accepted (the `allowShortOutput` option) rather than errors. */
  allowShortOutput: boolean;
}
