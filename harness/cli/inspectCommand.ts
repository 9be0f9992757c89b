/** `slmbench inspect PATH`: what the model is. */
import { existsSync } from 'node:fs';
import { ModelNotFoundError } from '../errors.js';
import { inspectModel } from '../model/inspectModel.js';
import { renderKeyValues } from '../../reports/console/renderKeyValues.js';

export async function inspectCommand(path: string, flags: { json?: boolean }): Promise<number> {
  if (!existsSync(path)) throw new ModelNotFoundError(path);
  const record = await inspectModel(path);
  process.stdout.write(flags.json ? `${JSON.stringify(record, null, 2)}\n` : `${renderKeyValues(record as unknown as Record<string, unknown>)}\n`);
  return 0;
}
