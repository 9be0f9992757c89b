/**
 * Escapes text for XML attribute values and element content: `& < > " '` become entities, and
 * characters XML 1.0 does not allow (control characters other than tab, newline and carriage return,
 * lone surrogates, U+FFFE/U+FFFF) become U+FFFD, so that any error message yields well-formed XML.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
