/**
 * Rolling windows over a token list for perplexity, as lm-evaluation-harness's
 * `get_rolling_token_windows` + `make_disjoint_window`: every token is predicted exactly once; the first
 * is predicted from the prefix token (BOS); each window holds at most `maxSeqLen` input positions and
 * predicts `stride` new tokens, the rest of its input being context carried over from before it.
 *
 * `stride = maxSeqLen` (the default of lm-evaluation-harness, `context_len = 1`) gives disjoint windows
 * of full length; a smaller stride gives every prediction at least `maxSeqLen − stride` tokens of context.
 */

/** One window: score `targets` after `context`. */
export interface TokenWindow {
  context: number[];
  targets: number[];
}

/**
 * Windows over `tokens`. `prefix` is the token placed before the first (BOS). Each window's
 * `context.length + targets.length` is at most `maxSeqLen + 1` (the model sees all but the last).
 */
export function rollingWindows(tokens: readonly number[], prefix: number, maxSeqLen: number, stride: number = maxSeqLen): TokenWindow[] {
  if (!Number.isInteger(maxSeqLen) || maxSeqLen < 1) throw new Error(`rollingWindows: maxSeqLen must be ≥ 1, got ${maxSeqLen}`);
  if (!Number.isInteger(stride) || stride < 1 || stride > maxSeqLen) throw new Error(`rollingWindows: stride must be 1 … ${maxSeqLen}, got ${stride}`);
  const windows: TokenWindow[] = [];
  if (tokens.length === 0) return windows;
  const first = Math.min(maxSeqLen, tokens.length);
  windows.push({ context: [prefix], targets: tokens.slice(0, first) });
  let predicted = first;
  while (predicted < tokens.length) {
    const count = Math.min(tokens.length - predicted, stride);
    const end = predicted + count;
    // lm-evaluation-harness: input tokens[end − maxSeqLen − 1, end − 1), targets the last `count` tokens;
    // the disjoint context is the input minus the targets it overlaps.
    const contextStart = end - maxSeqLen - 1;
    windows.push({ context: tokens.slice(contextStart, end - count), targets: tokens.slice(end - count, end) });
    predicted = end;
  }
  return windows;
}
