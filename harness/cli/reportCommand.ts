/**
 * `slmbench report RESULT... [-o FILE] [--format html|md|csv|json] [--objective PATH[:max|min]]...`:
 * reads one or more `result.json` files (or folders holding one), merges their entries (each keeps its
 * device), ranks them, and writes one report.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { EXIT_USAGE, OutputError, SlmbenchError, UsageError } from '../errors.js';
import { attachRanking } from '../ranking/attachRanking.js';
import { parseObjective } from '../ranking/parseObjective.js';
import type { Objective } from '../ranking/Objective.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from '../result/RunResult.js';
import { buildReportModel, type ReportSource } from '../../reports/buildReportModel.js';
import { renderCsvReport } from '../../reports/csv/renderCsvReport.js';
import { renderHtmlReport } from '../../reports/html/renderHtmlReport.js';
import { renderMarkdownReport } from '../../reports/markdown/renderMarkdownReport.js';

/** Report formats. */
export type ReportFormat = 'html' | 'md' | 'csv' | 'json';

/** Flags of `slmbench report`. */
export interface ReportFlags {
  /**
   * Output file. Default: for `html`, `report.html` beside the first result; for the other formats,
   * standard output.
   */
  out?: string;
  /** Format. Default: from the extension of `out` (`.html`, `.md`, `.csv`, `.json`), else `html`. */
  format?: ReportFormat;
  /** Ranking objectives as `PATH[:max|min]`. Default: the ranking's default objectives. */
  objectives?: string[];
  /**
   * Markdown only: path or URL prefix the Markdown links chart images with (where CI publishes them).
   * Default: the `<name>-charts` folder written beside `out`; without `out`, no charts.
   */
  imageBase?: string;
}

/** A result file that cannot be read or is not a slmbench result. */
export class ResultFileError extends SlmbenchError {
  constructor(file: string, problem: string) {
    super('RESULT_INVALID', `${file}: ${problem}`, EXIT_USAGE);
  }
}

const FORMATS: readonly ReportFormat[] = ['html', 'md', 'csv', 'json'];

export async function reportCommand(results: string[], flags: ReportFlags): Promise<number> {
  if (results.length === 0) throw new UsageError('report: name at least one result.json (or a folder holding one)');
  const format = flags.format ?? formatFromExtension(flags.out) ?? 'html';
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${String(format)}"`);
  const objectives: Objective[] | undefined = flags.objectives?.length ? flags.objectives.map(parseObjective) : undefined;
  const sources = results.map(readResult);
  const model = buildReportModel(sources, objectives ? { objectives } : {});
  if (objectives) {
    for (const s of model.ranking.skippedObjectives) process.stderr.write(`slmbench: objective ${s.metric} skipped: ${s.reason}\n`);
  }

  if (format === 'html') {
    const out = resolve(flags.out ?? join(dirname(sources[0]!.file), 'report.html'));
    writeOutput(out, renderHtmlReport(model));
    process.stdout.write(`report: ${out}\n`);
    return 0;
  }
  if (format === 'md') {
    const out = flags.out ? resolve(flags.out) : null;
    const chartsDir = out ? `${out.slice(0, out.length - extname(out).length)}-charts` : null;
    const base = flags.imageBase ?? (chartsDir ? basename(chartsDir) : null);
    const { markdown, images } = await renderMarkdownReport(model, { images: base !== null ? { base } : null });
    if (!out) {
      process.stdout.write(markdown);
      return 0;
    }
    if (images.length && chartsDir) {
      makeDir(chartsDir);
      for (const image of images) writeOutput(join(chartsDir, image.file), image.svg);
    }
    writeOutput(out, markdown);
    process.stdout.write(`report: ${out}${images.length && chartsDir ? ` (charts in ${chartsDir})` : ''}\n`);
    return 0;
  }
  const text =
    format === 'csv'
      ? renderCsvReport(model)
      : `${JSON.stringify(
          sources.length === 1
            ? attachRanking(sources[0]!.result, objectives ? { objectives } : {})
            : { schemaVersion: RESULT_SCHEMA_VERSION, sources: sources.map((s) => s.source), results: sources.map((s) => s.result), ranking: model.ranking },
          null,
          2,
        )}\n`;
  if (flags.out) {
    const out = resolve(flags.out);
    writeOutput(out, text);
    process.stdout.write(`report: ${out}\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}

function formatFromExtension(out: string | undefined): ReportFormat | undefined {
  const ext = out ? extname(out).toLowerCase() : '';
  return ext === '.html' || ext === '.htm' ? 'html' : ext === '.md' || ext === '.markdown' ? 'md' : ext === '.csv' ? 'csv' : ext === '.json' ? 'json' : undefined;
}

/** Reads and checks one result file (or `DIR/result.json`). */
function readResult(spec: string): ReportSource & { file: string } {
  let file = resolve(spec);
  if (!existsSync(file)) throw new ResultFileError(spec, 'no such file or folder');
  if (statSync(file).isDirectory()) {
    const inside = join(file, 'result.json');
    if (!existsSync(inside)) {
      const unfinished = existsSync(join(file, 'entries.jsonl')) ? ' (the sweep has not finished: continue it with slmbench run --resume)' : '';
      throw new ResultFileError(spec, `folder holds no result.json${unfinished}`);
    }
    file = inside;
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? `not valid JSON (${error.message})` : `unreadable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    throw new ResultFileError(file, reason);
  }
  checkResult(data, file);
  return { result: data, source: spec, file };
}

/** Throws a {@link ResultFileError} naming the first field that is not what a slmbench result has. */
function checkResult(data: unknown, file: string): asserts data is RunResult {
  const fail = (path: string, expected: string) => {
    throw new ResultFileError(file, `${path}: expected ${expected}; not a slmbench result.json`);
  };
  if (!isObject(data)) return fail('(top level)', 'an object');
  if (data.schemaVersion !== RESULT_SCHEMA_VERSION) {
    if (typeof data.schemaVersion === 'number') {
      throw new ResultFileError(file, `schemaVersion ${data.schemaVersion} is not supported (this slmbench reads ${RESULT_SCHEMA_VERSION})`);
    }
    return fail('schemaVersion', `${RESULT_SCHEMA_VERSION}`);
  }
  if (!Array.isArray(data.entries)) return fail('entries', 'an array');
  if (!isObject(data.device)) return fail('device', 'an object');
  data.entries.forEach((entry: unknown, i: number) => {
    const at = `entries[${i}]`;
    if (!isObject(entry)) return fail(at, 'an object');
    if (typeof entry.id !== 'string') fail(`${at}.id`, 'a string');
    if (!['ok', 'errored', 'skipped'].includes(entry.status as string)) fail(`${at}.status`, 'ok, errored or skipped');
    if (!isObject(entry.model) || typeof entry.model.name !== 'string') fail(`${at}.model.name`, 'a string');
    if (!isObject(entry.backend) || typeof entry.backend.id !== 'string') fail(`${at}.backend.id`, 'a string');
    if (!isObject(entry.workload) || typeof entry.workload.name !== 'string') fail(`${at}.workload.name`, 'a string');
    if (entry.status === 'ok' && !isObject(entry.metrics)) fail(`${at}.metrics`, 'an object for an ok entry');
    return undefined;
  });
}

function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new OutputError(`${dir}: cannot create folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** Writes atomically (writeFileAtomic), so that no reader sees half a report. */
function writeOutput(file: string, text: string): void {
  try {
    writeFileAtomic(file, text);
  } catch (error) {
    throw new OutputError(`${file}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
