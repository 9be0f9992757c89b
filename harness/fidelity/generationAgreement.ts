/** How far an entry's greedy ids follow the reference's for the same prompt (MLPerf Client checks output tokens too). */
export interface GenerationAgreement {
  /** Index of the first token that differs; null when every compared token agrees. */
  firstDivergence: number | null;
  /** Share of positions (over the shorter of the two) holding the same token. */
  identicalShare: number;
  /** Tokens compared. */
  tokens: number;
}

/** Compares two id sequences position by position. */
export function generationAgreement(reference: readonly number[], entry: readonly number[]): GenerationAgreement {
  const tokens = Math.min(reference.length, entry.length);
  let same = 0;
  let firstDivergence: number | null = null;
  for (let i = 0; i < tokens; i++) {
    if (reference[i] === entry[i]) same++;
    else firstDivergence ??= i;
  }
  if (firstDivergence === null && reference.length !== entry.length) firstDivergence = tokens;
  return { firstDivergence, identicalShare: tokens ? same / tokens : 0, tokens };
}
