/**
 * "Did you mean …?" for unknown names: the candidate with the smallest edit distance, when it is close
 * enough (distance ≤ max(2, a third of the name's length)); else the first candidate that contains the
 * name (of 4 characters or more), ignoring case (`repetitions` → `minRepetitions`).
 */
export function closestMatch(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  if (bestDistance <= Math.max(2, Math.floor(name.length / 3))) return best;
  const lower = name.toLowerCase();
  return lower.length >= 4 ? candidates.find((c) => c.toLowerCase().includes(lower)) : undefined;
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}
