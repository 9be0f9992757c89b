/**
 * `slmbench report RESULT... [-o FILE] [--format html|md|csv|json] [--objective PATH[:max|min]]...`:
 * reads one or more `result.json` files (or folders holding one), merges their entries (each keeps its
 * device), ranks them, and writes one report.
 */
import { writeFileAtomic } from '../util/writeFileAtomic.js';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { readResultFile } from '../result/readResultFile.js';
import { ResultFileError } from '../result/ResultFileError.js';
import { attachRanking } from '../ranking/attachRanking.js';
import { parseObjective } from '../ranking/parseObjective.js';
import type { Objective } from '../ranking/Objective.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from '../result/RunResult.js';
import { buildReportModel } from '../../reports/buildReportModel.js';
import { renderCsvReport } from '../../reports/csv/renderCsvReport.js';
import { renderHtmlReport } from '../../reports/html/renderHtmlReport.js';
import { renderMarkdownReport } from '../../reports/markdown/renderMarkdownReport.js';
import { Command, Option } from 'commander';
import { collect } from './cliOptions.js';
import { makeDir } from '../util/makeDir.js';

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

/** A result file that cannot be read or is not a slmbench result (the one result reader's error). */
export { ResultFileError };

const FORMATS: readonly ReportFormat[] = ['html', 'md', 'csv', 'json'];

export async function reportCommand(results: string[], flags: ReportFlags): Promise<number> {
  if (results.length === 0) throw new UsageError('report: name at least one result.json (or a folder holding one)');
  const format = flags.format ?? formatFromExtension(flags.out) ?? 'html';
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${String(format)}"`);
  const objectives: Objective[] | undefined = flags.objectives?.length ? flags.objectives.map(parseObjective) : undefined;
  const sources = results.map((spec) => {
    const loaded = readResultFile(spec);
    return { result: loaded.result as RunResult, source: spec, file: loaded.file ?? spec };
  });
  const model = buildReportModel(sources, objectives ? { objectives } : {});
  if (objectives) {
    for (const s of model.ranking.skippedObjectives) process.stderr.write(`slmbench: objective ${s.metric} skipped: ${s.reason}\n`);
  }

  if (format === 'html') {
    const out = resolve(flags.out ?? join(dirname(sources[0]!.file), 'report.html'));
    writeFileAtomic(out, renderHtmlReport(model));
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
      for (const image of images) writeFileAtomic(join(chartsDir, image.file), image.svg);
    }
    writeFileAtomic(out, markdown);
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
    writeFileAtomic(out, text);
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

/** The `report` command: its options, and the action that calls {@link reportCommand}. */
export function reportCli(): Command {
  return new Command('report')
    .description('render results as a self-contained HTML report (Pareto front, charts, tables), Markdown, CSV or JSON')
    .argument('<results...>', 'result.json files or run folders (several: merged, grouped by device)')
    .option('-o, --out <file>', "output file (default: report.html beside the first result for HTML; stdout for md, csv, json)")
    .addOption(new Option('--format <format>', "output format (default: from --out's extension, else html)").choices(['html', 'md', 'csv', 'json']))
    .option('--objective <path[:max|min]>', 'ranking objective, e.g. metrics.decodeTps:max (repeatable; default accuracy, decode tok/s, TTFT, peak memory, energy)', collect)
    .option('--image-base <url>', 'Markdown: URL prefix of the chart SVGs (default: relative paths)')
    .action(async (results: string[], flags: { out?: string; format?: ReportFormat; objective?: string[]; imageBase?: string }) => {
      process.exitCode = await reportCommand(results, { ...flags, ...(flags.objective ? { objectives: flags.objective } : {}) });
    });
}
