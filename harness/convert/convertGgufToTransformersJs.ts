/**
 * GGUF → transformers.js folder: a Llama-architecture GGUF with F32, F16, Q8_0 or Q4_0 tensors becomes
 * `onnx/model.onnx` (fp32, the forge's decoder graph, every tensor dequantized exactly as ggml does),
 * `tokenizer.json` built from the GGUF vocabulary (SentencePiece BPE with byte fallback, merges ranked by
 * score), `config.json`, `generation_config.json`, `tokenizer_config.json`, and `convert.json` recording
 * the source and what was done.
 *
 * Q/K weights are copied as stored. GGUFs made from Hugging Face checkpoints have Q and K rows permuted
 * so that llama.cpp's "normal" RoPE (rotating interleaved pairs) computes what Hugging Face's
 * half-rotation computes; the graph applies that same interleaved RoPE, so the stored weights are right
 * for it as they are (the ONNX is therefore not a Hugging Face-layout checkpoint, and need not be).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, ModelFormatError, ModelNotFoundError, OutputError } from '../errors.js';
import { buildLlamaDecoderGraph } from '../forge/buildLlamaDecoderGraph.js';
import { buildTransformersJsFiles } from '../forge/buildTransformersJsFiles.js';
import type { ForgeDimensions } from '../forge/forgePresets.js';
import { OnnxModelWriter } from '../forge/OnnxModelWriter.js';
import { sha256File } from '../util/sha256File.js';
import { harnessInfo } from '../util/harnessInfo.js';
import { dequantizeGgmlTensor } from './dequantizeGgmlTensor.js';
import { readGgufLlamaModel } from './readGgufLlamaModel.js';
import { makeDir } from '../util/makeDir.js';

/** Options of {@link convertGgufToTransformersJs}. */
export interface ConvertOptions {
  /** The GGUF file. Required. */
  ggufPath: string;
  /** The transformers.js folder to write; created when missing. Required. */
  outDir: string;
  /** Replace the files of an earlier conversion in `outDir`. Default: false (they are an error). */
  overwrite?: boolean;
  /** Called after each tensor is written. Default: none. */
  onProgress?: (progress: { tensorsDone: number; tensorsTotal: number; tensor: string }) => void;
}

/** One file written. */
export interface ConvertedFile {
  /** Relative to the output folder, `/`-separated. */
  path: string;
  bytes: number;
  sha256: string;
}

/** The `convert.json` record. */
export interface ConvertRecord {
  slmbench: { version: string; gitSha: string | null };
  source: { path: string; bytes: number; sha256: string; name: string; fileType: number | null };
  dimensions: ForgeDimensions;
  /** Parameters written (the GGUF's tensors; a tensor stored twice counts twice). */
  parameters: number;
  /** Tensors per GGUF type in the source. */
  tensorTypes: Record<string, number>;
  /** Merges of the written BPE tokenizer. */
  tokenizerMerges: number;
  notes: string[];
  files: ConvertedFile[];
}

/** What {@link convertGgufToTransformersJs} returns. */
export interface ConvertResult {
  outDir: string;
  record: ConvertRecord;
  /** Wall-clock seconds. */
  seconds: number;
}

const ONNX_FILE = 'onnx/model.onnx';
const OUTPUTS = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', ONNX_FILE, 'convert.json'];

/** Converts; see the module comment. */
export async function convertGgufToTransformersJs(options: ConvertOptions): Promise<ConvertResult> {
  const started = performance.now();
  const { ggufPath, outDir } = options;
  if (!existsSync(ggufPath)) throw new ModelNotFoundError(ggufPath);
  const model = await readGgufLlamaModel(ggufPath);
  const { graph, plan } = buildLlamaDecoderGraph(model.dims, model.tensors.map((t) => t.tensor), 'fp32');
  const encoded = graph.encode({
    irVersion: 8,
    opset: 17,
    producerName: 'slmbench-convert',
    producerVersion: harnessInfo().version,
    docString: `Converted by slmbench convert from ${model.name} (GGUF); weights dequantized to float32.`,
  });
  if (encoded.totalBytes >= 2 ** 31) {
    throw new ConfigError(`convert: ${ONNX_FILE} would take ${encoded.totalBytes} bytes, over protobuf's 2 GiB limit (external data is not supported)`);
  }
  try {
    makeDir(join(outDir, 'onnx'));
  } catch (error) {
    throw new OutputError(`cannot create ${outDir}: ${(error as Error).message}`);
  }
  if (!options.overwrite) {
    for (const output of OUTPUTS) {
      if (existsSync(join(outDir, output))) throw new OutputError(`${join(outDir, output)} already exists (replace it with --force / overwrite: true)`);
    }
  }

  const files: ConvertedFile[] = [];
  const partial = join(outDir, `${ONNX_FILE}.partial`);
  const writer = await OnnxModelWriter.create(partial, encoded, plan);
  const source = await open(ggufPath, 'r');
  const tensorTypes: Record<string, number> = {};
  let parameters = 0;
  try {
    for (const [index, entry] of model.tensors.entries()) {
      const bytes = new Uint8Array(entry.byteLength);
      const { bytesRead } = await source.read(bytes, 0, entry.byteLength, entry.fileOffset);
      if (bytesRead !== entry.byteLength) throw new ModelFormatError(ggufPath, `tensor ${entry.tensor.ggufName} is cut short (truncated file?)`);
      const elements = entry.tensor.shape.reduce((a, b) => a * b, 1);
      await writer.writeTensor(index, dequantizeGgmlTensor(bytes, entry.type, elements));
      tensorTypes[entry.type] = (tensorTypes[entry.type] ?? 0) + 1;
      parameters += elements;
      options.onProgress?.({ tensorsDone: index + 1, tensorsTotal: model.tensors.length, tensor: entry.tensor.ggufName });
    }
    const { bytes, sha256 } = await writer.close();
    await rename(partial, join(outDir, ONNX_FILE));
    files.push({ path: ONNX_FILE, bytes, sha256 });
  } catch (error) {
    await writer.abort();
    await rm(partial, { force: true });
    throw error;
  } finally {
    await source.close();
  }

  const json = buildTransformersJsFiles(model.dims, model.vocab, model.name, { dtype: 'fp32', ...model.tokenizer });
  const tokenizerModel = (json['tokenizer.json'] as { model: { merges: unknown[] } }).model;
  for (const [file, value] of Object.entries(json)) {
    const text = `${JSON.stringify(value, null, 2)}\n`;
    await writeFile(join(outDir, file), text);
    files.push({ path: file, bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') });
  }
  const { version, gitSha } = harnessInfo();
  const record: ConvertRecord = {
    slmbench: { version, gitSha },
    source: { path: ggufPath, bytes: (await stat(ggufPath)).size, sha256: await sha256File(ggufPath), name: model.name, fileType: model.fileType },
    dimensions: model.dims,
    parameters,
    tensorTypes,
    tokenizerMerges: tokenizerModel.merges.length,
    notes: [
      'every tensor dequantized to float32 as ggml does (F16 widened; Q8_0 d·q; Q4_0 d·(q−8))',
      'Q/K weights as stored in the GGUF; the graph applies llama.cpp\'s interleaved ("normal") RoPE, the convention those weights are stored for',
      'tokenizer: SentencePiece BPE with byte fallback from tokenizer.ggml.tokens/scores/token_type, merges ranked by score',
    ],
    files,
  };
  await writeFile(join(outDir, 'convert.json'), `${JSON.stringify(record, null, 2)}\n`);
  return { outDir, record, seconds: (performance.now() - started) / 1000 };
}
