/**
 * `slmbench forge`: writes a synthetic benchmark model (seeded random weights, a real model's shape) as
 * GGUF files and a transformers.js folder holding the same weights; with `--fit FILE`, an exact bigram
 * model of that text.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { FORGE_FORMATS, forgeModel, type ForgeFormat } from '../forge/forgeModel.js';
import type { ForgeDimensions } from '../forge/forgePresets.js';
import { closestMatch } from '../util/closestMatch.js';
import { Command } from 'commander';
import { forgeMergeCli } from './forgeMergeCommand.js';

/** Flags of `slmbench forge`, as commander hands them over (values may still be strings). */
export interface ForgeCommandFlags {
  /** Shape preset. Default: `tiny`, or `bigram` with `--fit`. */
  preset?: string;
  /** Output folder. Default: `forged/<preset>[-custom]-seed<seed>` under the current folder. */
  out?: string;
  /** Seed of the weights, 0 to 4294967295. Default: 0. */
  seed?: string | number;
  /**
   * Formats, comma-separated or repeated: `F32`, `F16`, `Q8_0`, `Q4_0`, `transformers-js` (fp32 ONNX;
   * aliases `onnx`, `onnx-fp32`, `tjs`), `onnx-q8` (alias `q8`), `onnx-q4` (alias `q4`), or `all`.
   * Case-insensitive. Default: all.
   */
  formats?: string | string[];
  /** A UTF-8 text file: make the model an exact bigram model of it. Default: none (random weights). */
  fit?: string;
  /** Add-k smoothing of `--fit`. Default: 0.01. */
  fitSmoothing?: string | number;
  /** Dimension overrides; each default: the preset's value. */
  vocabSize?: string | number;
  hiddenSize?: string | number;
  intermediateSize?: string | number;
  numLayers?: string | number;
  numHeads?: string | number;
  numKvHeads?: string | number;
  contextLength?: string | number;
  /** `true`/`false`. */
  tiedEmbeddings?: string | boolean;
  ropeTheta?: string | number;
  rmsNormEps?: string | number;
  /** Replace forge files already in the output folder. Default: false. */
  force?: boolean;
  /** Print `forge.json` (plus `seconds`) instead of the summary. Default: false. */
  json?: boolean;
}

const INTEGER_DIMENSIONS = ['vocabSize', 'hiddenSize', 'intermediateSize', 'numLayers', 'numHeads', 'numKvHeads', 'contextLength'] as const;
const FORMAT_ALIASES: Record<string, ForgeFormat> = {
  f32: 'F32',
  f16: 'F16',
  q8_0: 'Q8_0',
  q4_0: 'Q4_0',
  'transformers-js': 'transformers-js',
  transformersjs: 'transformers-js',
  onnx: 'transformers-js',
  'onnx-fp32': 'transformers-js',
  tjs: 'transformers-js',
  'onnx-q8': 'onnx-q8',
  q8: 'onnx-q8',
  'onnx-q4': 'onnx-q4',
  q4: 'onnx-q4',
};

export async function forgeCommand(flags: ForgeCommandFlags): Promise<number> {
  const preset = flags.preset ?? (flags.fit !== undefined ? 'bigram' : 'tiny');
  const fitText = flags.fit === undefined ? undefined : await readFitText(flags.fit);
  const fitSmoothing = flags.fitSmoothing === undefined ? undefined : parseNumber('--fit-smoothing', flags.fitSmoothing, false);
  if (fitSmoothing !== undefined && fitText === undefined) throw new UsageError('--fit-smoothing needs --fit FILE');
  const seed = flags.seed === undefined ? 0 : parseNumber('--seed', flags.seed, true);
  const dimensions: Partial<ForgeDimensions> = {};
  for (const key of INTEGER_DIMENSIONS) {
    const value = flags[key];
    if (value !== undefined) dimensions[key] = parseNumber(`--${kebab(key)}`, value, true);
  }
  if (flags.ropeTheta !== undefined) dimensions.ropeTheta = parseNumber('--rope-theta', flags.ropeTheta, false);
  if (flags.rmsNormEps !== undefined) dimensions.rmsNormEps = parseNumber('--rms-norm-eps', flags.rmsNormEps, false);
  if (flags.tiedEmbeddings !== undefined) dimensions.tiedEmbeddings = parseBoolean('--tied-embeddings', flags.tiedEmbeddings);
  const formats = parseFormats(flags.formats);
  const custom = Object.keys(dimensions).length > 0;
  const outDir = flags.out ?? join('forged', `${preset}${custom ? '-custom' : ''}-seed${seed}${fitText !== undefined ? '-fit' : ''}`);

  const showProgress = !flags.json && process.stderr.isTTY === true;
  let lastPercent = -1;
  const result = await forgeModel({
    outDir,
    preset,
    dimensions,
    seed,
    formats,
    ...(fitText !== undefined ? { fit: fitText } : {}),
    ...(fitSmoothing !== undefined ? { fitSmoothing } : {}),
    overwrite: flags.force ?? false,
    onProgress: showProgress
      ? ({ tensorsDone, tensorsTotal }) => {
          const percent = Math.floor((100 * tensorsDone) / tensorsTotal);
          if (percent !== lastPercent) process.stderr.write(`\rforging ${preset}: ${percent}%`);
          lastPercent = percent;
        }
      : undefined,
  });
  if (showProgress) process.stderr.write('\r\x1b[K');

  const { manifest } = result;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...manifest, outDir, seconds: result.seconds }, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `forged ${manifest.name}: ${manifest.parameters.toLocaleString('en-US')} parameters in ${result.seconds.toFixed(1)} s → ${outDir}`,
  ];
  const width = Math.max(...manifest.files.map((f) => f.path.length));
  for (const file of manifest.files.filter((f) => f.kind !== 'json')) {
    lines.push(`  ${file.path.padEnd(width)}  ${file.bytes.toLocaleString('en-US').padStart(13)} B  sha256 ${file.sha256.slice(0, 16)}`);
  }
  if (Object.keys(manifest.fallbackTensors).length > 0) {
    lines.push(`  stored as F16 (rows not whole quantization blocks): ${Object.keys(manifest.fallbackTensors).join(', ')}`);
  }
  if (manifest.fit) {
    lines.push(
      `  fitted: an exact bigram model of ${flags.fit} (${manifest.fit.bigrams.toLocaleString('en-US')} bigrams, add-${manifest.fit.smoothing} smoothing); ` +
        'its perplexity is that of the bigram model, degraded by quantization',
    );
  } else {
    lines.push('  weights are random (not trained): use it for speed and memory, never for quality');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** The text of a `--fit` file. */
async function readFitText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`--fit ${path}: no such file`);
    throw new UsageError(`--fit ${path}: cannot read it: ${(error as Error).message}`);
  }
}

