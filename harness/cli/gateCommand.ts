/**
 * `slmbench gate --baseline BASE.json (--current CUR.json | --config FILE) [--rule METRIC:LIMIT]...`:
 * the CI performance gate (see `evaluateGate` for the decision, `GateRule` for the rule syntax).
 * Prints the Markdown summary (or the JSON report with `--json`), appends the summary to
 * `$GITHUB_STEP_SUMMARY` when that is set, and writes `--junit`, `--verdicts` and `--markdown` files.
 * Exit 0 on pass or warn, 3 (EXIT_GATE_FAILED) on fail, 2 when the results are not comparable or the
 * command line is wrong.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SampleTest } from '../compare/compareMetric.js';
import { parseAllowMismatch } from '../compare/parseAllowMismatch.js';
import { EXIT_GATE_FAILED, UsageError } from '../errors.js';
import { evaluateGate } from '../gate/evaluateGate.js';
import type { Verdict } from '../gate/GateReport.js';
import type { GateRule } from '../gate/GateRule.js';
import { parseGateRule } from '../gate/parseGateRule.js';
import { readGateRulesFile } from '../gate/readGateRulesFile.js';
import { renderGateJunit } from '../gate/renderGateJunit.js';
import { renderGateMarkdown } from '../gate/renderGateMarkdown.js';
import { readResultFile } from '../result/readResultFile.js';
import { Command } from 'commander';
import { collect } from './cliOptions.js';
import { stopOnSignals } from './stopOnSignals.js';
import { makeDir } from '../util/makeDir.js';

/** Flags of `slmbench gate`. */
export interface GateFlags {
  /** Baseline result file (or run folder). Required. */
  baseline?: string;
  /** Current result file (or run folder); exactly one of `current` and `config`. */
  current?: string;
  /** Run this sweep config now (as `slmbench run --config FILE`) and gate its result. */
  config?: string;
  /** Output folder of the run made for `--config`. Default: the config's `out`, else `slmbench-results/<time>`. */
  out?: string;
  /** Rules `METRIC:LIMIT`, `METRIC:WARN,FAIL` or `METRIC:warn=LIMIT,fail=LIMIT` (repeatable). Default: the default rules when neither `rule` nor `rules` is given. */
  rule?: string[];
  /** Rules file (YAML or JSON; see `readGateRulesFile`); its rules come before `--rule` ones. Default: none. */
  rules?: string;
  /** Significance level α in (0, 0.5). Default: the rules file's, else 0.05. */
  alpha?: number | string;
  /** `mann-whitney` or `bootstrap`. Default: the rules file's, else `mann-whitney`. */
  test?: string;
  /** Kinds of difference to accept: `device`, `backend-version` (comma-separated, repeatable). Default: none (plus the rules file's). */
  allowMismatch?: string[] | string;
  /** Verdict for a baseline entry absent from the current run: pass, warn or fail. Default: the rules file's, else warn. */
  missing?: string;
  /** Write JUnit XML here. Default: not written. */
  junit?: string;
  /** Write the JSON report (every verdict) here. Default: not written. */
  verdicts?: string;
  /** Write the Markdown summary here. Default: not written. */
  markdown?: string;
  /** Print the JSON report to stdout instead of the Markdown summary. Default: false. */
  json?: boolean;
  /** Bootstrap seed. Default: 1. */
  seed?: number | string;
  /** Bootstrap resamples. Default: 2000. */
  resamples?: number | string;
}

