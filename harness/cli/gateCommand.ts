/**
 * The CI performance gate (see `evaluateGate` for the decision, `GateRule` for the rule syntax), in
 * three forms:
 * - `slmbench gate --ab BASE CURRENT`: runs two sweep configs in this job with their worker processes
 *   interleaved (`runInterleaved`), so the machine's drift falls on both, and gates CURRENT against
 *   BASE: the recommended CI mode. BASE may be `GITREF:PATH`, a config as committed at a git ref.
 * - `slmbench gate --baseline BASE.json (--current CUR.json | --config FILE)`: against a baseline
 *   measured in another run (the report says that this evidence is weaker).
 * - `slmbench gate --calibrate N --config FILE`: N interleaved A/A gates of one config: the false-alarm
 *   rate and the minimum detectable change per metric (`summarizeCalibration`), which `--calibration
 *   FILE` then applies to later gates.
 * Prints the Markdown summary (or the JSON report with `--json`), appends the summary to
 * `$GITHUB_STEP_SUMMARY` when that is set, and writes `--junit`, `--verdicts` and `--markdown` files —
 * also when the results cannot be compared (exit 2), saying why. Exit 0 on pass or warn, 3
 * (EXIT_GATE_FAILED) on fail, 2 when the results are not comparable or the command line is wrong.
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { parseSampleTest } from '../compare/parseSampleTest.js';
import { parseAllowMismatch } from '../compare/parseAllowMismatch.js';
import { EXIT_GATE_FAILED, EXIT_USAGE, SlmbenchError, UsageError } from '../errors.js';
import { evaluateGate, type GateOptions } from '../gate/evaluateGate.js';
import type { GateInterleaving, GateReport } from '../gate/GateReport.js';
import type { InterleavedSide } from '../gate/runInterleaved.js';
import type { RunEvents } from '../runner/runPlan.js';
import { summarizeCalibration } from '../gate/summarizeCalibration.js';
import { renderCalibrationMarkdown } from '../gate/renderCalibrationMarkdown.js';
import { renderGateRefusalJunit } from '../gate/renderGateJunit.js';
import { parseMatchFields } from '../compare/parseMatchFields.js';
import type { LoadedResult } from '../result/AnyRunResult.js';
import { readDataFile } from '../util/readDataFile.js';
import { formatStat } from '../../reports/console/formatStat.js';
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
  /** Baseline result file (or run folder), measured in another run; one of `baseline`, `ab` and `calibrate` is required. Default: none. */
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
  /** `processes`, the only test (the names of the tests before it are refused with why). Default: the rules file's, else `processes`. */
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
  /** `--ab BASE CURRENT`: run both configs interleaved in this job and gate CURRENT against BASE (BASE may be `GITREF:PATH`). Default: not used. */
  ab?: string[];
  /** Seed of the interleaved order (`--ab`, `--calibrate`). Default: drawn at random, recorded in the report. */
  orderSeed?: number | string;
  /** `--calibrate N` with `--config FILE`: N interleaved A/A gates of the config. Default: not used. */
  calibrate?: number | string;
  /** A calibration (`calibration.json` of `--calibrate`) whose minimum detectable changes apply to this gate. Default: none. */
  calibration?: string;
  /** Fields that identify an entry across the sides (comma-separated, repeatable): model, backend, options, workload, options.NAME. Default: all four. */
  match?: string[] | string;
  /** Power of the stated minimum detectable changes, in (0, 1). Default: 0.8. */
  power?: number | string;
}

