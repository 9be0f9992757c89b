/**
 * Builds an ONNX model (ModelProto) node by node and encodes it with {@link ProtobufWriter}. Large float
 * initializers ("weights") are declared by name and shape only: `encode()` returns the model bytes up to
 * the first weight and, per weight, the bytes that precede its values, so the caller can stream the
 * values to disk without holding the model in memory. Field numbers are those of `onnx.proto`.
 */
import { ProtobufWriter } from './ProtobufWriter.js';

/** `TensorProto.DataType` codes used here. */
export const ONNX_FLOAT = 1;
export const ONNX_UINT8 = 2;
export const ONNX_INT8 = 3;
export const ONNX_INT64 = 7;
export const ONNX_BOOL = 9;

/** Bytes per element of the data types a streamed weight may have. */
const ELEMENT_BYTES: Readonly<Record<number, number>> = { [ONNX_FLOAT]: 4, [ONNX_UINT8]: 1, [ONNX_INT8]: 1, [ONNX_INT64]: 8 };

/** The domain of Microsoft's contrib operators (MatMulNBits, GatherBlockQuantized, …). */
export const MS_DOMAIN = 'com.microsoft';

/** An attribute value: integer → INT, integer array → INTS, string → STRING, `{ float }` → FLOAT. */
export type OnnxAttributeValue = number | readonly number[] | string | { float: number };

/** A dimension of a graph input/output: a fixed size or a symbolic name. */
export type OnnxDim = number | string;

interface ValueInfo {
  name: string;
  elemType: number;
  shape: readonly OnnxDim[];
}

interface NodeSpec {
  opType: string;
  /** Operator domain; '' = the default ONNX domain. */
  domain: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes: ReadonlyArray<readonly [string, OnnxAttributeValue]>;
}

interface SmallTensor {
  name: string;
  dataType: number;
  dims: readonly number[];
  raw: Uint8Array;
}

interface WeightSpec {
  name: string;
  dims: readonly number[];
  dataType: number;
}

/** What `encode()` returns: write `head`, then for each weight its `prefix` and its raw little-endian values. */
export interface EncodedOnnxModel {
  /** ModelProto fields, the graph's tag and length, and every graph field except the weights. */
  head: Uint8Array;
  /** Per declared weight, in declaration order. */
  weights: { name: string; prefix: Uint8Array; byteLength: number }[];
  /** Total file size. */
  totalBytes: number;
}

/** Model-level fields. */
export interface OnnxModelFields {
  /** ModelProto.ir_version. */
  irVersion: number;
  /** Opset of the default domain. */
  opset: number;
  /** Version of the `com.microsoft` opset, imported only when a node uses that domain. Default: 1. */
  msOpset?: number;
  producerName: string;
  producerVersion: string;
  /** Free text stored as ModelProto.doc_string. */
  docString?: string;
}

