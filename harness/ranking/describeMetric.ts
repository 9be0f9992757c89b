/**
 * Display name, unit and preferred direction of a metric path, for rankings and reports. Unknown paths get
 * their last segments as the name and no unit.
 */
import type { ObjectiveDirection } from './Objective.js';

/** How a metric is shown. */
export interface MetricDescription {
  /** Short name with unit, e.g. `decode tok/s`, `peak RSS MiB`. */
  label: string;
  /** Unit of the displayed number (after `scale`), e.g. `ms`, `tok/s`, `MiB`, `J/token`; '' when none. */
  unit: string;
  /** Factor from the stored value to the displayed one (bytes → MiB: 1/1048576). */
  scale: number;
  /** Which way is better, when known. */
  direction: ObjectiveDirection | null;
}

const MiB = 1024 * 1024;

const KNOWN: Record<string, MetricDescription> = {
  loadMs: { label: 'load ms', unit: 'ms', scale: 1, direction: 'min' },
  tokenizeMs: { label: 'tokenize ms', unit: 'ms', scale: 1, direction: 'min' },
  ttftMs: { label: 'TTFT ms', unit: 'ms', scale: 1, direction: 'min' },
  tpotMs: { label: 'TPOT ms', unit: 'ms', scale: 1, direction: 'min' },
  itlMs: { label: 'ITL ms', unit: 'ms', scale: 1, direction: 'min' },
  prefillTps: { label: 'prefill tok/s', unit: 'tok/s', scale: 1, direction: 'max' },
  decodeTps: { label: 'decode tok/s', unit: 'tok/s', scale: 1, direction: 'max' },
  e2eMs: { label: 'end-to-end ms', unit: 'ms', scale: 1, direction: 'min' },
  peakRssBytes: { label: 'peak RSS MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min' },
  peakRssSampledBytes: { label: 'peak RSS (sampled) MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min' },
  rssAfterLoadBytes: { label: 'RSS after load MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min' },
  rssBeforeLoadBytes: { label: 'RSS before load MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min' },
  modelSizeBytes: { label: 'model size MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min' },
  modelResidentBytes: { label: 'model resident MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min' },
  kvCacheBytes: { label: 'KV cache MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min' },
  gpuMemoryBytes: { label: 'GPU memory MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min' },
  'energy.joules': { label: 'energy J', unit: 'J', scale: 1, direction: 'min' },
  'energy.joulesPerTotalToken': { label: 'energy J/total token', unit: 'J/token', scale: 1, direction: 'min' },
  'energy.joulesPerRequest': { label: 'energy J/request', unit: 'J/request', scale: 1, direction: 'min' },
  'energy.kWh': { label: 'energy kWh', unit: 'kWh', scale: 1, direction: 'min' },
  'energy.gCO2e': { label: 'emissions gCO2e', unit: 'gCO2e', scale: 1, direction: 'min' },
  'roofline.fraction': { label: 'fraction of roofline', unit: '', scale: 1, direction: 'max' },
  'roofline.boundTps': { label: 'roofline bound tok/s', unit: 'tok/s', scale: 1, direction: null },
  'energy.joulesPerOutputToken': { label: 'energy J/output token', unit: 'J/token', scale: 1, direction: 'min' },
};

/** Describes the metric at `path` (with or without the leading `metrics.`). */
export function describeMetric(path: string): MetricDescription {
  const key = path.startsWith('metrics.') ? path.slice('metrics.'.length) : path;
  const known = KNOWN[key];
  if (known) return known;
  const quality = /^quality\.([^.]+)\.([^.]+)$/.exec(key);
  if (quality) {
    const [, task, metric] = quality;
    const lowerIsBetter = /perplexity|ppl|loss|bpb|bits_per_byte|error/i.test(metric!);
    return { label: `${task} ${metric}`, unit: '', scale: 1, direction: lowerIsBetter ? 'min' : 'max' };
  }
  const last = key.split('.').slice(-2).join(' ');
  if (/Bytes$/.test(key)) return { label: `${last.replace(/Bytes$/, '')} MiB`, unit: 'MiB', scale: 1 / MiB, direction: null };
  if (/Ms$/.test(key)) return { label: `${last.replace(/Ms$/, '')} ms`, unit: 'ms', scale: 1, direction: null };
  if (/Tps$/.test(key)) return { label: `${last.replace(/Tps$/, '')} tok/s`, unit: 'tok/s', scale: 1, direction: null };
  return { label: last, unit: '', scale: 1, direction: null };
}
