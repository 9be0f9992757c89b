/**
 * References for quantized forged models, written independently of the converter's and the forge's
 * ONNX code: ggml's dequantization of Q8_0 (d·q) and Q4_0 (d·(nibble − 8), value j in the low nibble, j+16
 * in the high nibble), and an all-F32 GGUF of the tiny preset whose matrices hold those dequantized
 * weights, so llama.cpp can run them without quantizing its activations.
 */
import { writeFileSync } from 'node:fs';
import { buildForgeVocabulary } from '../../harness/forge/buildForgeVocabulary.js';
import { buildGgufMetadata } from '../../harness/forge/buildGgufMetadata.js';
import { encodeGgufHeader } from '../../harness/forge/encodeGgufHeader.js';
import { float16ToFloat32 } from '../../harness/forge/float32ToFloat16.js';
import { generateTensor } from '../../harness/forge/forgeModel.js';
import { FORGE_PRESETS } from '../../harness/forge/forgePresets.js';
import { planLlamaTensors } from '../../harness/forge/planLlamaTensors.js';
import { quantizeQ4_0 } from '../../harness/forge/quantizeQ4_0.js';
import { quantizeQ8_0 } from '../../harness/forge/quantizeQ8_0.js';

/** Quantizes `values` to `type` and dequantizes them as ggml does. */
export function dequantize(values: Float32Array, type: 'Q8_0' | 'Q4_0'): Float32Array {
  const out = new Float32Array(values.length);
  if (type === 'Q8_0') {
    const bytes = quantizeQ8_0(values);
    const signed = new Int8Array(bytes.buffer);
    for (let b = 0; b < values.length / 32; b++) {
      const d = float16ToFloat32(bytes[b * 34]! | (bytes[b * 34 + 1]! << 8));
      for (let j = 0; j < 32; j++) out[b * 32 + j] = d * signed[b * 34 + 2 + j]!;
    }
  } else {
    const bytes = quantizeQ4_0(values);
    for (let b = 0; b < values.length / 32; b++) {
      const d = float16ToFloat32(bytes[b * 18]! | (bytes[b * 18 + 1]! << 8));
      for (let j = 0; j < 16; j++) {
        const byte = bytes[b * 18 + 2 + j]!;
        out[b * 32 + j] = d * ((byte & 15) - 8);
        out[b * 32 + 16 + j] = d * ((byte >> 4) - 8);
      }
    }
  }
  return out;
}

/** Writes an all-F32 GGUF of the tiny preset (seed 0) whose matrices hold the `type`-dequantized weights. */
export function writeDequantizedTiny(path: string, type: 'Q8_0' | 'Q4_0'): void {
  const dims = FORGE_PRESETS.tiny;
  const tensors = planLlamaTensors(dims);
  const metadata = buildGgufMetadata(dims, buildForgeVocabulary(dims.vocabSize), 'F32', 'dequantized', 'test');
  const header = encodeGgufHeader(metadata, tensors.map((t) => ({ name: t.ggufName, dims: [...t.shape].reverse(), type: 'F32' as const })));
  const data = new Uint8Array(header.dataBytes);
  tensors.forEach((tensor, i) => {
    const values = generateTensor(tensor, 0);
    const stored = tensor.kind === 'matrix' ? dequantize(values, type) : values;
    data.set(new Uint8Array(stored.buffer), header.tensors[i]!.offset);
  });
  writeFileSync(path, Buffer.concat([header.bytes, data]));
}
