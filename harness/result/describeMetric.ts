/**
 * The metric catalogue: for every metric path of an entry record, its display name, unit, scale, which way
 * is better, and which resource it measures (`memory`, `energy`: what an entry's `metrics.notMeasured`
 * can rule out). Ranking, compare, gate and every report read metrics through it. Paths the table does not
 * list get a description from their name: `quality.<task>.<metric>` (lower is better for perplexities,
 * losses and errors), and suffixes `…Bytes` (MiB, lower), `…Ms` (ms, lower), `…Tps`/`…PerSecond` (higher),
 * `…Seconds`, `…joules…`, `kWh`, `gCO2e` (lower); anything else has no known direction.
 */
import type { ObjectiveDirection } from '../ranking/Objective.js';

/** What a metric measures, when an entry may be unable to measure it (`metrics.notMeasured` keys). */
export type MetricResource = 'memory' | 'energy';

/** How a metric is shown and judged. */
export interface MetricDescription {
  /** Short name with unit, e.g. `decode tok/s`, `peak RSS MiB`. */
  label: string;
  /** Unit of the displayed number (after `scale`), e.g. `ms`, `tok/s`, `MiB`, `J/token`; '' when none. */
  unit: string;
  /** Factor from the stored value to the displayed one (bytes → MiB: 1/1048576). */
  scale: number;
  /** Which way is better, when known. */
  direction: ObjectiveDirection | null;
  /** The resource it measures, when an entry can be unable to measure it; null otherwise. */
  resource: MetricResource | null;
}

const MiB = 1024 * 1024;

type Known = Omit<MetricDescription, 'resource'> & { resource?: MetricResource };

const KNOWN: Record<string, Known> = {
  loadMs: { label: 'load ms', unit: 'ms', scale: 1, direction: 'min' },
  tokenizeMs: { label: 'tokenize ms', unit: 'ms', scale: 1, direction: 'min' },
  ttftMs: { label: 'TTFT ms', unit: 'ms', scale: 1, direction: 'min' },
  tpotMs: { label: 'TPOT ms', unit: 'ms', scale: 1, direction: 'min' },
  itlMs: { label: 'ITL ms', unit: 'ms', scale: 1, direction: 'min' },
  prefillTps: { label: 'prefill tok/s', unit: 'tok/s', scale: 1, direction: 'max' },
  decodeTps: { label: 'decode tok/s', unit: 'tok/s', scale: 1, direction: 'max' },
  e2eMs: { label: 'end-to-end ms', unit: 'ms', scale: 1, direction: 'min' },
  peakRssBytes: { label: 'peak RSS MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min', resource: 'memory' },
  peakRssSampledBytes: { label: 'peak RSS (sampled) MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min', resource: 'memory' },
  rssAfterLoadBytes: { label: 'RSS after load MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min', resource: 'memory' },
  rssBeforeLoadBytes: { label: 'RSS before load MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min', resource: 'memory' },
  modelSizeBytes: { label: 'model size MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min' },
  modelResidentBytes: { label: 'model resident MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min', resource: 'memory' },
  kvCacheBytes: { label: 'KV cache MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min' },
  gpuMemoryBytes: { label: 'GPU memory MiB', unit: 'MiB', scale: 1 / MiB, direction: 'min', resource: 'memory' },
  energy: { label: 'energy', unit: '', scale: 1, direction: null, resource: 'energy' },
  'energy.joules': { label: 'energy J', unit: 'J', scale: 1, direction: 'min', resource: 'energy' },
  'energy.joulesPerTotalToken': { label: 'energy J/total token', unit: 'J/token', scale: 1, direction: 'min', resource: 'energy' },
  'energy.joulesPerRequest': { label: 'energy J/request', unit: 'J/request', scale: 1, direction: 'min', resource: 'energy' },
  'energy.kWh': { label: 'energy kWh', unit: 'kWh', scale: 1, direction: 'min', resource: 'energy' },
  'energy.gCO2e': { label: 'emissions gCO2e', unit: 'gCO2e', scale: 1, direction: 'min', resource: 'energy' },
  'energy.joulesPerOutputToken': { label: 'energy J/output token', unit: 'J/token', scale: 1, direction: 'min', resource: 'energy' },
  'roofline.fraction': { label: 'fraction of roofline', unit: '', scale: 1, direction: 'max' },
  'roofline.boundTps': { label: 'roofline bound tok/s', unit: 'tok/s', scale: 1, direction: null },
  coldTtftMs: { label: 'cold TTFT ms', unit: 'ms', scale: 1, direction: 'min' },
  cachedTtftMs: { label: 'cached TTFT ms', unit: 'ms', scale: 1, direction: 'min' },
  outputTps: { label: 'output tok/s (all requests)', unit: 'tok/s', scale: 1, direction: 'max' },
  'concurrency.goodputRps': { label: 'goodput requests/s', unit: 'req/s', scale: 1, direction: 'max' },
  'slo.attainment': { label: 'SLO attainment', unit: '', scale: 1, direction: 'max' },
  'privacy.dataLeavesDevice': { label: 'share sent off the device', unit: '', scale: 1, direction: 'min' },
  'privacy.promptTokensLeaveDevice': { label: 'prompt tokens sent off the device', unit: '', scale: 1, direction: 'min' },
  'fidelity.klMean': { label: 'KL mean nats', unit: 'nats', scale: 1, direction: 'min' },
  'fidelity.klMedian': { label: 'KL median nats', unit: 'nats', scale: 1, direction: 'min' },
  'fidelity.klP99': { label: 'KL p99 nats', unit: 'nats', scale: 1, direction: 'min' },
  'fidelity.klMax': { label: 'KL max nats', unit: 'nats', scale: 1, direction: 'min' },
  'fidelity.top1Agreement': { label: 'top-1 agreement', unit: '', scale: 1, direction: 'max' },
  'fidelity.topLogprobDeltaMean': { label: 'Δ ln p of the reference top token', unit: 'nats', scale: 1, direction: null },
  'fidelity.topLogprobDeltaMaxAbs': { label: 'max |Δ ln p| of the reference top token', unit: 'nats', scale: 1, direction: 'min' },
  'fidelity.deltaNll': { label: 'Δ NLL nats/token', unit: 'nats', scale: 1, direction: 'min' },
  'fidelity.nll': { label: 'NLL nats/token', unit: 'nats', scale: 1, direction: 'min' },
  'fidelity.pplRatio': { label: 'perplexity ratio to reference', unit: '', scale: 1, direction: 'min' },
  'fidelity.generation.identicalShare': { label: 'greedy tokens as the reference', unit: '', scale: 1, direction: 'max' },
  'fidelity.generation.firstDivergence': { label: 'first greedy divergence', unit: 'tokens', scale: 1, direction: null },
};

