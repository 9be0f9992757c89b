/** Gate rule syntax, rules files, metric resolution and rule directions. */
import { describe, expect, it } from 'vitest';
import { resolveMetricPaths } from '../../harness/compare/resolveMetricPaths.js';
import { UsageError } from '../../harness/errors.js';
import { defaultGateRules } from '../../harness/gate/defaultGateRules.js';
import { ruleDirection } from '../../harness/gate/evaluateGate.js';
import { parseGateRule } from '../../harness/gate/parseGateRule.js';
import { parseGateRulesData } from '../../harness/gate/readGateRulesFile.js';
import { entry } from './gateFixtures.js';

describe('parseGateRule', () => {
  it('METRIC:LIMIT is the fail tier', () => {
    expect(parseGateRule('decodeTps:-5%')).toEqual({
      metric: 'decodeTps',
      warn: null,
      fail: { kind: 'relative', magnitude: 0.05, sign: '-', text: '-5%' },
      text: 'decodeTps:-5%',
    });
  });

  it('METRIC:WARN,FAIL gives both tiers; limits without % are absolute', () => {
    expect(parseGateRule('acc:-0.01,-0.02')).toEqual({
      metric: 'acc',
      warn: { kind: 'absolute', magnitude: 0.01, sign: '-', text: '-0.01' },
      fail: { kind: 'absolute', magnitude: 0.02, sign: '-', text: '-0.02' },
      text: 'acc:-0.01,-0.02',
    });
    const rule = parseGateRule('ttftMs:+10%,+20%');
    expect([rule.warn!.magnitude, rule.fail!.magnitude]).toEqual([0.1, 0.2]);
  });

  it('the keyed form sets either tier alone, in any order', () => {
    const warnOnly = parseGateRule('peakRssBytes:warn=+5%');
    expect(warnOnly.warn).toEqual({ kind: 'relative', magnitude: 0.05, sign: '+', text: '+5%' });
    expect(warnOnly.fail).toBeNull();
    const both = parseGateRule('metrics.quality.arc_easy.acc:fail=-0.05,warn=-0.02');
    expect(both.metric).toBe('metrics.quality.arc_easy.acc');
    expect([both.warn!.magnitude, both.fail!.magnitude]).toEqual([0.02, 0.05]);
  });

  it('unsigned limits are allowed (the metric gives the direction); 12.5% and .5 parse', () => {
    expect(parseGateRule('decodeTps:12.5%').fail).toEqual({ kind: 'relative', magnitude: 0.125, sign: null, text: '12.5%' });
    expect(parseGateRule('ttftMs:.5').fail).toEqual({ kind: 'absolute', magnitude: 0.5, sign: null, text: '.5' });
  });

  it.each([
    ['decodeTps', /expected METRIC:LIMIT/],
    [':-5%', /expected METRIC:LIMIT/],
    ['decodeTps:', /"" is not a limit/],
    ['decodeTps:-5 %', /"-5 %" is not a limit/],
    ['decodeTps:five', /"five" is not a limit/],
    ['decodeTps:-1%,-2%,-3%', /at most two limits/],
    ['decodeTps:-10%,-5%', /the warn limit -10% allows more than the fail limit -5%/],
    ['decodeTps:-5%,+10%', /different signs/],
    ['decodeTps:warn=-1%,warn=-2%', /the warn limit is given twice/],
    ['decodeTps:limit=-1%', /expected warn=LIMIT or fail=LIMIT/],
    ['decode tps:-5%', /is not a metric name or path/],
  ])('%s is refused', (text, message) => {
    expect(() => parseGateRule(text)).toThrow(UsageError);
    expect(() => parseGateRule(text)).toThrow(message);
  });

  it('the default rules parse', () => {
    expect(defaultGateRules().map((r) => r.text)).toEqual(['decodeTps:-5%,-10%', 'prefillTps:-5%,-10%', 'ttftMs:+10%,+20%', 'peakRssBytes:+5%,+10%', 'acc:-0.01,-0.02']);
  });
});

