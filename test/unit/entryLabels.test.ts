/**
 * Labels that say what differs: option values never print as "undefined" or a JSON null, and charts
 * shorten long labels in the middle so the end (a cascade's threshold, an ensemble's weights) stays.
 */
import { describe, expect, it } from 'vitest';
import { labelEntries } from '../../harness/matrix/labelEntries.js';
import { formatOption } from '../../harness/result/formatOption.js';
import { ENTRY_AXIS, ENTRY_LABEL_CHARS, ENTRY_LABEL_EXPR, entryLabelExpr, shortEntryLabel } from '../../reports/html/charts/chartConfig.js';

describe('formatOption', () => {
  it('strings as they are, unset as default, infinities as configs write them, the rest as JSON', () => {
    expect([undefined, 'auto', -Infinity, Infinity, Number.NaN, 0.5, [0.25, 0.75], null, true].map(formatOption)).toEqual([
      'default',
      'auto',
      '-inf',
      'inf',
      'NaN',
      '0.5',
      '[0.25,0.75]',
      'null',
      'true',
    ]);
  });
});

describe('labelEntries', () => {
  it('an ensemble without weights beside one with weights reads weights=default, never weights=undefined', () => {
    const entry = (options: Record<string, unknown>) => ({ label: '', model: { name: 'a + b' }, backend: { id: 'ensemble', options }, workload: { name: 'pp16+tg8' } });
    const labels = labelEntries([entry({ combine: 'mean-prob' }), entry({ combine: 'mean-prob', weights: [0.25, 0.75] })]).map((e) => e.label);
    expect(labels).toEqual(['a + b · ensemble weights=default · pp16+tg8', 'a + b · ensemble weights=[0.25,0.75] · pp16+tg8']);
  });
});

describe('shortEntryLabel', () => {
  const long = (t: string) => `stories260K-f32 → stories260K-onnx → llama-2-tiny-random · cascade threshold=${t} · pp0+tg64`;

  it('keeps short labels; shortens long ones in the middle, so thresholds stay apart', () => {
    expect(shortEntryLabel('stories260K · llama-cpp')).toBe('stories260K · llama-cpp');
    const shown = ['-inf', '-0.6', 'inf'].map((t) => shortEntryLabel(long(t)));
    expect(shown).toEqual([
      'stories260K-f32 …dom · cascade threshold=-inf · pp0+tg64',
      'stories260K-f32 …dom · cascade threshold=-0.6 · pp0+tg64',
      'stories260K-f32 …ndom · cascade threshold=inf · pp0+tg64',
    ]);
    for (const s of shown) expect(s).toHaveLength(ENTRY_LABEL_CHARS);
    // The Pareto chart's point labels (35 characters).
    expect(shortEntryLabel(long('-0.6'), 35)).toBe('stories260K…reshold=-0.6 · pp0+tg64');
  });

  it('the chart expression applies the same rule (same head and tail lengths)', () => {
    expect(ENTRY_LABEL_EXPR).toBe(entryLabelExpr(ENTRY_LABEL_CHARS));
    expect(ENTRY_LABEL_EXPR).toBe(`length(datum.label) > 56 ? slice(datum.label, 0, 16) + '…' + slice(datum.label, -39) : datum.label`);
    // Evaluated as Vega would (slice on strings, length), the expression gives shortEntryLabel's text.
    const evaluate = (label: string) =>
      new Function('datum', 'length', 'slice', `return ${ENTRY_LABEL_EXPR};`)({ label }, (s: string) => s.length, (s: string, a: number, b?: number) => s.slice(a, b)) as string;
    for (const label of [long('-inf'), long('0.25'), 'short']) expect(evaluate(label)).toBe(shortEntryLabel(label));
    expect(ENTRY_AXIS.labelExpr).toBe(ENTRY_LABEL_EXPR);
  });
});
