/**
 * `slmbench forge merge MODEL[:WEIGHT]... -o OUT.gguf [--method linear|task-arithmetic] [--base BASE.gguf]
 * [--type F32|F16|Q8_0|Q4_0] [--no-normalize] [--onnx OUTDIR] [--force] [--json]`: writes a GGUF whose
 * weights are a weighted average of same-architecture GGUFs (linear "model soup") or base + Σ wᵢ·(modelᵢ −
 * base) (task arithmetic), and with `--onnx` the transformers.js folder of it, so suites can rank parents
 * and children together.
 *
 * - `MODEL[:WEIGHT]` (one or more): a GGUF file (F32, F16, Q8_0 or Q4_0 tensors) and its weight, any finite
 *   number (default 1); the first model's metadata is kept;
 * - `-o, --out FILE`: the GGUF to write (required);
 * - `--method linear|task-arithmetic`: linear = Σ wᵢ·modelᵢ / Σ wᵢ; task-arithmetic = base + Σ wᵢ·(modelᵢ −
 *   base) (default linear);
 * - `--base FILE`: the base model of task-arithmetic (required there, refused with linear);
 * - `--type F32|F16|Q8_0|Q4_0`: type of the output's matrices, case-insensitive; norms stay F32 (default F32);
 * - `--no-normalize`: linear only, add wᵢ·modelᵢ without dividing by Σ wᵢ (default: divide);
 * - `--onnx DIR`: also convert the merged GGUF into a transformers.js folder (fp32 ONNX) in DIR (default none);
 * - `--force`: replace an existing output file and an earlier conversion in DIR (default false);
 * - `--json`: print the merge record (plus outFile, bytes, sha256, seconds) instead of the summary.
 *
 * Models of another architecture, other tensor names or shapes, another vocabulary or other
 * hyperparameters are refused (exit 2) naming the file and the first mismatch.
 */
import { UsageError } from '../errors.js';
import { MERGE_METHODS, MERGE_OUT_TYPES, mergeGgufModels, type MergeInput } from '../forge/mergeGgufModels.js';
import { closestMatch } from '../util/closestMatch.js';
import { Command } from 'commander';

/** Flags of `slmbench forge merge`, as commander hands them over (values may still be strings). */
export interface ForgeMergeCommandFlags {
  /** The positional `MODEL[:WEIGHT]` arguments. Required (at least one). */
  models: string[];
  /** The GGUF to write. Required. */
  out?: string;
  /** `linear` or `task-arithmetic`, case-insensitive. Default: `linear`. */
  method?: string;
  /** The base GGUF of task-arithmetic. Default: none. */
  base?: string;
  /** Output type `F32`, `F16`, `Q8_0` or `Q4_0`, case-insensitive. Default: `F32`. */
  type?: string;
  /** Linear only: divide by the sum of the weights (commander's `--no-normalize` sets false). Default: true. */
  normalize?: boolean;
  /** Folder for a transformers.js conversion of the merged GGUF. Default: none. */
  onnx?: string;
  /** Replace an existing output (and conversion). Default: false. */
  force?: boolean;
  /** Print the merge record as JSON instead of the summary. Default: false. */
  json?: boolean;
}

