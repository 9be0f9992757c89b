/** A parsed `Content-Range`: `bytes START-END/TOTAL`; start and end are null in the unsatisfied form of a 416 (a star for the range), total is null when the total is a star. */
export interface ContentRange {
  start: number | null;
  end: number | null;
  total: number | null;
}

/** Parses a `Content-Range` header of a 206 or 416 reply; null when absent or malformed. */
export function parseContentRange(header: string | null): ContentRange | null {
  const m = header === null ? null : /^\s*bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)\s*$/i.exec(header);
  if (!m) return null;
  const number = (text: string | undefined): number | null => (text === undefined || text === '*' ? null : Number(text));
  return { start: number(m[1]), end: number(m[2]), total: number(m[3]) };
}
