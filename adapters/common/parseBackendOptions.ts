/**
 * Validates a backend's option object against its schema inside `load()`, for adapters that are handed
 * options from outside the harness's config parsing.
 */
import type { z } from 'zod';
import { BackendOptionError } from '../../harness/errors.js';
import { zodMessages } from '../../harness/util/describeZodIssue.js';

/**
 * @param backend backend id, named in the error
 * @param schema the backend's option schema
 * @param options the options as given
 * @returns the parsed options, defaults filled in
 * @throws BackendOptionError naming the first offending option
 */
export function parseBackendOptions<TSchema extends z.ZodType>(backend: string, schema: TSchema, options: unknown): z.output<TSchema> {
  const parsed = schema.safeParse(options, { error: zodMessages });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackendOptionError(backend, issue?.path.join('.') || '(options)', issue?.message ?? 'invalid options');
  }
  return parsed.data;
}
