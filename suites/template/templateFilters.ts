/**
 * The filters templates may apply. Each is a pure function of its input and literal arguments: no I/O,
 * no code from the task file is run (regular expressions are JavaScript RegExp syntax).
 */

/** A filter: input value and literal arguments → output value; throws Error with a short reason. */
export type TemplateFilter = (value: unknown, args: readonly (string | number)[]) => unknown;

interface FilterSpec {
  /** Allowed argument counts. */
  arity: readonly number[];
  /** Argument kinds, by position. */
  kinds?: readonly ('string' | 'number')[];
  apply: TemplateFilter;
}

const str = (value: unknown, filter: string): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new Error(`${filter} expects text, got ${describeValue(value)}`);
};

const list = (value: unknown, filter: string): unknown[] => {
  if (Array.isArray(value)) return value;
  throw new Error(`${filter} expects a list, got ${describeValue(value)}`);
};

/** Python's str.capitalize(): first character upper case, the rest lower case. */
function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1).toLowerCase();
}

/** Filters by name. */
export const templateFilters: Readonly<Record<string, FilterSpec>> = {
  /** Removes leading and trailing white space. */
  trim: { arity: [0], apply: (v) => str(v, 'trim').trim() },
  /** Lower case. */
  lower: { arity: [0], apply: (v) => str(v, 'lower').toLowerCase() },
  /** Upper case. */
  upper: { arity: [0], apply: (v) => str(v, 'upper').toUpperCase() },
  /** Python's `str.capitalize()`: first character upper case, the rest lower case. */
  capitalize: { arity: [0], apply: (v) => capitalize(str(v, 'capitalize')) },
  /** Upper-cases the first character after the last occurrence of the argument (the text is otherwise kept). */
  capitalize_after_last: {
    arity: [1],
    kinds: ['string'],
    apply: (v, [sep]) => {
      const text = str(v, 'capitalize_after_last');
      const at = text.lastIndexOf(sep as string);
      if (at < 0) return text;
      const i = at + (sep as string).length;
      return text.slice(0, i) + text.slice(i, i + 1).toUpperCase() + text.slice(i + 1);
    },
  },
  /** Replaces every occurrence of the first argument by the second. */
  replace: { arity: [2], kinds: ['string', 'string'], apply: (v, [a, b]) => str(v, 'replace').split(a as string).join(b as string) },
  /**
   * Replaces every match of a regular expression (JavaScript syntax, global) by a replacement (`$1` refers
   * to groups); an optional third argument adds flags (`i`, `s`, `m`, `u`).
   */
  regex_replace: {
    arity: [2, 3],
    kinds: ['string', 'string', 'string'],
    apply: (v, [pattern, replacement, flags]) =>
      str(v, 'regex_replace').replace(new RegExp(pattern as string, `g${(flags as string | undefined) ?? ''}`), replacement as string),
  },
  /** The text before the first occurrence of the argument; an error when it does not occur. */
  before: {
    arity: [1],
    kinds: ['string'],
    apply: (v, [sep]) => {
      const text = str(v, 'before');
      const at = text.indexOf(sep as string);
      if (at < 0) throw new Error(`before(${JSON.stringify(sep)}): ${JSON.stringify(sep)} does not occur in ${JSON.stringify(clip(text))}`);
      return text.slice(0, at);
    },
  },
  /** The text after the first occurrence of the argument; an error when it does not occur. */
  after: {
    arity: [1],
    kinds: ['string'],
    apply: (v, [sep]) => {
      const text = str(v, 'after');
      const at = text.indexOf(sep as string);
      if (at < 0) throw new Error(`after(${JSON.stringify(sep)}): ${JSON.stringify(sep)} does not occur in ${JSON.stringify(clip(text))}`);
      return text.slice(at + (sep as string).length);
    },
  },
  /** Splits text on a separator (every occurrence) into a list. */
  split: { arity: [1], kinds: ['string'], apply: (v, [sep]) => str(v, 'split').split(sep as string) },
  /** Joins a list into text with a separator (default ""). */
  join: { arity: [0, 1], kinds: ['string'], apply: (v, [sep]) => list(v, 'join').map((x) => str(x, 'join')).join((sep as string | undefined) ?? '') },
  /** The first element of a list. */
  first: { arity: [0], apply: (v) => at(list(v, 'first'), 0, 'first') },
  /** The last element of a list. */
  last: { arity: [0], apply: (v) => at(list(v, 'last'), -1, 'last') },
  /** The element at an index (negative counts from the end). */
  at: { arity: [1], kinds: ['number'], apply: (v, [i]) => at(list(v, 'at'), i as number, 'at') },
  /** Python-style slice `[start:end]` of a list or text (negative indices count from the end). */
  slice: {
    arity: [1, 2],
    kinds: ['number', 'number'],
    apply: (v, [start, end]) => (Array.isArray(v) ? v : str(v, 'slice')).slice(start as number, end as number | undefined),
  },
  /** Number of elements of a list or characters of a text. */
  length: { arity: [0], apply: (v) => (Array.isArray(v) ? v.length : [...str(v, 'length')].length) },
  /** Turns a number or boolean into text (`true`, `false`, `12`). */
  string: { arity: [0], apply: (v) => str(v, 'string') },
  /** Prepends text. */
  prepend: { arity: [1], kinds: ['string'], apply: (v, [p]) => (p as string) + str(v, 'prepend') },
  /** Appends text. */
  append: { arity: [1], kinds: ['string'], apply: (v, [p]) => str(v, 'append') + (p as string) },
};

function at(values: unknown[], index: number, filter: string): unknown {
  const i = index < 0 ? values.length + index : index;
  if (i < 0 || i >= values.length) throw new Error(`${filter}: index ${index} is outside a list of ${values.length}`);
  return values[i];
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Short description of a value's type for messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(clip(String(value)))}`;
}