function parseNumber(flag: string, value: string | number, integer: boolean): number {
  const n = typeof value === 'number' ? value : Number(value.trim());
  if (typeof value === 'string' && value.trim() === '') throw new UsageError(`${flag} needs a number`);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be ${integer ? 'an integer' : 'a number'}, got "${String(value)}"`);
  }
  return n;
}

function parseBoolean(flag: string, value: string | boolean): boolean {
  if (typeof value === 'boolean') return value;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw new UsageError(`${flag} must be true or false, got "${value}"`);
}

function parseFormats(value: string | string[] | undefined): ForgeFormat[] | undefined {
  if (value === undefined) return undefined;
  const names = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--formats needs at least one format');
  const formats = new Set<ForgeFormat>();
  for (const name of names) {
    if (name.toLowerCase() === 'all') {
      for (const f of FORGE_FORMATS) formats.add(f);
      continue;
    }
    const format = FORMAT_ALIASES[name.toLowerCase()];
    if (!format) {
      const suggestion = closestMatch(name, [...FORGE_FORMATS, 'onnx', 'q8', 'q4', 'all']);
      throw new UsageError(
        `unknown format "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; formats: ${FORGE_FORMATS.join(', ')}, all`,
      );
    }
    formats.add(format);
  }
  return FORGE_FORMATS.filter((f) => formats.has(f));
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The `forge` command (with its `merge` subcommand): its options, and the action that calls {@link forgeCommand}. */
export function forgeCli(): Command {
  const forge = new Command('forge')
    .description('make a benchmark model with seeded random weights: GGUF (F32, F16, Q8_0, Q4_0) + transformers.js ONNX (fp32, q8, q4), same weights')
    .option('-p, --preset <name>', 'shape: tiny, bigram, stories15M, smollm2-135M (default tiny; bigram with --fit)')
    .option('-o, --out <dir>', 'output folder (default forged/<preset>-seed<seed>[-fit])')
    .option('--seed <n>', 'seed of the weights (default 0)')
    .option('--formats <list>', 'comma-separated: F32,F16,Q8_0,Q4_0,transformers-js,onnx-q8,onnx-q4 (default all)')
    .option('--fit <file>', 'make the model an exact bigram model of this UTF-8 text (needs hidden size >= vocabulary, untied: preset bigram)')
    .option('--fit-smoothing <k>', 'add-k smoothing of --fit (default 0.01)')
    .option('--vocab-size <n>', "vocabulary size (default: the preset's)")
    .option('--hidden-size <n>', "embedding width (default: the preset's)")
    .option('--intermediate-size <n>', "SwiGLU width (default: the preset's)")
    .option('--num-layers <n>', "decoder blocks (default: the preset's)")
    .option('--num-heads <n>', "query heads (default: the preset's)")
    .option('--num-kv-heads <n>', "key/value heads (default: the preset's)")
    .option('--context-length <n>', "context length (default: the preset's)")
    .option('--tied-embeddings <bool>', "share embedding and output matrices (default: the preset's)")
    .option('--rope-theta <x>', "RoPE base (default: the preset's)")
    .option('--rms-norm-eps <x>', "RMSNorm epsilon (default: the preset's)")
    .option('--force', 'replace forge files already in the output folder')
    .option('--json', 'print forge.json instead of the summary')
    .action(async (flags: ForgeCommandFlags) => {
      process.exitCode = await forgeCommand(flags);
    });
  // Options after a subcommand belong to it (`forge -o` and `forge merge -o` are different options).
  forge.enablePositionalOptions();
  forge.addCommand(forgeMergeCli());
  return forge;
}
