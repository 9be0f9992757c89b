/**
 * The prompt's log-probabilities in a non-streamed `/v1/completions` answer to a request with
 * `echo: true, logprobs: 1` (OpenAI's legacy completions, vLLM): `choices[0].logprobs` with
 * `token_logprobs[i]` (null at position 0) and `top_logprobs[i]` (`{token: logprob}`, the top-1 token
 * and, on vLLM, the prompt's own); or llama.cpp's shape, `content[i]` with `logprob` and
 * `top_logprobs: [{logprob}]`.
 */

/** Per prompt position: the prompt token's logprob and the best logprob there (both null where unknown). */
export interface PromptLogprobs {
  logprobs: (number | null)[];
  top: (number | null)[];
}

type Json = Record<string, unknown>;

/**
 * @param body the parsed answer
 * @param promptLength tokens in the prompt; the answer must cover at least that many positions
 * @returns the first `promptLength` positions, or null when the answer has no prompt log-probabilities
 */
export function readPromptLogprobs(body: unknown, promptLength: number): PromptLogprobs | null {
  if (!isObject(body) || !Array.isArray(body.choices)) return null;
  const choice = body.choices[0];
  if (!isObject(choice) || !isObject(choice.logprobs)) return null;
  const logprobs = choice.logprobs;
  let out: PromptLogprobs;
  if (Array.isArray(logprobs.token_logprobs)) {
    const tops = Array.isArray(logprobs.top_logprobs) ? logprobs.top_logprobs : [];
    out = {
      logprobs: logprobs.token_logprobs.map(finite),
      top: logprobs.token_logprobs.map((_, i) => {
        const entry = tops[i];
        return isObject(entry) ? best(Object.values(entry)) : null;
      }),
    };
  } else if (Array.isArray(logprobs.content)) {
    const entries = logprobs.content.map((e) => (isObject(e) ? e : {}));
    out = {
      logprobs: entries.map((e) => finite(e.logprob)),
      top: entries.map((e) => (Array.isArray(e.top_logprobs) ? best(e.top_logprobs.map((t) => (isObject(t) ? t.logprob : null))) : null)),
    };
  } else {
    return null;
  }
  if (out.logprobs.length < promptLength) return null;
  return { logprobs: out.logprobs.slice(0, promptLength), top: out.top.slice(0, promptLength) };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function best(values: readonly unknown[]): number | null {
  const numbers = values.map(finite).filter((v): v is number => v !== null);
  return numbers.length ? Math.max(...numbers) : null;
}
