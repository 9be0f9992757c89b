/**
 * Reads the structure of an ONNX model (ModelProto → GraphProto → nodes, initializers, inputs, outputs)
 * straight from the file, without onnxruntime and without reading weight bytes. Field numbers are those
 * of onnx.proto; only the fields listed below are read, everything else is skipped on the wire.
 */
import { ModelFormatError, SlmbenchError } from '../../../harness/errors.js';
import { onnxDataTypes } from './onnxDataTypes.js';
import { ProtobufFileReader, WIRE_LENGTH_DELIMITED, WIRE_VARINT, type ProtoField } from './ProtobufFileReader.js';

/** Where an initializer's values are stored. */
export type OnnxTensorStorage =
  /** `raw_data` (TensorProto field 9): byte range inside the model file. */
  | { kind: 'raw'; start: number; end: number }
  /** A typed repeated field (`float_data`, `int32_data`, …): field number and byte range. */
  | { kind: 'typed'; field: number; start: number; end: number }
  /** External data file (`data_location` = EXTERNAL); `location` is relative to the model's folder. */
  | { kind: 'external'; location: string; offset: number; length: number | null }
  /** No values (an empty tensor, or values the reader does not locate). */
  | { kind: 'none' };

/** Header of one initializer (TensorProto): everything but its values. */
export interface OnnxTensorHeader {
  /** Tensor name (field 8). */
  name: string;
  /** `TensorProto.DataType` code (field 2). */
  dataType: number;
  /** Element type name, e.g. `float16`; `type <code>` for codes this reader does not know. */
  typeName: string;
  /** Shape (field 1); empty for a scalar. */
  dims: number[];
  /** Number of elements: the product of `dims` (1 for a scalar). */
  elements: number;
  /** Where the values are. */
  storage: OnnxTensorStorage;
  /** True for a sparse initializer (GraphProto field 15); `dims` is then the dense shape. */
  sparse: boolean;
}

/** A graph input or output (ValueInfoProto). */
export interface OnnxValueInfo {
  /** Name (field 1). */
  name: string;
  /** Element type name of a tensor value, or null when the type is not a tensor or not given. */
  elemType: string | null;
  /** Shape: a number per fixed dimension, the symbol of a named one, null for an unknown one; null when absent. */
  shape: (number | string | null)[] | null;
}

/** One node of the main graph, reduced to what parameter counting needs. */
export interface OnnxNodeSummary {
  /** Operator type, e.g. `MatMulNBits`. */
  opType: string;
  /** Operator domain; `''` is the default ONNX domain. */
  domain: string;
  /** Input value names, in order (`''` for an omitted optional input). */
  inputs: string[];
  /** Integer attributes by name (e.g. `K`, `N`, `bits` of MatMulNBits). */
  intAttributes: Record<string, number>;
}

/** The structure of an ONNX model. */
export interface OnnxModelSummary {
  /** ModelProto.ir_version (field 1). */
  irVersion: number;
  /** ModelProto.producer_name (field 2). */
  producerName: string;
  /** ModelProto.producer_version (field 3). */
  producerVersion: string;
  /** Opset version by domain (ModelProto field 8); the default domain is reported as `ai.onnx`. */
  opsetImports: Record<string, number>;
  /** GraphProto.name. */
  graphName: string;
  /** Graph inputs that are not initializers. */
  inputs: OnnxValueInfo[];
  /** Graph outputs. */
  outputs: OnnxValueInfo[];
  /** Initializers (GraphProto field 5) and sparse initializers (field 15) of the main graph. */
  initializers: OnnxTensorHeader[];
  /** Nodes of the main graph (subgraphs of If/Loop are not descended into). */
  nodes: OnnxNodeSummary[];
  /** ModelProto.metadata_props (field 14). */
  metadata: Record<string, string>;
}

const DATA_LOCATION_EXTERNAL = 1;

/**
 * Reads the structure of the ONNX model at `path`. Throws ModelFormatError naming the path when the file
 * is not an ONNX protobuf (bad wire data, truncated, or no graph), or when an initializer's stored
 * values do not match its shape.
 */
