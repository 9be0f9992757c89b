/**
 * Reads a data file (config, task, suite, gate rules, result), YAML or JSON by its extension, so that every
 * failure is one line naming the file: `FILE: cannot read WHAT (no such file)`, `FILE: not valid YAML: …`.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { SlmbenchError } from '../errors.js';

/** Options of {@link readDataFile}. */
export interface ReadDataFileOptions {
  /** What the file is, for the message (`config`, `task file`, `rules`, `result`). Required. */
  what: string;
  /**
   * The error to throw, from the problem (`cannot read config (no such file)`) and the file as shown: the
   * caller's class (ConfigError, TaskDefinitionError, …), whose one-line message starts with the file. Required.
   */
  error: (problem: string, shown: string) => SlmbenchError;
  /** The file as messages show it. Default: `file` as given. */
  shown?: string;
  /** Parse as JSON whatever the extension. Default: JSON for `.json`, YAML otherwise. */
  json?: boolean;
}

/** The parsed contents of `file`; see the module comment. */
export function readDataFile(file: string, options: ReadDataFileOptions): unknown {
  const shown = options.shown ?? file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw options.error(`cannot read ${options.what} (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`, shown);
  }
  const json = options.json ?? extname(file).toLowerCase() === '.json';
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw options.error(`not valid ${json ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`, shown);
  }
}
