/**
 * Regex extraction of an answer from a generation, as lm-evaluation-harness's `regex` filter does it:
 * find every match; pick one (`first`, `last`, or an index, negative from the end); its value is the
 * first non-empty capture group (the whole match when the pattern has no groups), trimmed. No match (or
 * no non-empty group) gives the fallback.
 */

/** Extraction options. */
export interface ExtractOptions {
  /** Regular expression, JavaScript syntax. */
  regex: string;
  /** Which match: `first`, `last`, or an index (negative counts from the end). Default: `first`. */
  select?: 'first' | 'last' | number;
  /** Value when nothing matches. Default: `[invalid]`. */
  fallback?: string;
  /** Extra regex flags (`i`, `s`, `m`, `u`). Default: none. */
  flags?: string;
}

/** Extracts the answer from a text. */
export function extractAnswer(text: string, options: ExtractOptions): string {
  const fallback = options.fallback ?? '[invalid]';
  const matches = [...text.matchAll(new RegExp(options.regex, `g${options.flags ?? ''}`))];
  if (matches.length === 0) return fallback;
  const select = options.select ?? 'first';
  const index = select === 'first' ? 0 : select === 'last' ? matches.length - 1 : select < 0 ? matches.length + select : select;
  const match = matches[index];
  if (!match) return fallback;
  const value = match.length > 1 ? match.slice(1).find((g) => g !== undefined && g !== '') : match[0];
  return value === undefined ? fallback : value.trim();
}