/** A `MODEL[:WEIGHT]` argument: the weight is what follows the last `:` when that is a number. */
function parseMergeModelSpec(spec: string): MergeInput {
  const match = /^(.+):([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)$/i.exec(spec);
  if (!match) {
    if (spec.trim() === '') throw new UsageError('forge merge: an empty model argument');
    return { path: spec, weight: 1 };
  }
  return { path: match[1]!, weight: Number(match[2]) };
}

export async function forgeMergeCommand(flags: ForgeMergeCommandFlags): Promise<number> {
  const models = flags.models ?? [];
  if (models.length === 0) throw new UsageError('forge merge needs at least one MODEL[:WEIGHT]');
  if (flags.out === undefined || flags.out === '') throw new UsageError('forge merge needs -o OUT.gguf');
  const method = parseChoice('--method', flags.method, MERGE_METHODS) ?? 'linear';
  const outType = parseChoice('--type', flags.type, MERGE_OUT_TYPES) ?? 'F32';
  if (flags.normalize === false && method !== 'linear') throw new UsageError('--no-normalize is for linear merges');
  if (flags.base !== undefined && method !== 'task-arithmetic') throw new UsageError('--base is for --method task-arithmetic');
  if (flags.base === undefined && method === 'task-arithmetic') throw new UsageError('--method task-arithmetic needs --base BASE.gguf');
  const inputs = models.map(parseMergeModelSpec);

  const showProgress = !flags.json && process.stderr.isTTY === true;
  const result = await mergeGgufModels({
    inputs,
    method,
    outFile: flags.out,
    outType,
    ...(flags.base !== undefined ? { base: flags.base } : {}),
    ...(flags.normalize !== undefined && method === 'linear' ? { normalize: flags.normalize } : {}),
    ...(flags.onnx !== undefined ? { transformersJs: flags.onnx } : {}),
    overwrite: flags.force ?? false,
    onProgress: showProgress
      ? ({ tensorsDone, tensorsTotal }) => process.stderr.write(`\rmerging: ${Math.floor((100 * tensorsDone) / tensorsTotal)}%`)
      : undefined,
  });
  if (showProgress) process.stderr.write('\r\x1b[K');

  const { record } = result;
  if (flags.json) {
    const onnx = result.transformersJs ? { onnxDir: result.transformersJs.outDir, onnxFiles: result.transformersJs.record.files } : {};
    process.stdout.write(
      `${JSON.stringify({ ...record, outFile: result.outFile, bytes: result.bytes, sha256: result.sha256, tensorTypes: result.tensorTypes, parameters: result.parameters, parametersStored: result.parametersStored, ...onnx, seconds: result.seconds }, null, 2)}\n`,
    );
    return 0;
  }
  const types = Object.entries(result.tensorTypes).map(([type, n]) => `${n} ${type}`).join(', ');
  const lines = [
    `merged ${record.inputs.length} model${record.inputs.length === 1 ? '' : 's'} (${record.method}: ${record.formula}) in ${result.seconds.toFixed(1)} s → ${result.outFile}`,
    `  ${record.name}`,
    `  ${types} tensors, ${result.parameters.toLocaleString('en-US')} parameters, ${result.bytes.toLocaleString('en-US')} B, sha256 ${result.sha256.slice(0, 16)}`,
  ];
  for (const input of record.inputs) lines.push(`  ${input.path}  weight ${input.weight} (×${input.coefficient})  sha256 ${input.sha256.slice(0, 16)}`);
  if (record.base) lines.push(`  base ${record.base.path}  sha256 ${record.base.sha256.slice(0, 16)}`);
  if (result.transformersJs) {
    const onnx = result.transformersJs.record.files.find((f) => f.path.endsWith('.onnx'));
    lines.push(`  transformers.js folder → ${result.transformersJs.outDir} (${onnx?.path ?? 'onnx'} ${(onnx?.bytes ?? 0).toLocaleString('en-US')} B, fp32)`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** A case-insensitive choice among `choices`, or undefined when the flag is absent. */
function parseChoice<T extends string>(flag: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const found = choices.find((c) => c.toLowerCase() === value.trim().toLowerCase());
  if (found) return found;
  const suggestion = closestMatch(value, choices);
  throw new UsageError(`${flag}: unknown value "${value}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; choose ${choices.join(', ')}`);
}

/** The `forge merge` command: its options, and the action that calls {@link forgeMergeCommand}. */
export function forgeMergeCli(): Command {
  return new Command('merge')
    .description('merge same-architecture GGUFs: a weighted average (model soup) or task arithmetic; optionally also as ONNX')
    .argument('<models...>', 'GGUF files, each optionally MODEL:WEIGHT (default weight 1)')
    .requiredOption('-o, --out <file>', 'the GGUF to write')
    .option('--method <method>', 'linear (default) or task-arithmetic')
    .option('--base <file>', 'base model of task-arithmetic')
    .option('--type <type>', 'F32 (default), F16, Q8_0 or Q4_0 for the matrices; norms stay F32')
    .option('--no-normalize', 'linear: do not divide by the sum of the weights')
    .option('--onnx <dir>', 'also write the merged model as a transformers.js folder')
    .option('--force', 'replace an existing output')
    .option('--json', 'print the merge record')
    .action(async (models: string[], flags: Record<string, unknown>) => {
      process.exitCode = await forgeMergeCommand({ ...flags, models } as ForgeMergeCommandFlags);
    });
}
