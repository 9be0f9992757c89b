/**
 * Resolves a model spec `hf:OWNER/REPO[/PATH][@REVISION]` to local files in the cache, downloading what
 * is missing:
 * - `…/file.gguf`: that file (fetched directly, without listing the repository);
 * - `…/path/to/model.onnx`: that file, its external data, and the config and tokenizer files of its
 *   transformers.js folder (the folder holding `onnx/`, or the file's own), so that a backend that loads
 *   a bare `.onnx` file finds its tokenizer; the file's path is returned;
 * - any other file of the repository: that file;
 * - the repository, or a folder in it: the model file chosen by {@link chooseModelFiles} (a lone `.gguf`
 *   file, or a transformers.js folder, whose local path is returned).
 * Files of one spec are fetched at the commit the revision resolved to, so they belong together.
 */
import { readFileSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import { ConfigError } from '../errors.js';
import { interpretTransformersConfig } from '../../adapters/formats/transformers-js/readTransformersConfig.js';
import { chooseModelFiles, TRANSFORMERS_JS_OPTIONAL, TRANSFORMERS_JS_REQUIRED } from './chooseModelFiles.js';
import { downloadHubFile } from './downloadHubFile.js';
import { formatHubRef } from './formatHubRef.js';
import { HubHttpError, HubModelFileError, HubNotFoundError } from './hubErrors.js';
import type { HubOptions } from './HubOptions.js';
import { type HubFileInfo, listHubFiles } from './listHubFiles.js';
import { parseHubSpec } from './parseHubSpec.js';

/**
 * Returns the absolute local path (file or folder) of the model `spec` names.
 * @throws ConfigError for a malformed spec; HubModelFileError when the repository holds several `.gguf`
 *   files and no path says which, or no model; the errors of listHubFiles and downloadHubFile
 */
export async function resolveHubModel(spec: string, options: HubOptions = {}): Promise<string> {
  const parsed = parseHubSpec(spec);
  if (parsed.repoType !== 'model') throw new ConfigError(`model "${spec}": names a dataset; a model spec is hf:OWNER/REPO[/PATH][@REVISION]`);
  const { path } = parsed;
  if (path !== null && path.toLowerCase().endsWith('.gguf')) return downloadHubFile({ ...parsed, path }, options);

  const listing = await listHubFiles(parsed, options);
  const byPath = new Map(listing.files.map((file) => [file.path, file]));
  const fetchFile = (file: string): Promise<string> => {
    const info: HubFileInfo | undefined = byPath.get(file);
    // Pinned to the commit the listing came from, so every file of the model belongs to it.
    return downloadHubFile(
      { repoType: parsed.repoType, repo: parsed.repo, revision: listing.commit ?? parsed.revision, path: file },
      { ...options, expected: { size: info?.size ?? null, sha256: info?.sha256 ?? null } },
    );
  };

  if (path !== null && byPath.has(path)) {
    if (!path.toLowerCase().endsWith('.onnx')) return fetchFile(path);
    const local = await fetchFile(path);
    for (const file of onnxCompanions(path, [...byPath.keys()])) await fetchFile(file);
    return local;
  }
  const folder = path ?? '';
  const prefix = folder === '' ? '' : `${folder}/`;
  const paths = listing.files.map((file) => file.path);
  if (path !== null && !paths.some((file) => file.startsWith(prefix))) {
    throw new HubNotFoundError(`${spec}: no file or folder "${path}" in ${parsed.repo} at revision "${parsed.revision}"`);
  }

  let choice = chooseModelFiles(paths, folder, null);
  const hasOnnx = paths.some((file) => file.startsWith(`${prefix}onnx/`) && file.endsWith('.onnx'));
  if (choice.kind !== 'gguf' && hasOnnx && byPath.has(`${prefix}config.json`) && !byPath.has(`${prefix}onnx/model.onnx`)) {
    // Which ONNX file transformers.js loads then depends on config.json.
    choice = chooseModelFiles(paths, folder, configuredDtype(await fetchFile(`${prefix}config.json`)));
  }
  const label = formatHubRef(parsed);
  switch (choice.kind) {
    case 'gguf':
      return fetchFile(choice.path);
    case 'transformers-js': {
      const locals: string[] = [];
      for (const file of choice.files) locals.push(await fetchFile(file));
      const folderPath = dirname(locals[0]!); // config.json comes first
      if (!locals.every((local) => local.startsWith(folderPath + sep))) {
        throw new HubHttpError(`${label}: the files of the model came from different commits; name a commit with @REVISION`);
      }
      return folderPath;
    }
    case 'several-gguf': {
      const shown = choice.paths.slice(0, 20).map((file) => formatHubRef({ ...parsed, path: file }).replace(/@main$/, ''));
      const more = choice.paths.length > shown.length ? `, and ${choice.paths.length - shown.length} more` : '';
      throw new HubModelFileError(`${label} holds ${choice.paths.length} .gguf files; name one: ${shown.join(', ')}${more}`);
    }
    case 'none':
      throw new HubModelFileError(`${label}: cannot tell which model file to use: ${choice.reason}`);
  }
}

/**
 * External data of an `.onnx` file (`…onnx_data`, `…onnx_data_1`, …), and the config and tokenizer files
 * of its transformers.js folder: the parent of `onnx/`, else the file's own folder.
 */
function onnxCompanions(onnx: string, paths: readonly string[]): string[] {
  const external = paths.filter((path) => path.startsWith(`${onnx}_data`) && /^_data(_\d+)?$/.test(path.slice(onnx.length)));
  const own = onnx.includes('/') ? onnx.slice(0, onnx.lastIndexOf('/')) : '';
  const parent = own.includes('/') ? own.slice(0, own.lastIndexOf('/')) : '';
  const folders = own === '' ? [''] : [parent, own];
  const at = (folder: string, name: string): string => (folder === '' ? name : `${folder}/${name}`);
  const folder = folders.find((candidate) => paths.includes(at(candidate, 'tokenizer.json')));
  const metadata =
    folder === undefined ? [] : [...TRANSFORMERS_JS_REQUIRED, ...TRANSFORMERS_JS_OPTIONAL].map((name) => at(folder, name)).filter((path) => paths.includes(path));
  return [...external.sort(), ...metadata];
}

/** `transformers.js_config.dtype` of a config.json, as the one config interpreter reads it; null when absent or unreadable. */
function configuredDtype(configPath: string): string | null {
  try {
    const dtype = interpretTransformersConfig(JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>).defaultDtype;
    return typeof dtype === 'string' ? dtype : null;
  } catch {
    return null; // the backends report an unreadable config.json with its path
  }
}
