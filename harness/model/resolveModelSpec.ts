/**
 * Resolves a model spec as written in a config or on the command line to local files.
 * - a local path (file or folder), used as it is;
 * - `forge:PRESET[@SEED][/VARIANT]`: a model forged by slmbench (`harness/forge`), made once into the cache
 *   and reused; VARIANT is a GGUF type (`F32` default, `F16`, `Q8_0`, `Q4_0`) or `onnx` (the
 *   transformers.js folder with the same weights);
 * - `hf:OWNER/REPO[/PATH][@REVISION]`: a model on the Hugging Face hub (`SLMBENCH_HF_ENDPOINT`), downloaded
 *   into the cache on first use and read from there afterwards (`harness/hub/resolveHubModel.ts`);
 * - `remote:NAME`: a model served over HTTP (the `remote` backend), returned unchanged: nothing local.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { FORGE_PRESETS } from '../forge/forgePresets.js';
import { FORGE_FORMAT_VERSION, FORGE_FORMATS, FORGE_ONNX_FILES, forgeModel } from '../forge/forgeModel.js';
import { cacheDir } from '../hub/cacheDir.js';
import type { HubOptions } from '../hub/HubOptions.js';
import { resolveHubModel } from '../hub/resolveHubModel.js';
import type { GgufFileType } from '../forge/buildGgufMetadata.js';
import { hasScheme } from './hasScheme.js';
import { makeDir } from '../util/makeDir.js';

export { cacheDir };

/** A variant of a forged model: one of its GGUF files, or `onnx` for its transformers.js folder. */
export type ForgeVariant = GgufFileType | 'onnx';

/** The variants: the forge's GGUF formats (`FORGE_FORMATS`), then `onnx`. */
export const FORGE_VARIANTS: readonly ForgeVariant[] = [...FORGE_FORMATS.filter((f): f is GgufFileType => !(f in FORGE_ONNX_FILES)), 'onnx'];

/** A parsed `forge:` spec. */
export interface ForgeSpec {
  preset: string;
  seed: number;
  variant: ForgeVariant;
}

/** Parses `forge:PRESET[@SEED][/VARIANT]`; throws ConfigError naming what is wrong. */
export function parseForgeSpec(spec: string): ForgeSpec {
  const m = /^forge:([^@/]+)(?:@(\d+))?(?:\/(.+))?$/.exec(spec);
  if (!m) throw new ConfigError(`model "${spec}": expected forge:PRESET[@SEED][/VARIANT]`);
  const preset = m[1]!;
  if (!Object.hasOwn(FORGE_PRESETS, preset)) {
    throw new ConfigError(`model "${spec}": unknown forge preset "${preset}"; presets: ${Object.keys(FORGE_PRESETS).join(', ')}`);
  }
  const variant = (m[3] ?? 'F32') as ForgeVariant;
  if (!FORGE_VARIANTS.includes(variant)) {
    throw new ConfigError(`model "${spec}": unknown variant "${m[3]}"; variants: ${FORGE_VARIANTS.join(', ')}`);
  }
  const seed = m[2] === undefined ? 0 : Number(m[2]);
  if (!Number.isSafeInteger(seed) || seed >= 2 ** 32) throw new ConfigError(`model "${spec}": seed must be below 2^32`);
  return { preset, seed, variant };
}

/** Options of {@link resolveModelSpec}. */
export interface ResolveOptions {
  /** Called when a model has to be forged first (for a progress line). Default: none. */
  onForge?: (spec: string, folder: string) => void;
  /**
   * Options of `hf:` downloads (endpoint, token, offline mode, progress, …). Default: `{}`, i.e. each
   * from the environment (see HubOptions).
   */
  hub?: HubOptions;
}

/**
 * Returns the absolute local path of a spec that has a scheme, forging or downloading it first when
 * needed. Local paths are returned unchanged.
 */
export async function resolveModelSpec(spec: string, absolutePath: string, options: ResolveOptions = {}): Promise<string> {
  if (!hasScheme(spec)) return absolutePath;
  if (spec.startsWith('remote:')) return spec;
  if (spec.startsWith('hf:')) return resolveHubModel(spec, options.hub);
  if (!spec.startsWith('forge:')) {
    throw new ConfigError(`model "${spec}": unknown source scheme "${spec.split(':')[0]}:" (known: forge:, hf:, remote:, or a local path)`);
  }
  const forge = parseForgeSpec(spec);
  const folder = join(cacheDir(), 'forge', `${forge.preset}-s${forge.seed}-v${FORGE_FORMAT_VERSION}`);
  if (!existsSync(join(folder, 'forge.json'))) {
    options.onForge?.(spec, folder);
    // Forge into a temporary folder and rename: a forge cut short never leaves a half model in the cache.
    const temp = `${folder}.tmp-${process.pid}`;
    rmSync(temp, { recursive: true, force: true });
    makeDir(temp);
    try {
      await forgeModel({ outDir: temp, preset: forge.preset, seed: forge.seed });
      if (!existsSync(join(folder, 'forge.json'))) {
        rmSync(folder, { recursive: true, force: true });
        renameSync(temp, folder);
      }
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }
  return forge.variant === 'onnx' ? join(folder, 'transformersjs') : join(folder, `model-${forge.variant}.gguf`);
}