export async function gateCommand(flags: GateFlags): Promise<number> {
  const modes = [flags.ab !== undefined, flags.calibrate !== undefined, flags.baseline !== undefined].filter(Boolean).length;
  if (modes !== 1) throw new UsageError('gate: give one of --ab BASE CURRENT (both run here, interleaved), --baseline FILE (with --current or --config), or --calibrate N --config FILE');
  const fromFile = flags.rules ? readGateRulesFile(flags.rules) : null;
  const cliRules: GateRule[] = (flags.rule ?? []).map((text) => parseGateRule(text));
  const rules = fromFile || cliRules.length ? [...(fromFile?.rules ?? []), ...cliRules] : undefined;
  const alpha = flags.alpha !== undefined ? numberFlag('--alpha', flags.alpha) : (fromFile?.alpha ?? 0.05);
  if (!(alpha > 0 && alpha < 0.5)) throw new UsageError(`--alpha ${alpha}: expected a number in (0, 0.5)`);
  const parsedTest = parseSampleTest(flags.test ?? fromFile?.test ?? 'processes', '--test');
  if ('problem' in parsedTest) throw new UsageError(parsedTest.problem);
  const test = parsedTest.test;
  const missing = (flags.missing ?? fromFile?.missing ?? 'warn') as Verdict;
  if (!['pass', 'warn', 'fail'].includes(missing)) throw new UsageError(`--missing ${missing}: expected pass, warn or fail`);
  const allowMismatch = parseAllowMismatch([...(fromFile?.allowMismatch ?? []), ...listOf(flags.allowMismatch)]);
  const seed = flags.seed !== undefined ? numberFlag('--seed', flags.seed) : 1;
  const resamples = flags.resamples !== undefined ? numberFlag('--resamples', flags.resamples) : 2000;
  if (!Number.isInteger(resamples) || resamples < 1) throw new UsageError(`--resamples ${resamples}: expected a positive integer`);
  const power = flags.power !== undefined ? numberFlag('--power', flags.power) : 0.8;
  if (!(power > 0 && power < 1)) throw new UsageError(`--power ${power}: expected a number in (0, 1)`);
  const match = flags.match !== undefined ? parseMatchFields(flags.match) : undefined;
  const orderSeed = flags.orderSeed !== undefined ? integerFlag('--order-seed', flags.orderSeed) : randomInt(0, 2 ** 31);
  const minimumDetectable = flags.calibration ? readCalibration(flags.calibration) : undefined;
  const gateOptions = (interleaving?: GateInterleaving): GateOptions => ({
    ...(rules ? { rules } : {}),
    alpha,
    test,
    allowMismatch,
    missing,
    seed,
    resamples,
    power,
    ...(match ? { match } : {}),
    ...(minimumDetectable ? { minimumDetectable } : {}),
    ...(interleaving ? { interleaving } : {}),
  });
  const outputs = { junit: flags.junit, verdicts: flags.verdicts, markdown: flags.markdown, json: flags.json ?? false };

  if (flags.calibrate !== undefined) {
    const runs = integerFlag('--calibrate', flags.calibrate);
    if (runs < 1) throw new UsageError(`--calibrate ${runs}: expected a positive number of A/A gates`);
    if (!flags.config) throw new UsageError('gate --calibrate N: name the config to calibrate with --config FILE');
    return calibrate(runs, flags.config, flags.out, orderSeed, gateOptions, outputs);
  }
  if (flags.ab !== undefined) {
    if (flags.ab.length !== 2) throw new UsageError(`gate --ab: expected two configs, BASE and CURRENT, got ${flags.ab.length}`);
    if (flags.current || flags.config) throw new UsageError('gate --ab BASE CURRENT runs both configs itself: leave out --current and --config');
    const out = resolve(flags.out ?? defaultAbOut('ab'));
    const [base, cur] = [await readSideConfig(flags.ab[0]!, out, 'baseline'), await readSideConfig(flags.ab[1]!, out, 'current')];
    const run = await runAb(base, cur, out, orderSeed);
    const baseline = { result: run.baseline.result, source: run.baseline.resultPath };
    const current = { result: run.current.result, source: run.current.resultPath };
    await writeAbReport(out, baseline, current);
    return finish(() => evaluateGate(baseline, current, gateOptions(run.interleaving)), outputs);
  }

  if (!flags.current === !flags.config) throw new UsageError('gate: give exactly one of --current FILE (a result to gate) and --config FILE (a sweep to run and gate)');
  // Read the baseline before running anything: a bad baseline should not cost a sweep.
  const baseline = readResultFile(flags.baseline!);
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
  return finish(() => evaluateGate(baseline, current, gateOptions()), outputs);
}

interface GateOutputs {
  junit: string | undefined;
  verdicts: string | undefined;
  markdown: string | undefined;
  json: boolean;
}

/**
 * Evaluates and writes the outputs. A refusal (not comparable, exit 2) still writes the JUnit file
 * (one errored test case saying why), the Markdown summary and the step summary, so CI shows the reason.
 */
