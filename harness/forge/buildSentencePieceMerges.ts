/**
 * BPE merges that reproduce SentencePiece/llama.cpp "SPM" tokenization with a Hugging Face BPE model.
 * llama.cpp's SPM tokenizer starts from single characters and repeatedly joins the adjacent pair whose
 * concatenation is a vocabulary token of the highest score. A BPE model does the same when it has, for
 * every token, one merge per way of splitting it into two vocabulary tokens, ranked by the token's score
 * (highest first; ties by token id, then by the left part's id).
 */

/** The parts of a vocabulary the merges depend on. */
export interface MergeVocabulary {
  /** Token strings by id. */
  tokens: readonly string[];
  /** SentencePiece scores by id (higher merges first). */
  scores: ArrayLike<number>;
}

/** Merges as `[left, right]` pairs, highest priority first. */
export function buildSentencePieceMerges(vocab: MergeVocabulary): [string, string][] {
  const ids = new Map<string, number>();
  vocab.tokens.forEach((token, id) => {
    if (!ids.has(token)) ids.set(token, id);
  });
  const merges: { left: string; right: string; score: number; id: number; leftId: number }[] = [];
  vocab.tokens.forEach((token, id) => {
    const characters = [...token];
    if (characters.length < 2 || ids.get(token) !== id) return;
    let leftText = '';
    for (let i = 1; i < characters.length; i++) {
      leftText += characters[i - 1]!;
      const rightText = characters.slice(i).join('');
      const leftId = ids.get(leftText);
      if (leftId !== undefined && ids.has(rightText)) {
        merges.push({ left: leftText, right: rightText, score: vocab.scores[id] ?? 0, id, leftId });
      }
    }
  });
  merges.sort((a, b) => b.score - a.score || a.id - b.id || a.leftId - b.leftId);
  return merges.map(({ left, right }) => [left, right]);
}
