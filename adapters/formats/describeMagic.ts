/** `"hell" (68 65 6c 6c)`: the first 4 bytes of a file, printable ASCII shown as text, always the hex bytes. */
export function describeMagic(magic: Uint8Array): string {
  const bytes = [...magic.subarray(0, 4)];
  if (bytes.length === 0) return 'an empty file';
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = bytes.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `${JSON.stringify(text)} (${hex})`;
}
