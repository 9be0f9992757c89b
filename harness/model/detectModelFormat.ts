/**
 * Tells which format a model path holds by asking each known format's detector (magic bytes, a folder's
 * layout; see `modelFormats`). Cheap: it reads at most 8 bytes and one directory listing, never the weights.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BackendDefinition, ModelPathProbe, ModelSource } from '../../adapters/types.js';
import { describeMagic } from '../../adapters/formats/describeMagic.js';
import { ModelFormatError, ModelNotFoundError } from '../errors.js';
import { modelFormats } from './modelFormats.js';

/**
 * Resolves `path` to an absolute path and its format: a spec with a format's scheme (`remote:NAME`) is
 * that format, the spec unchanged as the path; an existing file or folder is the first format whose
 * detector claims it (`.gguf` by its magic, `.onnx` by its extension, a transformers.js folder by
 * `config.json` and `onnx/`).
 *
 * @param registry the backends whose formats count (default: the built-in ones)
 * @throws ModelNotFoundError when nothing exists at `path`; ModelFormatError naming the file when no
 *   format claims it: the first reason a detector gave (a `.gguf` file without the magic), else what was expected
 */
export async function detectModelFormat(path: string, registry?: readonly BackendDefinition[]): Promise<ModelSource> {
  const formats = modelFormats(registry);
  const scheme = formats.find((f) => f.scheme !== undefined && path.startsWith(`${f.scheme}:`));
  if (scheme) return { path, format: scheme.id };
  const absolute = resolve(path);
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ModelNotFoundError(absolute);
    throw new ModelFormatError(absolute, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  if (!info.isDirectory() && !info.isFile()) throw new ModelFormatError(absolute, 'neither a regular file nor a folder');
  const probe: ModelPathProbe = info.isDirectory()
    ? { path: absolute, kind: 'folder', sizeBytes: 0, magic: Buffer.alloc(0), entries: (await readdir(absolute, { withFileTypes: true })).map((e) => ({ name: e.name, folder: e.isDirectory() })) }
    : { path: absolute, kind: 'file', sizeBytes: info.size, magic: await readMagic(absolute), entries: [] };
  const problems: string[] = [];
  for (const format of formats) {
    if (!format.detect) continue;
    const verdict = await format.detect(probe);
    if (verdict === true) return { path: absolute, format: format.id };
    if (typeof verdict === 'string') problems.push(verdict);
  }
  if (problems[0] !== undefined) throw new ModelFormatError(absolute, problems[0]);
  const expected = formats.filter((f) => f.detect).map((f) => f.expects);
  const list = expected.length > 1 ? `${expected.slice(0, -1).join(', ')}, or ${expected.at(-1)}` : (expected[0] ?? 'a model');
  throw new ModelFormatError(
    absolute,
    probe.kind === 'file'
      ? `unknown model format: expected ${list}; this file starts with ${describeMagic(probe.magic)}`
      : `not a model folder: expected ${list}`,
  );
}

async function readMagic(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(8);
    const { bytesRead } = await handle.read(buffer, 0, 8, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
