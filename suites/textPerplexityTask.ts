/**
 * A perplexity task over any plain-text file, built without a task file: for `--perplexity FILE` style
 * command-line use or a config entry. Documents are separated by `separator` (default: a blank line).
 */
import { dirname, resolve } from 'node:path';
import { parseTask } from './loadTask.js';
import { resolveTask, type ResolveTaskOptions, type ResolvedTask } from './resolveTask.js';

/** Options of {@link textPerplexityTask}. */
export interface TextPerplexityOptions extends Omit<ResolveTaskOptions, 'dataset'> {
  /** Text between documents. Default: a blank line (`"\n\n"`). */
  separator?: string;
  /** New tokens predicted per window. Default: the whole window (disjoint windows). */
  stride?: number;
  /** Most tokens per window. Default: the model's context length. */
  maxLength?: number;
  /** Task id in the result. Default: `perplexity`. */
  id?: string;
  /** Expected sha256 of the file. Default: none (the sha256 used is recorded either way). */
  sha256?: string;
}

/** A resolved perplexity task over `file`. */
export function textPerplexityTask(file: string, options: TextPerplexityOptions = {}): ResolvedTask {
  const absolute = resolve(file);
  const { separator, stride, maxLength, id, sha256, ...resolveOptions } = options;
  const data = {
    id: id ?? 'perplexity',
    version: 1,
    description: `Perplexity of ${absolute}`,
    type: 'perplexity',
    dataset: { source: absolute, format: 'text', separator: separator ?? '\n\n', ...(sha256 ? { sha256 } : {}) },
    ...(stride ? { stride } : {}),
    ...(maxLength ? { maxLength } : {}),
  };
  return resolveTask(parseTask(data, absolute, dirname(absolute)), resolveOptions);
}