export class OnnxGraphBuilder {
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly nodes: NodeSpec[] = [];
  private readonly smallTensors: SmallTensor[] = [];
  private readonly weights: WeightSpec[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(private readonly graphName: string) {}

  /** Declares a graph input. */
  input(name: string, elemType: number, shape: readonly OnnxDim[]): string {
    this.claim(name);
    this.inputs.push({ name, elemType, shape });
    return name;
  }

  /** Declares a graph output (produced by a node whose output has this name). */
  output(name: string, elemType: number, shape: readonly OnnxDim[]): string {
    this.outputs.push({ name, elemType, shape });
    return name;
  }

  /** A small float32 initializer stored in the model head. */
  floats(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    const data = Float32Array.from(values as ArrayLike<number>);
    return this.small(name, ONNX_FLOAT, dims, new Uint8Array(data.buffer));
  }

  /** A small int64 initializer stored in the model head. */
  int64s(name: string, dims: readonly number[], values: readonly number[]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.small(name, ONNX_INT64, dims, new Uint8Array(data.buffer));
  }

  /** A small initializer of any data type, given as raw little-endian bytes, stored in the model head. */
  tensor(name: string, dataType: number, dims: readonly number[], raw: Uint8Array): string {
    return this.small(name, dataType, dims, raw);
  }

  /**
   * An initializer whose values the caller streams after `encode()`: float32 (the default), uint8, int8
   * or int64.
   */
  weight(name: string, dims: readonly number[], dataType: number = ONNX_FLOAT): string {
    if (ELEMENT_BYTES[dataType] === undefined) throw new TypeError(`weight ${name}: unsupported data type ${dataType}`);
    this.claim(name);
    this.weights.push({ name, dims, dataType });
    return name;
  }

  /**
   * Adds a node. Outputs are named `<opType>_<n>` unless `outputs` names them (graph outputs must be
   * named). Returns the output names.
   */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, OnnxAttributeValue> = {},
    outputs: number | readonly string[] = 1,
    domain = '',
  ): string[] {
    const index = this.counter++;
    const names =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, (_, i) => (outputs === 1 ? `${opType}_${index}` : `${opType}_${index}_${i}`))
        : [...outputs];
    for (const n of names) this.claim(n);
    this.nodes.push({ opType, domain, inputs, outputs: names, name: `${opType}_${index}`, attributes: Object.entries(attributes) });
    return names;
  }

  /** Adds a one-output node and returns the output name. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, OnnxAttributeValue> = {}, output?: string): string {
    return this.node(opType, inputs, attributes, output === undefined ? 1 : [output])[0]!;
  }

  /** Adds a one-output node of the `com.microsoft` domain and returns the output name. */
  msOp(opType: string, inputs: readonly string[], attributes: Record<string, OnnxAttributeValue> = {}, output?: string): string {
    return this.node(opType, inputs, attributes, output === undefined ? 1 : [output], MS_DOMAIN)[0]!;
  }

  /** Encodes the model; weights follow the head in declaration order. */
  encode(fields: OnnxModelFields): EncodedOnnxModel {
    const body = new ProtobufWriter();
    body.stringField(2, this.graphName);
    for (const node of this.nodes) body.messageField(1, (w) => encodeNode(w, node));
    for (const tensor of this.smallTensors) {
      body.messageField(5, (w) => {
        for (const d of tensor.dims) w.intField(1, d);
        w.intField(2, tensor.dataType);
        w.stringField(8, tensor.name);
        w.bytesField(9, tensor.raw);
      });
    }
    for (const input of this.inputs) body.messageField(11, (w) => encodeValueInfo(w, input));
    for (const output of this.outputs) body.messageField(12, (w) => encodeValueInfo(w, output));
    const bodyBytes = body.finish();

    const weights: EncodedOnnxModel['weights'] = [];
    let graphLength = bodyBytes.length;
    for (const weight of this.weights) {
      const byteLength = weight.dims.reduce((a, b) => a * b, 1) * ELEMENT_BYTES[weight.dataType]!;
      const header = new ProtobufWriter();
      for (const d of weight.dims) header.intField(1, d);
      header.intField(2, weight.dataType);
      header.stringField(8, weight.name);
      header.lengthPrefix(9, byteLength);
      const headerBytes = header.finish();
      const tensorLength = headerBytes.length + byteLength;
      const prefix = new ProtobufWriter().lengthPrefix(5, tensorLength).raw(headerBytes).finish();
      weights.push({ name: weight.name, prefix, byteLength });
      graphLength += prefix.length + byteLength;
    }

    const head = new ProtobufWriter();
    head.intField(1, fields.irVersion);
    head.stringField(2, fields.producerName);
    head.stringField(3, fields.producerVersion);
    if (fields.docString) head.stringField(6, fields.docString);
    head.messageField(8, (w) => {
      w.stringField(1, '');
      w.intField(2, fields.opset);
    });
    if (this.nodes.some((node) => node.domain === MS_DOMAIN)) {
      head.messageField(8, (w) => {
        w.stringField(1, MS_DOMAIN);
        w.intField(2, fields.msOpset ?? 1);
      });
    }
    head.lengthPrefix(7, graphLength);
    head.raw(bodyBytes);
    const headBytes = head.finish();
    return { head: headBytes, weights, totalBytes: headBytes.length - bodyBytes.length + graphLength };
  }

  private small(name: string, dataType: number, dims: readonly number[], raw: Uint8Array): string {
    this.claim(name);
    this.smallTensors.push({ name, dataType, dims, raw });
    return name;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`ONNX value name used twice: ${name}`);
    this.names.add(name);
  }
}

function encodeNode(w: ProtobufWriter, node: NodeSpec): void {
  for (const input of node.inputs) w.stringField(1, input);
  for (const output of node.outputs) w.stringField(2, output);
  w.stringField(3, node.name);
  w.stringField(4, node.opType);
  if (node.domain !== '') w.stringField(7, node.domain);
  for (const [name, value] of node.attributes) {
    w.messageField(5, (a) => {
      a.stringField(1, name);
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) throw new TypeError(`attribute ${name}: integer expected, got ${value} (use { float })`);
        a.intField(3, value);
        a.intField(20, 2);
      } else if (typeof value === 'string') {
        a.stringField(4, value);
        a.intField(20, 3);
      } else if (Array.isArray(value)) {
        for (const v of value as readonly number[]) a.intField(8, v);
        a.intField(20, 7);
      } else {
        a.floatField(2, (value as { float: number }).float);
        a.intField(20, 1);
      }
    });
  }
}

function encodeValueInfo(w: ProtobufWriter, info: ValueInfo): void {
  w.stringField(1, info.name);
  w.messageField(2, (type) => {
    type.messageField(1, (tensor) => {
      tensor.intField(1, info.elemType);
      tensor.messageField(2, (shape) => {
        for (const dim of info.shape) {
          shape.messageField(1, (d) => {
            if (typeof dim === 'number') d.intField(1, dim);
            else d.stringField(2, dim);
          });
        }
      });
    });
  });
}
