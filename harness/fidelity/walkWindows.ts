/**
 * Teacher-forced decoding over text windows: for each window a decode session is opened on its prefix and
 * fed its tokens one by one; `visit` sees the distribution before each token. The same walk makes the
 * reference and measures every entry, so both read the same positions.
 */
import type { LoadedModel } from '../../adapters/types.js';
import { BackendRuntimeError } from '../errors.js';

/** One window to walk: tokens fed first, then the tokens whose distributions are read. */
export interface WindowTokens {
  prefix: readonly number[];
  tokens: readonly number[];
}

/**
 * @param visit called at each position with the window's index, the position in it and ln p of every
 *   token id before `tokens[position]` (valid during the call only)
 */
export async function walkWindows(
  model: LoadedModel,
  backend: string,
  windows: readonly WindowTokens[],
  visit: (window: number, position: number, logprobs: Float32Array) => void,
): Promise<void> {
  if (typeof model.openSession !== 'function') throw new BackendRuntimeError(backend, 'fidelity needs next-token distributions, which this backend does not expose (no decode sessions)');
  for (let w = 0; w < windows.length; w++) {
    const { prefix, tokens } = windows[w]!;
    const session = await model.openSession([...prefix]);
    try {
      for (let i = 0; i < tokens.length; i++) {
        visit(w, i, session.logprobs);
        if (i + 1 < tokens.length) await session.push(tokens[i]!);
      }
    } finally {
      await session.close();
    }
  }
}