export async function gateCommand(flags: GateFlags): Promise<number> {
  if (!flags.baseline) throw new UsageError('gate: --baseline FILE is required');
  if (!flags.current === !flags.config) throw new UsageError('gate: give exactly one of --current FILE (a result to gate) and --config FILE (a sweep to run and gate)');
  const fromFile = flags.rules ? readGateRulesFile(flags.rules) : null;
  const cliRules: GateRule[] = (flags.rule ?? []).map((text) => parseGateRule(text));
  const rules = fromFile || cliRules.length ? [...(fromFile?.rules ?? []), ...cliRules] : undefined;
  const alpha = flags.alpha !== undefined ? numberFlag('--alpha', flags.alpha) : (fromFile?.alpha ?? 0.05);
  if (!(alpha > 0 && alpha < 0.5)) throw new UsageError(`--alpha ${alpha}: expected a number in (0, 0.5)`);
  const test = (flags.test ?? fromFile?.test ?? 'mann-whitney') as SampleTest;
  if (test !== 'mann-whitney' && test !== 'bootstrap') throw new UsageError(`--test ${String(test)}: expected mann-whitney or bootstrap`);
  const missing = (flags.missing ?? fromFile?.missing ?? 'warn') as Verdict;
  if (!['pass', 'warn', 'fail'].includes(missing)) throw new UsageError(`--missing ${missing}: expected pass, warn or fail`);
  const allowMismatch = parseAllowMismatch([...(fromFile?.allowMismatch ?? []), ...listOf(flags.allowMismatch)]);
  const seed = flags.seed !== undefined ? numberFlag('--seed', flags.seed) : 1;
  const resamples = flags.resamples !== undefined ? numberFlag('--resamples', flags.resamples) : 2000;
  if (!Number.isInteger(resamples) || resamples < 1) throw new UsageError(`--resamples ${resamples}: expected a positive integer`);

  // Read the baseline before running anything: a bad baseline should not cost a sweep.
  const baseline = readResultFile(flags.baseline);
  let current;
  if (flags.config) {
    // The sweep runs here, through the same library call as `slmbench run`; its result is gated as returned.
    const [{ applyRunFlags }, { runPlan }, { consoleRunEvents }] = await Promise.all([
      import('../config/applyRunFlags.js'),
      import('../runner/runPlan.js'),
      import('./consoleRunEvents.js'),
    ]);
    const { config, source, baseDir } = applyRunFlags({ config: flags.config });
    const { events, stop } = consoleRunEvents();
    // Ctrl-C, SIGTERM or the end of npx stops the sweep as in `slmbench run` (exit 130, --resume continues).
    const stopper = stopOnSignals();
    try {
      const run = await runPlan(config, { baseDir, configSource: source, events, signal: stopper.signal, ...(flags.out ? { out: flags.out } : {}) });
      current = { result: run.result, source: run.resultPath };
    } finally {
      stop();
      stopper.dispose();
    }
  } else {
    current = readResultFile(flags.current!);
  }

  const report = evaluateGate(baseline, current, {
    ...(rules ? { rules } : {}),
    alpha,
    test,
    allowMismatch,
    missing,
    seed,
    resamples,
  });
  const markdown = renderGateMarkdown(report);
  if (flags.junit) writeText(flags.junit, renderGateJunit(report));
  if (flags.verdicts) writeText(flags.verdicts, `${JSON.stringify(report, null, 2)}\n`);
  if (flags.markdown) writeText(flags.markdown, markdown);
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary) appendFileSync(summary, `${markdown}\n`);
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : markdown);
  const c = report.counts;
  process.stderr.write(`slmbench: gate ${report.verdict}: ${c.fail} fail, ${c.warn} warn, ${c.pass} pass, ${c.skip} skip\n`);
  return report.verdict === 'fail' ? EXIT_GATE_FAILED : 0;
}

function numberFlag(flag: string, value: number | string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag}: expected a number, got "${value}"`);
  return n;
}

function listOf(value: string[] | string | undefined): string[] {
  return value === undefined ? [] : typeof value === 'string' ? [value] : value;
}

function writeText(path: string, text: string): void {
  makeDir(dirname(resolve(path)));
  writeFileSync(path, text);
}

/** The `gate` command: its options, and the action that calls {@link gateCommand}. */
export function gateCli(): Command {
  return new Command('gate')
    .description('CI performance gate: a test and a practical threshold per entry and metric against a baseline; exit 3 on a regression')
    .option('--baseline <file>', 'baseline result.json or run folder (required)')
    .option('--current <file>', 'result.json or run folder to gate')
    .option('-c, --config <file>', 'run this sweep config now and gate its result (instead of --current)')
    .option('-o, --out <dir>', 'output folder of the run made for --config')
    .option('--rule <rule>', 'METRIC:FAIL, METRIC:WARN,FAIL or METRIC:warn=L,fail=L, e.g. decodeTps:-5% (repeatable; default rules when none)', collect)
    .option('--rules <file>', 'rules file (YAML or JSON)')
    .option('--alpha <x>', 'significance level of the one-sided test (default 0.05)')
    .option('--test <name>', 'mann-whitney (default) or bootstrap')
    .option('--allow-mismatch <kinds>', 'accept these differences: device, backend-version (comma-separated, repeatable)', collect)
    .option('--missing <verdict>', 'verdict for a baseline entry absent from the current run: pass, warn (default) or fail')
    .option('--junit <file>', 'write JUnit XML')
    .option('--verdicts <file>', 'write every verdict as JSON')
    .option('--markdown <file>', 'write the Markdown summary')
    .option('--json', 'print the JSON verdicts instead of the Markdown summary')
    .action(async (flags: GateFlags) => {
      process.exitCode = await gateCommand(flags);
    });
}
