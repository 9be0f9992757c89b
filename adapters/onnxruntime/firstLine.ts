/**
 * The first line of an error's message, without the ANSI colour codes that onnxruntime's log lines
 * carry: slmbench's errors are one line.
 */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // ESC [ … m colour sequences
  const plain = text.replace(new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g'), '');
  return (plain.split('\n')[0] ?? '').trim();
}