export async function readOnnxModel(path: string): Promise<OnnxModelSummary> {
  const reader = await ProtobufFileReader.open(path);
  try {
    return await readModel(reader, path);
  } catch (error) {
    if (error instanceof SlmbenchError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ModelFormatError(path, `not a valid ONNX model (truncated or damaged protobuf: ${message})`, {
      cause: error,
    });
  } finally {
    await reader.close();
  }
}

async function readModel(reader: ProtobufFileReader, path: string): Promise<OnnxModelSummary> {
  const summary: OnnxModelSummary = {
    irVersion: 0,
    producerName: '',
    producerVersion: '',
    opsetImports: {},
    graphName: '',
    inputs: [],
    outputs: [],
    initializers: [],
    nodes: [],
    metadata: {},
  };
  let graph: ProtoField | null = null;
  for await (const f of reader.fields(0, reader.size)) {
    if (f.field === 1 && f.wireType === WIRE_VARINT) summary.irVersion = f.value;
    else if (f.field === 2 && f.wireType === WIRE_LENGTH_DELIMITED) summary.producerName = await reader.string(f);
    else if (f.field === 3 && f.wireType === WIRE_LENGTH_DELIMITED) summary.producerVersion = await reader.string(f);
    else if (f.field === 7 && f.wireType === WIRE_LENGTH_DELIMITED) graph = f;
    else if (f.field === 8 && f.wireType === WIRE_LENGTH_DELIMITED) {
      const { key, value } = await readOpset(reader, f);
      summary.opsetImports[key] = value;
    } else if (f.field === 14 && f.wireType === WIRE_LENGTH_DELIMITED) {
      const { key, value } = await readStringEntry(reader, f);
      summary.metadata[key] = value;
    }
  }
  if (graph === null) throw new ModelFormatError(path, 'not an ONNX model: the protobuf has no graph (ModelProto field 7)');
  if (summary.irVersion === 0) throw new ModelFormatError(path, 'not an ONNX model: ir_version (ModelProto field 1) is missing');
  await readGraph(reader, graph, summary);
  checkStoredSizes(summary.initializers, path);
  return summary;
}

async function readGraph(reader: ProtobufFileReader, graph: ProtoField, summary: OnnxModelSummary): Promise<void> {
  const inputs: OnnxValueInfo[] = [];
  for await (const f of reader.fields(graph.start, graph.end)) {
    if (f.wireType !== WIRE_LENGTH_DELIMITED) continue;
    if (f.field === 1) summary.nodes.push(await readNode(reader, f));
    else if (f.field === 2) summary.graphName = await reader.string(f);
    else if (f.field === 5) summary.initializers.push(await readTensorHeader(reader, f));
    else if (f.field === 15) summary.initializers.push(await readSparseTensorHeader(reader, f));
    else if (f.field === 11) inputs.push(await readValueInfo(reader, f));
    else if (f.field === 12) summary.outputs.push(await readValueInfo(reader, f));
  }
  // Before IR version 4 every initializer also had to be listed as a graph input.
  const initializerNames = new Set(summary.initializers.map((t) => t.name));
  summary.inputs = inputs.filter((input) => !initializerNames.has(input.name));
}

async function readOpset(reader: ProtobufFileReader, message: ProtoField): Promise<{ key: string; value: number }> {
  let domain = '';
  let version = 0;
  for await (const f of reader.fields(message.start, message.end)) {
    if (f.field === 1 && f.wireType === WIRE_LENGTH_DELIMITED) domain = await reader.string(f);
    else if (f.field === 2 && f.wireType === WIRE_VARINT) version = f.value;
  }
  return { key: domain === '' ? 'ai.onnx' : domain, value: version };
}

async function readStringEntry(reader: ProtobufFileReader, message: ProtoField): Promise<{ key: string; value: string }> {
  let key = '';
  let value = '';
  for await (const f of reader.fields(message.start, message.end)) {
    if (f.wireType !== WIRE_LENGTH_DELIMITED) continue;
    if (f.field === 1) key = await reader.string(f);
    else if (f.field === 2) value = await reader.string(f);
  }
  return { key, value };
}

async function readNode(reader: ProtobufFileReader, message: ProtoField): Promise<OnnxNodeSummary> {
  const node: OnnxNodeSummary = { opType: '', domain: '', inputs: [], intAttributes: {} };
  for await (const f of reader.fields(message.start, message.end)) {
    if (f.wireType !== WIRE_LENGTH_DELIMITED) continue;
    if (f.field === 1) node.inputs.push(await reader.string(f));
    else if (f.field === 4) node.opType = await reader.string(f);
    else if (f.field === 7) node.domain = await reader.string(f);
    else if (f.field === 5) {
      let name = '';
      let value: number | null = null;
      for await (const a of reader.fields(f.start, f.end)) {
        if (a.field === 1 && a.wireType === WIRE_LENGTH_DELIMITED) name = await reader.string(a);
        else if (a.field === 3 && a.wireType === WIRE_VARINT) value = a.value;
      }
      if (name !== '' && value !== null) node.intAttributes[name] = value;
    }
  }
  return node;
}

async function readDims(reader: ProtobufFileReader, f: ProtoField, dims: number[]): Promise<void> {
  if (f.wireType === WIRE_VARINT) dims.push(f.value);
  else if (f.wireType === WIRE_LENGTH_DELIMITED) dims.push(...(await reader.packedVarints(f)));
}

async function readTensorHeader(reader: ProtobufFileReader, message: ProtoField): Promise<OnnxTensorHeader> {
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let dataLocation = 0;
  let storage: OnnxTensorStorage = { kind: 'none' };
  const external: Record<string, string> = {};
  for await (const f of reader.fields(message.start, message.end)) {
    switch (f.field) {
      case 1:
        await readDims(reader, f, dims);
        break;
      case 2:
        if (f.wireType === WIRE_VARINT) dataType = f.value;
        break;
      case 8:
        if (f.wireType === WIRE_LENGTH_DELIMITED) name = await reader.string(f);
        break;
      case 9:
        storage = { kind: 'raw', start: f.start, end: f.end };
        break;
      case 4: // float_data
      case 5: // int32_data (also holds float16/bfloat16/int8/… one per int32)
      case 6: // string_data
      case 7: // int64_data
      case 10: // double_data
      case 11: // uint64_data
        if (storage.kind === 'none') storage = { kind: 'typed', field: f.field, start: f.start, end: f.end };
        break;
      case 13:
        if (f.wireType === WIRE_LENGTH_DELIMITED) {
          const { key, value } = await readStringEntry(reader, f);
          external[key] = value;
        }
        break;
      case 14:
        if (f.wireType === WIRE_VARINT) dataLocation = f.value;
        break;
      default:
        break;
    }
  }
  if (dataLocation === DATA_LOCATION_EXTERNAL) {
    const location = external.location ?? '';
    const offset = Number(external.offset ?? '0');
    const length = external.length === undefined ? null : Number(external.length);
    storage = { kind: 'external', location, offset, length };
  }
  return {
    name,
    dataType,
    typeName: onnxDataTypes.get(dataType)?.name ?? `type ${dataType}`,
    dims,
    elements: dims.reduce((product, d) => product * d, 1),
    storage,
    sparse: false,
  };
}

async function readSparseTensorHeader(reader: ProtobufFileReader, message: ProtoField): Promise<OnnxTensorHeader> {
  let values: OnnxTensorHeader | null = null;
  const dims: number[] = [];
  for await (const f of reader.fields(message.start, message.end)) {
    if (f.field === 1 && f.wireType === WIRE_LENGTH_DELIMITED) values = await readTensorHeader(reader, f);
    else if (f.field === 3) await readDims(reader, f, dims);
  }
  if (values === null) throw new Error(`sparse initializer at byte ${message.start} has no values tensor`);
  return {
    ...values,
    dims,
    elements: dims.reduce((product, d) => product * d, 1),
    sparse: true,
  };
}

async function readValueInfo(reader: ProtobufFileReader, message: ProtoField): Promise<OnnxValueInfo> {
  const info: OnnxValueInfo = { name: '', elemType: null, shape: null };
  for await (const f of reader.fields(message.start, message.end)) {
    if (f.wireType !== WIRE_LENGTH_DELIMITED) continue;
    if (f.field === 1) info.name = await reader.string(f);
    else if (f.field === 2) {
      // TypeProto: tensor_type = 1 → TypeProto.Tensor: elem_type = 1, shape = 2 → TensorShapeProto: dim = 1
      for await (const t of reader.fields(f.start, f.end)) {
        if (t.field !== 1 || t.wireType !== WIRE_LENGTH_DELIMITED) continue;
        for await (const tensor of reader.fields(t.start, t.end)) {
          if (tensor.field === 1 && tensor.wireType === WIRE_VARINT) {
            info.elemType = onnxDataTypes.get(tensor.value)?.name ?? `type ${tensor.value}`;
          } else if (tensor.field === 2 && tensor.wireType === WIRE_LENGTH_DELIMITED) {
            info.shape = [];
            for await (const dim of reader.fields(tensor.start, tensor.end)) {
              if (dim.field === 1 && dim.wireType === WIRE_LENGTH_DELIMITED) info.shape.push(await readDimension(reader, dim));
            }
          }
        }
      }
    }
  }
  return info;
}

async function readDimension(reader: ProtobufFileReader, message: ProtoField): Promise<number | string | null> {
  let value: number | string | null = null;
  for await (const f of reader.fields(message.start, message.end)) {
    if (f.field === 1 && f.wireType === WIRE_VARINT) value = f.value;
    else if (f.field === 2 && f.wireType === WIRE_LENGTH_DELIMITED) value = await reader.string(f);
  }
  return value;
}

/** Checks that inline `raw_data` holds exactly the bytes the shape and element type call for. */
function checkStoredSizes(initializers: readonly OnnxTensorHeader[], path: string): void {
  for (const tensor of initializers) {
    if (tensor.sparse || tensor.storage.kind !== 'raw') continue;
    const bits = onnxDataTypes.get(tensor.dataType)?.bits;
    if (bits === undefined || bits === null) continue;
    const expected = Math.ceil((tensor.elements * bits) / 8);
    const actual = tensor.storage.end - tensor.storage.start;
    if (actual !== expected) {
      throw new ModelFormatError(
        path,
        `damaged ONNX model: initializer "${tensor.name}" (${tensor.typeName} [${tensor.dims.join(', ')}]) ` +
          `holds ${actual} bytes of raw data, its shape needs ${expected}`,
      );
    }
  }
}
