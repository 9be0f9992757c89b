/**
 * The model formats of this slmbench: the built-in ones (`adapters/formats/`) and any a registered
 * backend brings in its own folder, each once, built-ins first. Detection tries them in this order.
 */
import { backendRegistry } from '../../adapters/registry.js';
import type { BackendDefinition, ModelFormatDefinition } from '../../adapters/types.js';
import { BUILTIN_FORMATS } from '../../adapters/formats/builtinFormats.js';

/** Every format known to `registry` (default: the built-in backends), built-ins first. */
export function modelFormats(registry: readonly BackendDefinition[] = backendRegistry): ModelFormatDefinition[] {
  const formats = [...BUILTIN_FORMATS];
  for (const definition of registry) {
    for (const format of definition.formats) if (!formats.some((f) => f.id === format.id)) formats.push(format);
  }
  return formats;
}
