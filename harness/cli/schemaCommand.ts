/** `slmbench schema`: the JSON Schema of config files, for editors (`$schema` in a config). */
import { writeFileSync } from 'node:fs';
import { backendRegistry } from '../../adapters/registry.js';
import { configJsonSchema } from '../config/configJsonSchema.js';

export async function schemaCommand(flags: { out?: string }): Promise<number> {
  const text = `${JSON.stringify(configJsonSchema(backendRegistry), null, 2)}\n`;
  if (flags.out) writeFileSync(flags.out, text);
  else process.stdout.write(text);
  return 0;
}
