/** `slmbench inspect PATH`: what the model is. */
import { existsSync } from 'node:fs';
import { ModelNotFoundError } from '../errors.js';
import { inspectModel } from '../model/inspectModel.js';
import { renderKeyValues } from '../../reports/console/renderKeyValues.js';
import { Command } from 'commander';

export async function inspectCommand(path: string, flags: { json?: boolean }): Promise<number> {
  if (!existsSync(path)) throw new ModelNotFoundError(path);
  const record = await inspectModel(path);
  process.stdout.write(flags.json ? `${JSON.stringify(record, null, 2)}\n` : `${renderKeyValues(record as unknown as Record<string, unknown>)}\n`);
  return 0;
}

/** The `inspect` command: its options, and the action that calls {@link inspectCommand}. */
export function inspectCli(): Command {
  return new Command('inspect')
    .description('describe a model: format, architecture, parameters, quantization, size, sha256, context, vocabulary')
    .argument('<path>', 'GGUF file, ONNX file or transformers.js model folder')
    .option('--json', 'print JSON')
    .action(async (path: string, flags: { json?: boolean }) => {
      process.exitCode = await inspectCommand(path, flags);
    });
}
