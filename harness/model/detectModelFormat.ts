/**
 * Tells which format a model path holds, from the file's magic bytes or the folder's layout. Cheap: it
 * reads at most 4 bytes and one or two directory listings, never the weights.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { ModelSource } from '../../adapters/types.js';
import { ModelFormatError, ModelNotFoundError } from '../errors.js';

const GGUF_MAGIC = Buffer.from('GGUF', 'latin1');

/**
 * Resolves `path` to an absolute path and its format:
 * - a file starting with the magic `GGUF` → `gguf` (a `.gguf` file without it is an error that shows the
 *   bytes found instead);
 * - a `.onnx` file → `onnx` (its contents are checked by `inspectModel`, not here);
 * - a folder with `config.json` and an `onnx/` subfolder holding `.onnx` files → `transformers-js`;
 * - a `remote:NAME` spec (a model served over HTTP) → `remote`, the spec unchanged as the path.
 *
 * Throws ModelNotFoundError when nothing exists at `path`, ModelFormatError for anything else.
 */
export async function detectModelFormat(path: string): Promise<ModelSource> {
  if (path.startsWith('remote:')) return { path, format: 'remote' };
  const absolute = resolve(path);
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new ModelNotFoundError(absolute);
    }
    throw new ModelFormatError(absolute, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  if (info.isDirectory()) return { path: absolute, format: await detectFolderFormat(absolute) };
  if (!info.isFile()) throw new ModelFormatError(absolute, 'neither a regular file nor a folder');

  const extension = extname(absolute).toLowerCase();
  const magic = await readMagic(absolute);
  if (magic.equals(GGUF_MAGIC)) return { path: absolute, format: 'gguf' };
  if (extension === '.gguf') {
    throw new ModelFormatError(
      absolute,
      magic.length < 4
        ? `not a GGUF file: it is ${info.size} bytes long, too short for the 4-byte magic "GGUF"`
        : `not a GGUF file: expected the magic "GGUF" (47 47 55 46), found ${describeMagic(magic)}`,
    );
  }
  if (extension === '.onnx') return { path: absolute, format: 'onnx' };
  throw new ModelFormatError(
    absolute,
    `unknown model format: expected a .gguf file (magic "GGUF"), a .onnx file, or a transformers.js folder ` +
      `(config.json and onnx/); this file starts with ${describeMagic(magic)}`,
  );
}

async function detectFolderFormat(folder: string): Promise<'transformers-js'> {
  const entries = await readdir(folder, { withFileTypes: true });
  const hasConfig = entries.some((e) => e.isFile() && e.name === 'config.json');
  const hasOnnxFolder = entries.some((e) => e.isDirectory() && e.name === 'onnx');
  if (hasConfig && hasOnnxFolder) {
    const onnxFiles = (await readdir(join(folder, 'onnx'))).filter((name) => name.toLowerCase().endsWith('.onnx'));
    if (onnxFiles.length === 0) {
      throw new ModelFormatError(folder, 'transformers.js folder without weights: onnx/ holds no .onnx file');
    }
    return 'transformers-js';
  }
  const ggufFiles = entries.filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.gguf')).map((e) => e.name);
  const hint =
    ggufFiles.length > 0
      ? `; to use a GGUF file, give its path (e.g. ${join(folder, ggufFiles[0]!)})`
      : hasConfig
        ? '; it has config.json but no onnx/ subfolder (slmbench reads ONNX weights, not PyTorch/safetensors)'
        : hasOnnxFolder
          ? '; it has an onnx/ subfolder but no config.json'
          : '';
  throw new ModelFormatError(
    folder,
    `not a model folder: a transformers.js model folder (${basename(folder)}/config.json and ${basename(folder)}/onnx/) was expected${hint}`,
  );
}

async function readMagic(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** `"hell" (68 65 6c 6c)`: printable ASCII shown as text, always the hex bytes. */
function describeMagic(magic: Buffer): string {
  if (magic.length === 0) return 'an empty file';
  const hex = [...magic].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = [...magic].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `${JSON.stringify(text)} (${hex})`;
}