function finish(evaluate: () => GateReport, outputs: GateOutputs): number {
  let report: GateReport;
  try {
    report = evaluate();
  } catch (error) {
    if (error instanceof SlmbenchError && error.exitCode === EXIT_USAGE) {
      const markdown = `## slmbench gate: REFUSED\n\n${error.message}\n`;
      if (outputs.junit) writeText(outputs.junit, renderGateRefusalJunit(error.code, error.message));
      if (outputs.markdown) writeText(outputs.markdown, markdown);
      const summary = process.env.GITHUB_STEP_SUMMARY;
      if (summary) appendFileSync(summary, `${markdown}\n`);
    }
    throw error;
  }
  const markdown = renderGateMarkdown(report);
  if (outputs.junit) writeText(outputs.junit, renderGateJunit(report));
  if (outputs.verdicts) writeText(outputs.verdicts, `${JSON.stringify(report, null, 2)}\n`);
  if (outputs.markdown) writeText(outputs.markdown, markdown);
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary) appendFileSync(summary, `${markdown}\n`);
  process.stdout.write(outputs.json ? `${JSON.stringify(report, null, 2)}\n` : markdown);
  const c = report.counts;
  process.stderr.write(`slmbench: gate ${report.verdict}: ${c.fail} fail, ${c.warn} warn, ${c.pass} pass, ${c.skip} skip\n`);
  return report.verdict === 'fail' ? EXIT_GATE_FAILED : 0;
}

