/**
 * Every chart of a report, in page order: Pareto scatters (composite strategies beside single models, each
 * cascade threshold sweep as a line), a trade-off chart per cascade threshold sweep when there are quality
 * metrics, one bar chart per metric, TTFT and
 * inter-token-latency distributions, per-token latency over the sequence, TTFT and TPOT against the KV-cache depth (depth sweeps), throughput against latency (concurrency sweeps), quality against model size,
 * fidelity (size and decode rate against the KL divergence from each reference), and the device comparison (when the results come from several devices).
 */
import type { RankedObjective } from '../../harness/ranking/Ranking.js';
import type { ReportModel } from '../buildReportModel.js';
import { cascadeFamilies } from '../cascadeFamilies.js';
import type { ChartDefinition } from './ChartDefinition.js';
import { accuracySizeChart } from './charts/accuracySizeChart.js';
import { cascadeTradeoffChart } from './charts/cascadeTradeoffChart.js';
import { chartMetrics } from './charts/chartMetrics.js';
import { deviceComparisonChart } from './charts/deviceComparisonChart.js';
import { entryDatum, type DatumFamily } from './charts/entryDatum.js';
import { itlDistributionChart } from './charts/itlDistributionChart.js';
import { metricBarsChart } from './charts/metricBarsChart.js';
import { paretoChart } from './charts/paretoChart.js';
import { tokenLatencyChart } from './charts/tokenLatencyChart.js';
import { ttftDistributionChart } from './charts/ttftDistributionChart.js';
import { fidelityChart } from './charts/fidelityChart.js';
import { fidelityFamilies } from '../fidelityFamilies.js';
import { depthFamilies } from '../depthFamilies.js';
import { depthChart } from './charts/depthChart.js';
import { concurrencyFamilies } from '../concurrencyFamilies.js';
import { throughputLatencyChart } from './charts/throughputLatencyChart.js';

export interface ChartOptions {
  /**
   * Pairs of objectives (metric paths, `[y, x]`) to draw Pareto scatters for. Default: every pair when the
   * ranking has at most three objectives, else the first objective against each other one.
   */
  paretoPairs?: readonly (readonly [string, string])[];
}

export function buildCharts(model: ReportModel, options: ChartOptions = {}): ChartDefinition[] {
  const ok = model.entries.filter((e) => e.entry.status === 'ok');
  const metrics = chartMetrics(ok);
  const families = cascadeFamilies(ok);
  const familyOf = new Map<string, DatumFamily>();
  for (const f of families) f.members.forEach((m, order) => familyOf.set(m.entry.key, { id: f.id, label: f.label, order }));
  const data = ok.map((e) => entryDatum(e, metrics, familyOf.get(e.key) ?? null));
  const charts: ChartDefinition[] = [];

  const objectives = model.ranking.objectives;
  for (const [y, x] of paretoPairs(objectives, options.paretoPairs)) {
    charts.push(paretoChart(`chart-pareto-${charts.length + 1}`, data, x, y, metrics));
  }
  // The quality metric of the cascade trade-offs: the first quality objective, else the first quality metric.
  const isQuality = (path: string) => path.startsWith('metrics.quality.');
  const qualityPath = objectives.find((o) => isQuality(o.metric))?.metric ?? metrics.find((m) => isQuality(m.path))?.path;
  const quality = metrics.find((m) => m.path === qualityPath);
  if (quality) {
    families.forEach((f) => {
      const chart = cascadeTradeoffChart(`chart-cascade-${f.id.replace(/^cascade-/, '')}`, f, quality);
      if (chart) charts.push(chart);
    });
  }
  metrics.forEach((m, i) => charts.push(metricBarsChart(`chart-metric-${i + 1}`, data, m, metrics)));
  const ttft = ttftDistributionChart('chart-ttft', ok);
  if (ttft) charts.push(ttft);
  const itl = itlDistributionChart('chart-itl', ok);
  if (itl) charts.push(itl);
  const sequence = tokenLatencyChart('chart-sequence', ok);
  if (sequence) charts.push(sequence);
  const depth = depthChart('chart-depth', depthFamilies(ok));
  if (depth) charts.push(depth);
  const throughput = throughputLatencyChart('chart-concurrency', concurrencyFamilies(ok));
  if (throughput) charts.push(throughput);
  metrics
    .filter((m) => m.path.startsWith('metrics.quality.'))
    .forEach((m, i) => {
      const chart = accuracySizeChart(`chart-size-${i + 1}`, data, m, metrics);
      if (chart) charts.push(chart);
    });
  fidelityFamilies(ok).forEach((family, i) => {
    const chart = fidelityChart(`chart-fidelity-${i + 1}`, family);
    if (chart) charts.push(chart);
  });
  if (model.devices.length > 1) {
    const withConfig = ok.map((e, i) => ({ ...data[i]!, config: stripDevice(e.label, e.device.short) }));
    metrics
      .filter((m) => ['metrics.decodeTps', 'metrics.ttftMs', 'metrics.peakRssBytes'].includes(m.path) || m.path.startsWith('metrics.energy.'))
      .forEach((m, i) => {
        const chart = deviceComparisonChart(`chart-device-${i + 1}`, withConfig, m);
        if (chart) charts.push(chart);
      });
  }
  return charts;
}

/** `[y, x]` pairs of objectives to draw. */
function paretoPairs(objectives: readonly RankedObjective[], requested?: readonly (readonly [string, string])[]): [RankedObjective, RankedObjective][] {
  const find = (metric: string) => objectives.find((o) => o.metric === metric || o.metric === `metrics.${metric}`);
  if (requested) {
    return requested.flatMap(([y, x]) => {
      const oy = find(y);
      const ox = find(x);
      return oy && ox ? [[oy, ox] as [RankedObjective, RankedObjective]] : [];
    });
  }
  const pairs: [RankedObjective, RankedObjective][] = [];
  if (objectives.length <= 3) {
    for (let i = 0; i < objectives.length; i++) for (let j = i + 1; j < objectives.length; j++) pairs.push([objectives[i]!, objectives[j]!]);
  } else {
    // The first objective against each other one; the trade-offs against speed, memory and energy first,
    // then against other accuracy metrics.
    const isQuality = (o: RankedObjective) => o.metric.startsWith('metrics.quality.');
    const rest = objectives.slice(1);
    for (const x of [...rest.filter((o) => !isQuality(o)), ...rest.filter(isQuality)]) pairs.push([objectives[0]!, x]);
  }
  return pairs;
}

function stripDevice(label: string, device: string): string {
  const suffix = ` · ${device}`;
  return label.endsWith(suffix) ? label.slice(0, -suffix.length) : label;
}
