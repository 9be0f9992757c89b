/**
 * Normalisation before exact-match style comparisons, in lm-evaluation-harness's order: remove every
 * match of each `regexesToIgnore` pattern, then lower-case (`ignoreCase`), then remove ASCII punctuation
 * (`ignorePunctuation`, Python's `string.punctuation`), then trim (`trim`).
 */

/** Normalisation options of exact_match and contains. */
export interface NormalizeOptions {
  /** Lower-case both texts. Default: false. */
  ignoreCase?: boolean;
  /** Remove ASCII punctuation (``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~``). Default: false. */
  ignorePunctuation?: boolean;
  /** Regular expressions (JavaScript syntax) whose every match is removed first. Default: none. */
  regexesToIgnore?: readonly string[];
  /**
   * Remove leading and trailing white space last. Default: true (lm-evaluation-harness does not trim,
   * but its regex extraction does; a generation usually starts with a space).
   */
  trim?: boolean;
}

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** Applies the options to a text. */
export function normalizeAnswer(text: string, options: NormalizeOptions = {}): string {
  let out = text;
  for (const pattern of options.regexesToIgnore ?? []) out = out.replace(new RegExp(pattern, 'g'), '');
  if (options.ignoreCase) out = out.toLowerCase();
  if (options.ignorePunctuation) out = out.replace(PUNCTUATION, '');
  if (options.trim ?? true) out = out.trim();
  return out;
}
