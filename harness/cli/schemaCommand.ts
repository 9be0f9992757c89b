/** `slmbench schema`: the JSON Schema of config files, for editors (`$schema` in a config). */
import { writeFileSync } from 'node:fs';
import { backendRegistry } from '../../adapters/registry.js';
import { configJsonSchema } from '../config/configJsonSchema.js';
import { Command, Option } from 'commander';

export async function schemaCommand(flags: { out?: string }): Promise<number> {
  const text = `${JSON.stringify(configJsonSchema(backendRegistry), null, 2)}\n`;
  if (flags.out) writeFileSync(flags.out, text);
  else process.stdout.write(text);
  return 0;
}

/** The `schema` command: its options, and the action that calls {@link schemaCommand}. */
export function schemaCli(): Command {
  return new Command('schema')
    .description('print the JSON Schema of config files (for editors)')
    .addOption(new Option('-o, --out <file>', 'write to a file instead of stdout'))
    .action(async (flags: { out?: string }) => {
      process.exitCode = await schemaCommand(flags);
    });
}
