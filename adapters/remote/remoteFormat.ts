/**
 * A model served over HTTP by an OpenAI-compatible server, named `remote:NAME` (the `remote` backend): no
 * local file, so nothing is inspected and no roofline is drawn; the server's memory and energy are not
 * measured.
 */
import type { ModelFormatDefinition } from '../types.js';

export const remoteFormat: ModelFormatDefinition = {
  id: 'remote',
  expects: 'a model served over HTTP (remote:NAME)',
  scheme: 'remote',
};
