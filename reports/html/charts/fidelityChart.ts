/**
 * What a quantization or an engine costs in fidelity, per reference (a model family): model size and
 * decode tok/s against the mean KL divergence from the reference (log scale), one point per entry,
 * coloured by backend, labelled by quantization. An entry at KL 0 (the reference itself, or an identical
 * computation) has no place on a log axis: it is left off and named in the description.
 */
import type { TopLevelSpec } from 'vega-lite';
import { resolveMetric } from '../../../harness/ranking/resolveMetric.js';
import type { FidelityFamily } from '../../fidelityFamilies.js';
import type { ChartDefinition } from '../ChartDefinition.js';
import { CHART_CONFIG, TOOLTIP_FORMAT } from './chartConfig.js';

const WIDTH = 260;
const HEIGHT = 200;

interface FidelityDatum {
  label: string;
  backend: string;
  quant: string;
  kl: number;
  top1: number;
  sizeMiB: number | null;
  decodeTps: number | null;
}

/** @returns null when no entry of the family has a KL above 0 */
export function fidelityChart(id: string, family: FidelityFamily): ChartDefinition | null {
  const all = family.rows.map(({ entry, fidelity }): FidelityDatum => ({
    label: entry.label,
    backend: entry.entry.backend.id,
    quant: entry.entry.model.quant ?? entry.entry.model.format ?? 'unknown',
    kl: fidelity.klMean,
    top1: fidelity.top1Agreement,
    sizeMiB: typeof entry.entry.model.sizeBytes === 'number' ? entry.entry.model.sizeBytes / 1048576 : null,
    decodeTps: resolveMetric(entry.entry, 'metrics.decodeTps')?.value ?? null,
  }));
  const values = all.filter((d) => d.kl > 0);
  if (values.length === 0) return null;
  const atZero = all.filter((d) => !(d.kl > 0)).map((d) => d.label);
  const withSize = values.filter((d) => d.sizeMiB !== null).length;
  const withDecode = values.filter((d) => d.decodeTps !== null).length;
  const x = { field: 'kl', type: 'quantitative', title: 'mean KL divergence from the reference, nats (log scale)', scale: { type: 'log', nice: false, padding: 16 }, axis: { format: '.0e', tickCount: 5 } };
  const tooltip = [
    { field: 'label', title: 'entry' },
    { field: 'quant', title: 'quantization' },
    { field: 'kl', title: 'KL mean (nats)', type: 'quantitative', format: '.3e' },
    { field: 'top1', title: 'top-1 agreement', type: 'quantitative', format: '.2%' },
    { field: 'sizeMiB', title: 'size MiB', type: 'quantitative', format: TOOLTIP_FORMAT },
    { field: 'decodeTps', title: 'decode tok/s', type: 'quantitative', format: TOOLTIP_FORMAT },
  ];
  const panel = (name: string, field: string, title: string) => ({
    width: WIDTH,
    height: HEIGHT,
    transform: [{ filter: `isValid(datum.${field})` }],
    encoding: { x },
    layer: [
      {
        name: `${name}_points`,
        mark: { type: 'point', filled: true, size: 80, cursor: 'pointer' },
        encoding: {
          y: { field, type: 'quantitative', title, scale: { zero: false, nice: true, padding: 12 }, axis: { format: TOOLTIP_FORMAT } },
          color: { field: 'backend', type: 'nominal', title: 'backend' },
          tooltip,
        },
      },
      {
        name: `${name}_labels`,
        mark: { type: 'text', dy: -9, fontSize: 10, color: '#59636e' },
        encoding: { y: { field, type: 'quantitative' }, text: { field: 'quant', type: 'nominal' } },
      },
    ],
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    data: { values },
    hconcat: [
      ...(withSize ? [panel('size', 'sizeMiB', 'model size MiB (lower is smaller)')] : []),
      ...(withDecode ? [panel('decode', 'decodeTps', 'decode tok/s, median (better ↑)')] : []),
    ],
  } as unknown as TopLevelSpec;
  return {
    id,
    section: 'fidelity',
    title: `Fidelity against ${family.reference.label}`,
    description:
      'Each entry against the reference: its mean KL divergence per token over the fixed text (a lower bound over the reference\'s stored top tokens) on the x axis, its size and decode rate up the y axes; further right moves the model further from the reference.' +
      (atZero.length ? ` Not drawn (KL exactly 0, the reference's own computation): ${atZero.join('; ')}.` : ''),
    spec,
    markName: withSize ? 'size_points_marks' : 'decode_points_marks',
    expectedMarks: withSize ? withSize : withDecode,
    otherMarks: withSize && withDecode ? [{ markName: 'decode_points_marks', expected: withDecode }] : [],
    // Two panels side by side: the full row.
    wide: true,
  };
}
