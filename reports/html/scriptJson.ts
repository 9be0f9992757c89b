/**
 * JSON to place inside a `<script type="application/json">` element: `<`, `>`, `&` and the line
 * separators U+2028/U+2029 are written as `\u` escapes, so no string from a result can close the element
 * (`</script>`) or open a comment; `JSON.parse` of the element's text gives the value back unchanged.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
