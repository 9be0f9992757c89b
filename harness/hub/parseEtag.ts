/** An entity tag without its quotes; `weak` for `W/"…"` (then not a byte-exact checksum). */
export interface Etag {
  value: string;
  weak: boolean;
}

/** Parses an `ETag` or `X-Linked-Etag` header value; null when absent or empty. */
export function parseEtag(header: string | null): Etag | null {
  if (header === null) return null;
  let value = header.trim();
  const weak = value.startsWith('W/');
  if (weak) value = value.slice(2);
  value = value.replace(/^"(.*)"$/, '$1').trim();
  return value === '' ? null : { value, weak };
}