/** A side's config: a file, or `GITREF:PATH` (the file as committed at the ref, written into `out` to be read). */
async function readSideConfig(spec: string, out: string, side: 'baseline' | 'current'): Promise<InterleavedSide> {
  let file = spec;
  let baseDir: string | null = null;
  if (!existsSync(spec)) {
    const ref = /^([^:]+):(.+)$/.exec(spec);
    if (!ref) throw new UsageError(`gate --ab: ${spec}: no such config file (a config at a git ref is written GITREF:PATH)`);
    let text: string;
    try {
      // `REF:./PATH` is relative to the working directory, as git reads it.
      text = execFileSync('git', ['show', `${ref[1]}:./${ref[2]!.replace(/^\.\//, '')}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim().split('\n')[0];
      throw new UsageError(`gate --ab: ${spec}: git cannot show it (${stderr})`);
    }
    makeDir(out, 'output folder');
    file = join(out, `${side}-config${extname(ref[2]!) || '.yaml'}`);
    writeFileSync(file, text);
    baseDir = dirname(resolve(ref[2]!)); // relative paths in it mean what they mean in the working tree
  }
  const { applyRunFlags } = await import('../config/applyRunFlags.js');
  const parsed = applyRunFlags({ config: file });
  return { config: parsed.config, baseDir: baseDir ?? parsed.baseDir, source: spec };
}

/** Runs both sides interleaved with their progress on stderr, stopping on signals like `run`. */
async function runAb(base: InterleavedSide, cur: InterleavedSide, out: string, orderSeed: number) {
  process.stderr.write(`slmbench: gate --ab: ${base.source} (baseline) and ${cur.source} (current), processes interleaved, order seed ${orderSeed} → ${out}\n`);
  const { runInterleaved } = await import('../gate/runInterleaved.js');
  const stopper = stopOnSignals();
  try {
    return await runInterleaved({
      baseline: { ...base, events: sideEvents('baseline') },
      current: { ...cur, events: sideEvents('current') },
      out,
      seed: orderSeed,
      signal: stopper.signal,
    });
  } finally {
    stopper.dispose();
  }
}

/** One line per note and finished entry, named by side (two progress bars would overwrite each other). */
function sideEvents(side: string): RunEvents {
  const err = process.stderr;
  return {
    onForge: (spec, folder) => err.write(`slmbench: [${side}] forging ${spec} into ${folder} (once; reused after)\n`),
    onNote: (message) => err.write(`slmbench: [${side}] ${message}\n`),
    onPlan: (plan, outDir) => err.write(`slmbench: [${side}] ${plan.entries.length} ${plan.entries.length === 1 ? 'entry' : 'entries'} → ${outDir}\n`),
    onEntryEnd: (record) => {
      const detail = record.status === 'ok' ? `decode ${formatStat(record.metrics?.decodeTps, 1)} tok/s, TTFT ${formatStat(record.metrics?.ttftMs)} ms` : `${record.error?.code}: ${record.error?.message}`;
      err.write(`slmbench: [${side}] ${record.status} ${record.label}: ${detail}\n`);
    },
  };
}

/** The HTML report of both sides, written once both have ended. */
async function writeAbReport(out: string, baseline: LoadedResult, current: LoadedResult): Promise<void> {
  const { writeHtmlReport } = await import('../../reports/html/writeHtmlReport.js');
  try {
    const path = writeHtmlReport([baseline, current], join(out, 'report.html'));
    process.stderr.write(`slmbench: report: ${path}\n`);
  } catch (error) {
    process.stderr.write(`slmbench: report not written: ${(error as Error).message}\n`);
  }
}

/** N interleaved A/A gates of one config, summarised; writes `calibration.json` into the output folder. */
async function calibrate(
  runs: number,
  configFile: string,
  outFlag: string | undefined,
  orderSeed: number,
  gateOptions: (interleaving?: GateInterleaving) => GateOptions,
  outputs: GateOutputs,
): Promise<number> {
  const out = resolve(outFlag ?? defaultAbOut('calibrate'));
  const side = await readSideConfig(configFile, out, 'current');
  const reports: GateReport[] = [];
  for (let i = 1; i <= runs; i++) {
    process.stderr.write(`slmbench: A/A gate ${i} of ${runs}\n`);
    const run = await runAb(side, side, join(out, `aa-${i}`), orderSeed + i - 1);
    const report = evaluateGate(
      { result: run.baseline.result, source: run.baseline.resultPath },
      { result: run.current.result, source: run.current.resultPath },
      gateOptions(run.interleaving),
    );
    process.stderr.write(`slmbench: A/A gate ${i}: ${report.verdict} (${report.counts.fail} fail, ${report.counts.warn} warn, ${report.counts.pass} pass)\n`);
    reports.push(report);
  }
  const calibration = summarizeCalibration(reports);
  writeText(join(out, 'calibration.json'), `${JSON.stringify(calibration, null, 2)}\n`);
  if (outputs.verdicts) writeText(outputs.verdicts, `${JSON.stringify(calibration, null, 2)}\n`);
  const markdown = renderCalibrationMarkdown(calibration, join(out, 'calibration.json'));
  if (outputs.markdown) writeText(outputs.markdown, markdown);
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary) appendFileSync(summary, `${markdown}\n`);
  process.stdout.write(outputs.json ? `${JSON.stringify(calibration, null, 2)}\n` : markdown);
  return 0;
}

/** The minimum detectable changes of a calibration file (`calibration.json`), checked. */
function readCalibration(path: string): Record<string, number> {
  const data = readDataFile(resolve(path), { what: 'calibration', shown: path, error: (problem, shown) => new UsageError(`--calibration ${shown}: ${problem}`) }) as {
    minimumDetectable?: unknown;
  } | null;
  const map = data?.minimumDetectable;
  if (!map || typeof map !== 'object' || Array.isArray(map)) throw new UsageError(`--calibration ${path}: minimumDetectable: missing (write the file with gate --calibrate N)`);
  const out: Record<string, number> = {};
  for (const [metric, value] of Object.entries(map as Record<string, unknown>)) {
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw new UsageError(`--calibration ${path}: minimumDetectable.${metric}: expected a positive ratio, got ${JSON.stringify(value)}`);
    out[metric] = value;
  }
  return out;
}

function defaultAbOut(kind: string): string {
  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
  return join('slmbench-results', `${stamp}-${kind}`);
}

function integerFlag(flag: string, value: number | string): number {
  const n = numberFlag(flag, value);
  if (!Number.isInteger(n)) throw new UsageError(`${flag}: expected an integer, got "${value}"`);
  return n;
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
    .option('--ab <configs...>', 'BASE CURRENT: run both sweep configs here, processes interleaved, and gate CURRENT against BASE (BASE may be GITREF:PATH)')
    .option('--baseline <file>', 'baseline result.json or run folder, measured in another run')
    .option('--current <file>', 'result.json or run folder to gate')
    .option('-c, --config <file>', 'run this sweep config now and gate its result (instead of --current)')
    .option('-o, --out <dir>', 'output folder of the runs made for --config, --ab or --calibrate')
    .option('--rule <rule>', 'METRIC:FAIL, METRIC:WARN,FAIL or METRIC:warn=L,fail=L, e.g. decodeTps:-5% (repeatable; default rules when none)', collect)
    .option('--rules <file>', 'rules file (YAML or JSON)')
    .option('--alpha <x>', 'significance level of the one-sided test (default 0.05)')
    .option('--test <name>', 'processes (the only test: worker processes are the unit)')
    .option('--match <fields>', 'fields that identify an entry across the sides: model, backend, options, workload, options.NAME (comma-separated, repeatable; default all four)', collect)
    .option('--calibrate <n>', 'run N interleaved A/A gates of --config: false-alarm rate and minimum detectable change per metric')
    .option('--calibration <file>', 'calibration.json of --calibrate: judge limits below its minimum detectable changes as unjudgeable')
    .option('--order-seed <n>', 'seed of the interleaved order (default: random, recorded)')
    .option('--power <x>', 'power of the stated minimum detectable changes (default 0.8)')
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
