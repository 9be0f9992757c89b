/**
 * `slmbench convert GGUF OUTDIR`: writes a transformers.js folder (fp32 ONNX decoder, tokenizer and
 * config files) holding the dequantized weights of a Llama-architecture GGUF.
 */
import { convertGgufToTransformersJs } from '../convert/convertGgufToTransformersJs.js';
import { Command } from 'commander';

/** Flags of `slmbench convert`. */
export interface ConvertCommandFlags {
  /** Replace the files of an earlier conversion in OUTDIR. Default: false. */
  force?: boolean;
  /** Print `convert.json` (plus `seconds`) instead of the summary. Default: false. */
  json?: boolean;
}

export async function convertCommand(ggufPath: string, outDir: string, flags: ConvertCommandFlags): Promise<number> {
  const showProgress = !flags.json && process.stderr.isTTY === true;
  const result = await convertGgufToTransformersJs({
    ggufPath,
    outDir,
    overwrite: flags.force ?? false,
    onProgress: showProgress
      ? ({ tensorsDone, tensorsTotal }) => process.stderr.write(`\rconverting: ${Math.floor((100 * tensorsDone) / tensorsTotal)}%`)
      : undefined,
  });
  if (showProgress) process.stderr.write('\r\x1b[K');
  const { record } = result;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...record, outDir, seconds: result.seconds }, null, 2)}\n`);
    return 0;
  }
  const types = Object.entries(record.tensorTypes).map(([type, n]) => `${n} ${type}`).join(', ');
  const onnx = record.files.find((f) => f.path.endsWith('.onnx'));
  const lines = [
    `converted ${record.source.name} (${types} tensors, ${record.parameters.toLocaleString('en-US')} parameters) in ${result.seconds.toFixed(1)} s → ${outDir}`,
    `  ${onnx?.path ?? ''}  ${(onnx?.bytes ?? 0).toLocaleString('en-US')} B  sha256 ${(onnx?.sha256 ?? '').slice(0, 16)} (fp32)`,
    `  tokenizer.json: ${record.dimensions.vocabSize} tokens, ${record.tokenizerMerges} merges`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** The `convert` command: its options, and the action that calls {@link convertCommand}. */
export function convertCli(): Command {
  return new Command('convert')
    .description('convert a Llama-architecture GGUF (F32, F16, Q8_0, Q4_0 tensors) into a transformers.js folder (fp32 ONNX + tokenizer)')
    .argument('<gguf>', 'GGUF file')
    .argument('<outdir>', 'output folder (created; must not hold a model unless --force)')
    .option('--force', 'replace the files of an earlier conversion in the output folder')
    .option('--json', 'print the conversion record as JSON')
    .action(async (gguf: string, outDir: string, flags: ConvertCommandFlags) => {
      process.exitCode = await convertCommand(gguf, outDir, flags);
    });
}
