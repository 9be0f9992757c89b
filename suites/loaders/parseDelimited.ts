/**
 * A small CSV/TSV parser (RFC 4180 quoting when a quote character is given): fields separated by one
 * delimiter character, records by `\n` or `\r\n`; a quoted field may hold delimiters, newlines and doubled
 * quotes. With `quote: null` (the default for TSV) quote characters are plain text, as in GLUE's files.
 */

/** One parsed record and the 1-based line it starts on. */
export interface DelimitedRecord {
  fields: string[];
  line: number;
}

/** Options of {@link parseDelimited}. */
export interface DelimitedOptions {
  /** Field separator, one character. */
  delimiter: string;
  /** Quote character, or null for none. */
  quote: string | null;
}

/** Parses delimited text into records; blank lines are skipped. Throws Error naming the line of an unclosed quote. */
export function parseDelimited(text: string, options: DelimitedOptions): DelimitedRecord[] {
  const { delimiter, quote } = options;
  const records: DelimitedRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let atFieldStart = true;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    atFieldStart = true;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quote !== null && c === quote && atFieldStart) {
      // Quoted field.
      const start = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`line ${start}: quoted field is never closed`);
        const d = text[i]!;
        if (d === quote) {
          if (text[i + 1] === quote) {
            field += quote;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (d === '\n') line++;
        field += d;
        i++;
      }
      atFieldStart = false;
      continue;
    }
    if (c === delimiter) {
      fields.push(field);
      field = '';
      atFieldStart = true;
      i++;
      continue;
    }
    if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      endRecord();
      i += c === '\r' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    field += c;
    atFieldStart = false;
    i++;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}
