/**
 * Parser of slmbench's prompt templates: text with `{{ expression }}` holes. An expression is a field
 * path or a literal, followed by filters: `{{ question.choices[*].text | join(", ") }}`. There is no code
 * execution, no loops, no conditionals: a template can only read fields of the row and apply the fixed
 * filters of `templateFilters.ts`.
 *
 * Grammar:
 * ```text
 * template   := (text | "{{" expression "}}")*
 * expression := (path | literal) ("|" filter)*
 * path       := name ("." name | "[" integer "]" | "[*]" | "[" string "]")*
 * filter     := name ("(" (literal ("," literal)*)? ")")?
 * literal    := string ('…' or "…"; escapes \n \t \r \\ \' \"; any other \x stays \x) | integer
 * name       := [A-Za-z_][A-Za-z0-9_]*
 * ```
 * `{{` in plain text is written `{{ "{{" }}`.
 */

/** One step of a field path. */
export type PathStep = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'each' };

/** A parsed filter call. */
export interface FilterCall {
  name: string;
  args: (string | number)[];
}

/** A parsed expression: a path (or literal) and its filters. */
export interface Expression {
  /** The source text of the expression, for messages. */
  source: string;
  head: { kind: 'path'; steps: PathStep[] } | { kind: 'literal'; value: string | number };
  filters: FilterCall[];
}

/** A template: plain text parts and expressions, in order. */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expression'; expression: Expression };

/** A syntax error with its offset in the source. */
export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Parses a template into text parts and expressions; throws TemplateSyntaxError. */
export function parseTemplate(source: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open < 0) {
      parts.push({ kind: 'text', text: source.slice(i) });
      break;
    }
    if (open > i) parts.push({ kind: 'text', text: source.slice(i, open) });
    const parser = new ExpressionParser(source, open + 2);
    const expression = parser.parseExpression();
    parser.skipSpace();
    if (!source.startsWith('}}', parser.pos)) {
      throw new TemplateSyntaxError(
        parser.pos >= source.length ? 'unclosed "{{": expected "}}"' : `unexpected ${describeAt(source, parser.pos)} in expression: expected "|" or "}}"`,
        parser.pos,
      );
    }
    parts.push({ kind: 'expression', expression: { ...expression, source: source.slice(open + 2, parser.pos).trim() } });
    i = parser.pos + 2;
  }
  const stray = parts.find((p): p is { kind: 'text'; text: string } => p.kind === 'text' && p.text.includes('}}'));
  if (stray) throw new TemplateSyntaxError('"}}" without a matching "{{"', source.indexOf('}}'));
  return parts;
}

/** Parses a bare expression (no braces), as used by dataset field mappings. */
export function parseExpression(source: string): Expression {
  const parser = new ExpressionParser(source, 0);
  const expression = parser.parseExpression();
  parser.skipSpace();
  if (parser.pos < source.length) throw new TemplateSyntaxError(`unexpected ${describeAt(source, parser.pos)}: expected "|" or the end`, parser.pos);
  return { ...expression, source: source.trim() };
}

class ExpressionParser {
  pos: number;

  constructor(
    private readonly text: string,
    start: number,
  ) {
    this.pos = start;
  }

  parseExpression(): Expression {
    this.skipSpace();
    let head: Expression['head'];
    const c = this.text[this.pos];
    if (c === '"' || c === "'" || c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      head = { kind: 'literal', value: this.parseLiteral() };
    } else {
      head = { kind: 'path', steps: this.parsePath() };
    }
    const filters: FilterCall[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '|') break;
      this.pos++;
      this.skipSpace();
      filters.push(this.parseFilter());
    }
    return { source: '', head, filters };
  }

  parsePath(): PathStep[] {
    const steps: PathStep[] = [{ kind: 'key', key: this.parseName('a field name') }];
    for (;;) {
      const c = this.text[this.pos];
      if (c === '.') {
        this.pos++;
        steps.push({ kind: 'key', key: this.parseName('a field name after "."') });
      } else if (c === '[') {
        this.pos++;
        this.skipSpace();
        const d = this.text[this.pos];
        if (d === '*') {
          this.pos++;
          steps.push({ kind: 'each' });
        } else if (d === '"' || d === "'") {
          const key = this.parseLiteral();
          steps.push({ kind: 'key', key: String(key) });
        } else {
          const index = this.parseLiteral();
          if (typeof index !== 'number') throw new TemplateSyntaxError('expected an index', this.pos);
          steps.push({ kind: 'index', index });
        }
        this.skipSpace();
        if (this.text[this.pos] !== ']') throw new TemplateSyntaxError(`expected "]", found ${describeAt(this.text, this.pos)}`, this.pos);
        this.pos++;
      } else {
        return steps;
      }
    }
  }

  parseFilter(): FilterCall {
    const name = this.parseName('a filter name after "|"');
    const args: (string | number)[] = [];
    this.skipSpace();
    if (this.text[this.pos] === '(') {
      this.pos++;
      this.skipSpace();
      if (this.text[this.pos] !== ')') {
        for (;;) {
          this.skipSpace();
          args.push(this.parseLiteral());
          this.skipSpace();
          if (this.text[this.pos] === ',') {
            this.pos++;
            continue;
          }
          break;
        }
      }
      if (this.text[this.pos] !== ')') throw new TemplateSyntaxError(`expected "," or ")" in the arguments of ${name}, found ${describeAt(this.text, this.pos)}`, this.pos);
      this.pos++;
    }
    return { name, args };
  }

  parseLiteral(): string | number {
    const c = this.text[this.pos];
    if (c === '"' || c === "'") {
      let out = '';
      let i = this.pos + 1;
      for (;;) {
        const d = this.text[i];
        if (d === undefined) throw new TemplateSyntaxError('unterminated string', this.pos);
        if (d === c) break;
        if (d === '\\') {
          const e = this.text[i + 1];
          const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
          if (e === undefined) throw new TemplateSyntaxError('unterminated string', this.pos);
          // Other escapes stay as written, so regular expressions read naturally: '\[.*?\]'.
          out += escapes[e] ?? `\\${e}`;
          i += 2;
          continue;
        }
        out += d;
        i++;
      }
      this.pos = i + 1;
      return out;
    }
    const m = /^-?\d+/.exec(this.text.slice(this.pos));
    if (!m) throw new TemplateSyntaxError(`expected a string or an integer, found ${describeAt(this.text, this.pos)}`, this.pos);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  parseName(what: string): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) throw new TemplateSyntaxError(`expected ${what}, found ${describeAt(this.text, this.pos)}`, this.pos);
    this.pos += m[0].length;
    return m[0];
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }
}

function describeAt(text: string, pos: number): string {
  if (pos >= text.length) return 'the end';
  return JSON.stringify(text.slice(pos, pos + 8));
}
