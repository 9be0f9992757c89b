/** JSON Schema (draft 2020-12) of config files, emitted from the zod schema. */
import { z } from 'zod';
import type { BackendDefinition } from '../../adapters/types.js';
import { configSchema } from './configSchema.js';

export function configJsonSchema(registry: readonly BackendDefinition[]): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema(registry), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'slmbench config', $id: 'urn:slmbench:config' };
}