/** Describes the metric at `path` (with or without the leading `metrics.`). */
export function describeMetric(path: string): MetricDescription {
  const key = path.startsWith('metrics.') ? path.slice('metrics.'.length) : path;
  const known = KNOWN[key];
  if (known) return { resource: null, ...known };
  // Sub-fields of a listed metric (`peakRssBytes.x`, `energy.figures…`) measure its resource.
  const parent = Object.keys(KNOWN).find((k) => key.startsWith(`${k}.`));
  const resource = parent ? (KNOWN[parent]!.resource ?? null) : null;
  const quality = /^quality\.([^.]+)\.([^.]+)$/.exec(key);
  if (quality) {
    const [, task, metric] = quality;
    const lowerIsBetter = /perplexity|ppl|loss|bpb|bits_per_byte|error/i.test(metric!);
    return { label: `${task} ${metric}`, unit: '', scale: 1, direction: lowerIsBetter ? 'min' : 'max', resource: null };
  }
  const last = key.split('.').slice(-2).join(' ');
  const leaf = key.split('.').at(-1) ?? key;
  if (/Bytes$/.test(key)) return { label: `${last.replace(/Bytes$/, '')} MiB`, unit: 'MiB', scale: 1 / MiB, direction: 'min', resource };
  if (/Ms$/.test(key)) return { label: `${last.replace(/Ms$/, '')} ms`, unit: 'ms', scale: 1, direction: 'min', resource };
  if (/Tps$/.test(key)) return { label: `${last.replace(/Tps$/, '')} tok/s`, unit: 'tok/s', scale: 1, direction: 'max', resource };
  if (/PerSecond$/.test(leaf)) return { label: last, unit: '', scale: 1, direction: 'max', resource };
  if (resource === 'energy' || /(Seconds|joules\w*|Joules|kWh|gCO2e)$/.test(leaf)) return { label: last, unit: '', scale: 1, direction: 'min', resource };
  return { label: last, unit: '', scale: 1, direction: null, resource };
}
