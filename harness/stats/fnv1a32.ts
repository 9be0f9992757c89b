/**
 * FNV-1a (32 bits) of a text's UTF-8 bytes: the one name hash of slmbench's random streams (a metric's
 * or a task part's bootstrap stream, a forged tensor's weights).
 */

/** FNV-1a of `text` encoded as UTF-8, as an unsigned 32-bit integer. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}
