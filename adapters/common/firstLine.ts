/**
 * Turns an error from a backend into the one-line text slmbench's own errors quote (`… failed: <text>`).
 */
import { SlmbenchError } from '../../harness/errors.js';

// ESC [ … m colour sequences, as in onnxruntime's log lines.
const ANSI_COLOUR = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g');

/**
 * The message of a SlmbenchError as it is (slmbench's messages are one line already); for anything
 * else the first non-blank line of its message, trimmed and without ANSI colour codes.
 */
export function firstLine(error: unknown): string {
  if (error instanceof SlmbenchError) return error.message;
  const text = (error instanceof Error ? error.message : String(error)).replace(ANSI_COLOUR, '');
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim();
}
