import type { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { describeDecoderGraph } from '../../adapters/onnxruntime/describeDecoderGraph.js';
import { ModelFormatError } from '../../harness/errors.js';

type Meta = InferenceSession.ValueMetadata;
const tensor = (name: string, type: string, shape: (number | string)[]): Meta => ({ name, isTensor: true, type, shape }) as Meta;

const ids = tensor('input_ids', 'int64', ['batch', 'seq']);
const logits = tensor('logits', 'float16', ['batch', 'seq', 32]);
const kv = (layer: number, kind: string, shape: (number | string)[], type = 'float16') => [
  tensor(`past_key_values.${layer}.${kind}`, type, shape),
  tensor(`present.${layer}.${kind}`, type, shape),
];

describe('describeDecoderGraph', () => {
  it('reads names, element types and KV shapes', () => {
    const inputs = [ids, tensor('attention_mask', 'int64', ['batch', 'total']), tensor('position_ids', 'int32', ['batch', 'seq'])];
    const outputs = [logits];
    for (const kind of ['key', 'value']) {
      const [past, present] = kv(0, kind, ['batch', 2, 'past', 16]);
      inputs.push(past!);
      outputs.push(present!);
    }
    expect(describeDecoderGraph(inputs, outputs, '/m.onnx', null)).toEqual({
      inputIdsType: 'int64',
      attentionMaskType: 'int64',
      positionIdsType: 'int32',
      useCacheBranch: false,
      logitsType: 'float16',
      vocabSize: 32,
      kv: [
        { past: 'past_key_values.0.key', present: 'present.0.key', type: 'float16', kvHeads: 2, headDim: 16 },
        { past: 'past_key_values.0.value', present: 'present.0.value', type: 'float16', kvHeads: 2, headDim: 16 },
      ],
    });
  });

  it('takes symbolic KV dimensions from config.json', () => {
    const [past, present] = kv(0, 'key', ['batch', 'heads', 'past', 'dim'], 'float32');
    const config = { num_attention_heads: 8, num_key_value_heads: 4, hidden_size: 64 };
    const graph = describeDecoderGraph([ids, past!], [tensor('logits', 'float32', ['b', 's', 'v']), present!], '/m.onnx', config);
    expect(graph.kv).toEqual([{ past: 'past_key_values.0.key', present: 'present.0.key', type: 'float32', kvHeads: 4, headDim: 8 }]);
    expect(graph.vocabSize).toBeNull();
    expect(() => describeDecoderGraph([ids, past!], [logits, present!], '/m.onnx', null)).toThrow('/m.onnx: KV-cache input past_key_values.0.key has shape [batch, heads, past, dim] and config.json does not give');
  });

  it('refuses graphs it cannot drive, naming the file', () => {
    expect(() => describeDecoderGraph([tensor('x', 'float32', [4])], [tensor('y', 'float32', [4])], '/m.onnx', null)).toThrow(
      '/m.onnx: not a decoder: the graph has no input_ids input and no logits output (inputs: x; outputs: y)',
    );
    expect(() => describeDecoderGraph([ids], [tensor('hidden', 'float32', [1])], '/m.onnx', null)).toThrow(/not a decoder: the graph has no logits output/);
    expect(() => describeDecoderGraph([ids, tensor('token_type_ids', 'int64', [1])], [logits], '/m.onnx', null)).toThrow('unsupported graph input "token_type_ids"');
    expect(() => describeDecoderGraph([ids, kv(0, 'key', [1, 2, 'p', 4])[0]!], [logits], '/m.onnx', null)).toThrow('has no matching output present.0.key');
    expect(() => describeDecoderGraph([tensor('input_ids', 'float32', [1])], [logits], '/m.onnx', null)).toThrow(ModelFormatError);
    expect(() => describeDecoderGraph([ids], [tensor('logits', 'int8', [1])], '/m.onnx', null)).toThrow('logits has element type int8');
  });
});