describe('rule directions', () => {
  it('the sign must agree with a known direction; for unknown metrics the sign decides', () => {
    expect(ruleDirection(parseGateRule('decodeTps:-5%'), 'metrics.decodeTps', null)).toBe('higher');
    expect(ruleDirection(parseGateRule('decodeTps:5%'), 'metrics.decodeTps', null)).toBe('higher');
    expect(ruleDirection(parseGateRule('peakRssBytes:+5%'), 'metrics.peakRssBytes', null)).toBe('lower');
    expect(ruleDirection(parseGateRule('energy.joulesPerOutputToken:+5%'), 'metrics.energy.joulesPerOutputToken', null)).toBe('lower');
    expect(() => ruleDirection(parseGateRule('decodeTps:+5%'), 'metrics.decodeTps', null)).toThrow(
      '--rule decodeTps:+5%: metrics.decodeTps is higher-is-better, so its regression is a drop: write the allowed change with a minus sign (decodeTps:-5%)',
    );
    expect(() => ruleDirection(parseGateRule('ttftMs:-10%'), 'metrics.ttftMs', null)).toThrow(/lower-is-better, so its regression is a rise/);
    expect(ruleDirection(parseGateRule('custom:-3'), 'metrics.custom', null)).toBe('higher');
    expect(() => ruleDirection(parseGateRule('custom:3'), 'metrics.custom', null)).toThrow(/the direction of metrics.custom is not known: sign the limit/);
    // A quality metric's own higherIsBetter wins over the name.
    expect(ruleDirection(parseGateRule('token_perplexity:+1'), 'metrics.quality.wiki.token_perplexity', false)).toBe('lower');
  });
});

describe('metric names', () => {
  const e = entry({
    samples: { decodeTps: [1, 2], ttftMs: [1, 2] },
    peakRssBytes: 5,
    quality: { arc_easy: { acc: { value: 0.5, stderr: 0.01, n: 10 } }, hellaswag: { acc: { value: 0.4, stderr: 0.01, n: 10 }, acc_norm: { value: 0.4, stderr: 0.01, n: 10 } } },
  });
  it('short names, paths under metrics. and full paths', () => {
    expect(resolveMetricPaths('decodeTps', [e])).toEqual(['metrics.decodeTps']);
    expect(resolveMetricPaths('peakRssBytes', [e])).toEqual(['metrics.peakRssBytes']);
    expect(resolveMetricPaths('acc', [e])).toEqual(['metrics.quality.arc_easy.acc', 'metrics.quality.hellaswag.acc']);
    expect(resolveMetricPaths('quality.hellaswag.acc_norm', [e])).toEqual(['metrics.quality.hellaswag.acc_norm']);
    expect(resolveMetricPaths('metrics.quality.arc_easy.acc', [e])).toEqual(['metrics.quality.arc_easy.acc']);
    expect(resolveMetricPaths('median', [e])).toEqual([]);
    expect(resolveMetricPaths('prefillTps', [e])).toEqual([]);
  });
});

describe('rules files', () => {
  it('strings, objects and bare numbers; options', () => {
    const file = parseGateRulesData(
      {
        alpha: 0.01,
        test: 'processes',
        allowMismatch: ['device'],
        missing: 'fail',
        rules: ['decodeTps:-5%,-10%', { metric: 'ttftMs', warn: '+10%', fail: '+20%' }, { metric: 'quality.arc_easy.acc', fail: -0.02 }],
      },
      'rules.yaml',
    );
    expect(file.alpha).toBe(0.01);
    expect(file.test).toBe('processes');
    expect(file.allowMismatch).toEqual(['device']);
    expect(file.missing).toBe('fail');
    expect(file.rules.map((r) => r.text)).toEqual(['decodeTps:-5%,-10%', 'ttftMs:warn=+10%,fail=+20%', 'quality.arc_easy.acc:fail=-0.02']);
    expect(file.rules[2]!.fail).toEqual({ kind: 'absolute', magnitude: 0.02, sign: '-', text: '-0.02' });
  });

  it.each([
    [{ rules: [] }, 'rules.yaml: rules: expected a non-empty list'],
    [{ rules: ['decodeTps:-5%'], alpha: 0.7 }, 'rules.yaml: alpha: expected a number in (0, 0.5)'],
    [
      { rules: ['decodeTps:-5%'], test: 'mann-whitney' },
      'rules.yaml: test: mann-whitney: no longer offered: it pooled the repetitions of every process as if they were independent, and called most pairs of identical runs different; the gate and compare now test processes (test: processes, the default)',
    ],
    [{ rules: ['decodeTps:-5%'], colour: 1 }, 'rules.yaml: colour: unknown field (known: rules, alpha, test, allowMismatch, missing)'],
    [{ rules: [{ metric: 'ttftMs', fail: '+2x' }] }, 'rules.yaml: rules[0].fail: "+2x" is not a limit: expected [+|-]NUMBER[%], e.g. -5% or -0.02'],
    [{ rules: [{ metric: 'ttftMs' }] }, 'rules.yaml: rules[0]: no limit given'],
    [{ rules: [{ metric: 'ttftMs', fail: '+5%', tier: 1 }] }, 'rules.yaml: rules[0].tier: unknown field (known: metric, warn, fail)'],
  ])('refuses %j naming the field', (data, message) => {
    expect(() => parseGateRulesData(data, 'rules.yaml')).toThrow(message);
  });
});
