/**
 * Reads a gate rules file (`slmbench gate --rules FILE`), YAML or JSON:
 *
 * ```yaml
 * alpha: 0.05                 # optional: significance level
 * test: processes             # optional: processes (the only test; see compareMetric)
 * allowMismatch: [device]     # optional: device, backend-version
 * missing: warn               # optional: verdict for a baseline entry absent from the current run
 * rules:
 *   - decodeTps:-5%,-10%                              # the command-line form
 *   - { metric: ttftMs, warn: "+10%", fail: "+20%" }  # or an object with warn and/or fail
 *   - { metric: quality.arc_easy.acc, fail: -0.02 }   # a bare number is an absolute limit
 * ```
 * Every error names the file and the field.
 */
import type { SampleTest } from '../compare/compareMetric.js';
import { parseSampleTest } from '../compare/parseSampleTest.js';
import { readDataFile } from '../util/readDataFile.js';
import { ConfigError, UsageError } from '../errors.js';
import type { GateRule } from './GateRule.js';
import { checkGateRule, parseGateLimit, parseGateRule } from './parseGateRule.js';

/** What a rules file may set; absent fields are left to the command line and the defaults. */
export interface GateRulesFile {
  rules: GateRule[];
  alpha?: number;
  test?: SampleTest;
  allowMismatch?: string[];
  missing?: 'pass' | 'warn' | 'fail';
}

/** Reads and validates `file`; throws a ConfigError (exit 2) naming the file and field. */
export function readGateRulesFile(file: string): GateRulesFile {
  return parseGateRulesData(readDataFile(file, { what: 'rules', error: (problem, shown) => new ConfigError(`${shown}: ${problem}`) }), file);
}

/** Validates rules-file data; `source` names it in errors. */
export function parseGateRulesData(data: unknown, source: string): GateRulesFile {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`${source}: expected an object with a rules list`);
  const o = data as Record<string, unknown>;
  const known = ['rules', 'alpha', 'test', 'allowMismatch', 'missing'];
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw new ConfigError(`${source}: ${key}: unknown field (known: ${known.join(', ')})`);
  }
  if (!Array.isArray(o.rules) || o.rules.length === 0) throw new ConfigError(`${source}: rules: expected a non-empty list`);
  const rules = o.rules.map((item: unknown, i) => asConfigError(() => parseItem(item, `${source}: rules[${i}]`)));
  const out: GateRulesFile = { rules };
  if (o.alpha !== undefined) {
    if (typeof o.alpha !== 'number' || !(o.alpha > 0 && o.alpha < 0.5)) throw new ConfigError(`${source}: alpha: expected a number in (0, 0.5)`);
    out.alpha = o.alpha;
  }
  if (o.test !== undefined) {
    const parsed = parseSampleTest(o.test, 'test:');
    if ('problem' in parsed) throw new ConfigError(`${source}: ${parsed.problem}`);
    out.test = parsed.test;
  }
  if (o.allowMismatch !== undefined) {
    const list = typeof o.allowMismatch === 'string' ? [o.allowMismatch] : o.allowMismatch;
    if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) throw new ConfigError(`${source}: allowMismatch: expected a list of kinds`);
    out.allowMismatch = list as string[];
  }
  if (o.missing !== undefined) {
    if (o.missing !== 'pass' && o.missing !== 'warn' && o.missing !== 'fail') throw new ConfigError(`${source}: missing: expected pass, warn or fail`);
    out.missing = o.missing;
  }
  return out;
}

function parseItem(item: unknown, where: string): GateRule {
  if (typeof item === 'string') return parseGateRule(item, `${where} "${item}"`);
  if (!item || typeof item !== 'object' || Array.isArray(item)) throw new ConfigError(`${where}: expected "METRIC:LIMIT" or {metric, warn, fail}`);
  const o = item as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['metric', 'warn', 'fail'].includes(key)) throw new ConfigError(`${where}.${key}: unknown field (known: metric, warn, fail)`);
  }
  if (typeof o.metric !== 'string' || !o.metric) throw new ConfigError(`${where}.metric: expected a metric name`);
  const limit = (value: unknown, tier: string) => {
    if (value === undefined || value === null) return null;
    if (typeof value === 'number') return parseGateLimit(value < 0 || Object.is(value, -0) ? String(value) : `${value}`, `${where}.${tier}`);
    if (typeof value === 'string') return parseGateLimit(value, `${where}.${tier}`);
    throw new ConfigError(`${where}.${tier}: expected a limit such as "-5%" or -0.02`);
  };
  const warn = limit(o.warn, 'warn');
  const fail = limit(o.fail, 'fail');
  const text = `${o.metric}:${[warn ? `warn=${warn.text}` : '', fail ? `fail=${fail.text}` : ''].filter(Boolean).join(',')}`;
  return checkGateRule({ metric: o.metric, warn, fail, text }, where);
}

/** Turns a UsageError of the rule parser (whose message already names the file and item) into a ConfigError. */
function asConfigError<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof UsageError) throw new ConfigError(error.message);
    throw error;
  }
}
