/** Parses a gate rule as written on the command line; the syntax is documented in {@link GateRule}. */
import { UsageError } from '../errors.js';
import type { GateLimit, GateRule } from './GateRule.js';

/**
 * Parses `METRIC:LIMIT`, `METRIC:WARN,FAIL` or `METRIC:warn=LIMIT,fail=LIMIT`; throws a UsageError
 * starting with `label` (default: `--rule TEXT`).
 */
export function parseGateRule(text: string, label = `--rule ${text}`): GateRule {
  const bound = /^\s*([A-Za-z0-9_][A-Za-z0-9_.\-]*)\s*(<=|>=|≤|≥)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*$/i.exec(text);
  if (bound && !text.includes(':')) {
    const op = bound[2] === '≤' ? '<=' : bound[2] === '≥' ? '>=' : (bound[2] as '<=' | '>=');
    return { metric: bound[1]!, warn: null, fail: null, text, bound: { op, value: Number(bound[3]) } };
  }
  const colon = text.indexOf(':');
  if (colon <= 0) throw bad(label, 'expected METRIC:LIMIT, METRIC:WARN,FAIL, METRIC:warn=LIMIT,fail=LIMIT (e.g. decodeTps:-5%), METRIC: drop <= 2% or METRIC <= VALUE');
  const metric = text.slice(0, colon).trim();
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.\-]*$/.test(metric)) throw bad(label, `"${metric}" is not a metric name or path`);
  const parts = text.slice(colon + 1).split(',').map((p) => p.trim());
  let warn: GateLimit | null = null;
  let fail: GateLimit | null = null;
  const words = parts.length === 1 ? /^(drop|rise)\s*(?:<=|≤)\s*(.+)$/i.exec(parts[0]!) : null;
  if (words) {
    // `drop <= 2%`: the allowed change, signed by the word.
    fail = parseGateLimit(`${words[1]!.toLowerCase() === 'drop' ? '-' : '+'}${words[2]!.trim().replace(/^[+-]/, '')}`, label);
  } else if (parts.some((p) => p.includes('='))) {
    for (const part of parts) {
      const match = /^(warn|fail)\s*=\s*(.*)$/i.exec(part);
      if (!match) throw bad(label, `"${part}": expected warn=LIMIT or fail=LIMIT`);
      const tier = match[1]!.toLowerCase();
      if ((tier === 'warn' ? warn : fail) !== null) throw bad(label, `the ${tier} limit is given twice`);
      const limit = parseGateLimit(match[2]!, label);
      if (tier === 'warn') warn = limit;
      else fail = limit;
    }
  } else if (parts.length === 1) {
    fail = parseGateLimit(parts[0]!, label);
  } else if (parts.length === 2) {
    warn = parseGateLimit(parts[0]!, label);
    fail = parseGateLimit(parts[1]!, label);
  } else {
    throw bad(label, 'at most two limits: WARN,FAIL');
  }
  return checkGateRule({ metric, warn, fail, text }, label);
}

/** Parses one limit, `[+|-]NUMBER[%]`; errors start with `label`. */
export function parseGateLimit(text: string, label: string): GateLimit {
  const match = /^([+-])?(\d+(?:\.\d*)?|\.\d+)(%)?$/.exec(text.trim().replace(/\u2212/g, '-'));
  if (!match) throw bad(label, `"${text}" is not a limit: expected [+|-]NUMBER[%], e.g. -5% or -0.02`);
  const value = Number(match[2]);
  if (!Number.isFinite(value)) throw bad(label, `"${text}" is not a finite number`);
  const relative = match[3] === '%';
  return {
    kind: relative ? 'relative' : 'absolute',
    magnitude: relative ? value / 100 : value,
    sign: (match[1] as '+' | '-' | undefined) ?? null,
    text: text.trim(),
  };
}

/** Checks a rule's tiers against each other (signs agree, warn ≤ fail, at least one tier); errors start with `label`. */
export function checkGateRule(rule: GateRule, label: string): GateRule {
  const { warn, fail } = rule;
  if (!warn && !fail) throw bad(label, 'no limit given');
  if (warn && fail) {
    if (warn.sign && fail.sign && warn.sign !== fail.sign) throw bad(label, 'the warn and fail limits have different signs');
    if (warn.kind === fail.kind && warn.magnitude > fail.magnitude) {
      throw bad(label, `the warn limit ${warn.text} allows more than the fail limit ${fail.text}`);
    }
  }
  return rule;
}

function bad(label: string, problem: string): UsageError {
  return new UsageError(`${label}: ${problem}`);
}
