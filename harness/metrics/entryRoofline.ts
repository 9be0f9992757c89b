/**
 * An entry's decode roofline: this device's memory bandwidth over the bytes one decode step reads (the
 * weights file's decode facts, the KV cache at the workload's mean depth, at the backend's KV element
 * size), and the fraction of that bound the measured median decode rate reached.
 */
import type { DecodeFacts } from '../../adapters/formats/DecodeFacts.js';
import type { EntryRoofline } from '../result/EntryRecord.js';
import { decodeRoofline } from '../roofline/decodeRoofline.js';
import type { MemoryBandwidth } from '../roofline/probeMemoryBandwidth.js';

export function entryRoofline(
  facts: DecodeFacts,
  kvBytesPerElement: number,
  bandwidth: MemoryBandwidth,
  promptTokens: number,
  generatedTokens: number,
  decodeTps: number | null,
): EntryRoofline {
  const r = decodeRoofline({
    bandwidthGBps: bandwidth.readGBps,
    weightBytesPerToken: facts.weights.bytesPerToken,
    kv: { ...facts.kv, bytesPerElement: kvBytesPerElement },
    promptTokens,
    generatedTokens,
    decodeTps,
  });
  return {
    bandwidthGBps: r.bandwidthGBps,
    bandwidthMethod: bandwidth.method,
    weightBytesPerToken: facts.weights.bytesPerToken,
    kvBytesPerToken: r.kvBytesPerToken,
    meanKvDepth: r.meanKvDepth,
    boundTps: r.boundTps,
    fraction: r.fraction,
  };
}
