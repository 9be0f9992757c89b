/**
 * The Markdown report, for CI job summaries and pull-request comments: the Pareto front, composite
 * strategies (each cascade threshold sweep as a table, and who answered each composite entry's requests),
 * every entry (columns that do not vary are hidden and stated once above the table; composite entries
 * marked by kind, cascades with their escalation rate), errors, and the ranking method with its medal table. Charts are static SVGs rendered by Vega in Node; the Markdown links them by
 * relative path (`images.base`), because GitHub strips `data:` image URIs from rendered Markdown. Where
 * the files cannot be served (a job summary), the tables carry every number.
 */
import { describeMetric } from '../../harness/result/describeMetric.js';
import type { ReportEntry, ReportModel } from '../buildReportModel.js';
import { cascadeFamilies, type CascadeFamily } from '../cascadeFamilies.js';
import { compositeFields } from '../compositeFields.js';
import { formatNumber } from '../formatNumber.js';
import { fidelityFamilies, PARITY_KL_LIMIT, type FidelityFamily } from '../fidelityFamilies.js';
import { depthFamilies } from '../depthFamilies.js';
import { formatDepthFamily } from '../formatDepthFamily.js';
import { concurrencyFamilies } from '../concurrencyFamilies.js';
import { formatConcurrencyFamily } from '../formatConcurrencyFamily.js';
import { formatNats } from '../entryFields.js';
import { formatDifference } from '../formatDifference.js';
import { formatLocalShare } from '../formatLocalShare.js';
import { formatPercent } from '../formatPercent.js';
import { buildCharts, type ChartOptions } from '../html/buildCharts.js';
import { chartMetrics } from '../html/charts/chartMetrics.js';
import { metricField, pickFields, visibleFields, type EntryField } from '../entryFields.js';
import { escapeMarkdown } from './escapeMarkdown.js';
import { renderChartSvg } from './renderChartSvg.js';

/** Escapes text from a result for the report (one argument: safe to pass to `map`). */
const md = (text: unknown): string => escapeMarkdown(text);

export interface MarkdownReportOptions extends ChartOptions {
  /**
   * Where chart images go: `base` is the path or URL prefix the Markdown links them with (e.g.
   * `report-charts`, or an https URL where CI publishes them). Default: null (no charts, tables only).
   */
  images?: { base: string } | null;
}

/** A chart image to write beside the Markdown. */
export interface MarkdownImage {
  /** File name, e.g. `pareto-1.svg`. */
  file: string;
  /** SVG document. */
  svg: string;
}

export async function renderMarkdownReport(
  model: ReportModel,
  options: MarkdownReportOptions = {},
): Promise<{ markdown: string; images: MarkdownImage[] }> {
  const lines: string[] = [];
  const images: MarkdownImage[] = [];
  const r = model.ranking;
  const count = (s: string) => model.entries.filter((e) => e.entry.status === s).length;
  const harness = model.sources[0]?.harness;
  lines.push(`# ${md(model.title)}`, '');
  lines.push(
    `${model.entries.length} entries: ${count('ok')} ok, ${count('errored')} errored, ${count('skipped')} skipped · ` +
      `${model.devices.map((d) => md(d.name)).join('; ')} · ` +
      `${harness ? `slmbench ${md(harness.version)}${harness.gitSha ? ` (${md(harness.gitSha.slice(0, 10))})` : ''} · ` : ''}` +
      `generated ${md(model.generatedAt)}`,
    '',
  );

  // Charts worth a static image: the Pareto scatters, the cascade trade-offs and the bars of the objectives.
  const charts = options.images
    ? buildCharts(model, options).filter(
        (c) =>
          c.section === 'pareto' ||
          c.section === 'composites' ||
          (c.section === 'metrics' && r.objectives.some((o) => describeMetric(o.metric).label === c.title)),
      )
    : [];
  const base = options.images?.base.replace(/\/+$/, '') ?? '';
  const image = async (chart: (typeof charts)[number]): Promise<string> => {
    const file = `${chart.id.replace(/^chart-/, '')}.svg`;
    images.push({ file, svg: await renderChartSvg(chart.spec) });
    return `**${md(chart.title)}.** ${md(chart.description)}\n\n![${md(chart.title)}](${encodeURI(`${base}/${file}`)})`;
  };

  lines.push('## Pareto front', '');
  const front = model.entries.filter((e) => e.ranking.front === 0);
  const ranked = model.entries.filter((e) => e.ranking.front !== null);
  if (r.objectives.length === 0) {
    lines.push('No objective has values in these results; nothing is ranked.', '');
  } else {
    lines.push(
      `Ranked on ${r.objectives.map((o) => `${md(o.label)} (${o.direction === 'max' ? 'higher' : 'lower'} is better)`).join(', ')}` +
        `${r.significance ? '; overlapping 95% intervals tie' : ''}. ` +
        `**${front.length} of ${ranked.length}** ranked entries are on the Pareto front.`,
      '',
    );
    const head = ['entry', ...r.objectives.map((o) => `${o.label} ${o.direction === 'max' ? '↑' : '↓'}`), 'crowding', 'HV contribution', 'medals'];
    lines.push(row(head.map(md)), row(head.map((_, i) => (i === 0 ? '---' : '---:'))));
    for (const e of front) {
      lines.push(
        row([
          md(e.label),
          ...r.objectives.map((o) => statText(e, o.metric, describeMetric(o.metric).scale)),
          e.ranking.crowding === null ? '∞' : formatNumber(e.ranking.crowding),
          formatNumber(e.ranking.hypervolumeContribution),
          medalsText(e),
        ]),
      );
    }
    lines.push('');
    for (const chart of charts.filter((c) => c.section === 'pareto')) lines.push(await image(chart), '');
  }

  const composites = model.entries.filter((e) => compositeFields(e.entry) !== null);
  if (composites.length) {
    lines.push('## Composite strategies', '');
    lines.push(
      'A cascade answers with its first model and escalates to the next stage when its confidence in its first tokens is below the threshold; ' +
        'the thresholds of one cascade (same stages, signal and workload) form a sweep from -inf (never escalate) to inf (always escalate). ' +
        "An ensemble combines its models' next-token distributions at every step. Both are ranked with the single models.",
      '',
    );
    for (const family of cascadeFamilies(model.entries)) {
      lines.push(`**Cascade sweep: ${md(family.label)}.**`, '');
      const head = ['threshold', 'escalation rate', 'answered on the device', ...r.objectives.map((o) => `${o.label} ${o.direction === 'max' ? '↑' : '↓'}`), 'front'];
      lines.push(row(head.map(md)), row(head.map(() => '---:')));
      for (const { entry, fields } of family.members) {
        lines.push(
          row([
            md(fields.threshold ?? '—'),
            formatPercent(fields.escalationRate),
            md(formatLocalShare(fields.localShare)),
            ...r.objectives.map((o) => statText(entry, o.metric, describeMetric(o.metric).scale)),
            frontText(entry),
          ]),
        );
      }
      lines.push('');
      lines.push(...oracleLines(family));
    }
    for (const chart of charts.filter((c) => c.section === 'composites')) lines.push(await image(chart), '');
    lines.push(...whoAnswered(composites), '');
  }

  const depths = depthFamilies(model.entries);
  if (depths.length) {
    lines.push('## Context depth', '');
    lines.push('The same entries with more history already in the KV cache (filled untimed; each repetition prefills only the prompt after it); medians.', '');
    for (const family of depths) lines.push(`- ${md(formatDepthFamily(family))}`);
    lines.push('');
    for (const chart of charts.filter((c) => c.section === 'depth')) lines.push(await image(chart), '');
  }

  const concurrency = concurrencyFamilies(model.entries);
  if (concurrency.length) {
    lines.push('## Concurrency', '');
    lines.push('The same entries with several requests in flight together on one model, each timed from its arrival; output tok/s counts every request. Medians.', '');
    for (const family of concurrency) lines.push(`- ${md(formatConcurrencyFamily(family))}`);
    lines.push('');
    for (const chart of charts.filter((c) => c.section === 'concurrency')) lines.push(await image(chart), '');
  }

  const fidelity = fidelityFamilies(model.entries);
  if (fidelity.length) {
    lines.push('## Fidelity', '');
    lines.push(
      "Every entry against a reference over the same fixed text, teacher-forced: KL divergence per token (nats; a lower bound over the reference's stored top tokens), top-1 agreement, Δ NLL, perplexity ratio and greedy agreement. Accuracy deltas are paired differences with their 95% intervals.",
      '',
    );
    for (const family of fidelity) lines.push(...fidelityLines(family));
    for (const chart of charts.filter((c) => c.section === 'fidelity')) lines.push(await image(chart), '');
  }

  lines.push('## All entries', '');
  lines.push(...entriesTable(model), '');
  for (const chart of charts.filter((c) => c.section === 'metrics')) lines.push(await image(chart), '');

  const failed = model.entries.filter((e) => e.entry.status !== 'ok');
  if (failed.length) {
    lines.push('## Errors', '');
    for (const e of failed) lines.push(`- ${md(e.label)} — ${md(e.entry.status)}: \`${md(e.entry.error?.code ?? '')}\` ${md(e.entry.error?.message ?? '')}`);
    lines.push('');
  }

  lines.push('<details><summary>Ranking method and medal table</summary>', '');
  lines.push(`${md(r.method)}. Hypervolume reference point: ${md(r.referencePoint.description)}.`, '');
  for (const n of r.notes) lines.push(`- ${md(n)}`);
  if (r.notes.length) lines.push('');
  lines.push(md(r.weightedScore.label), '');
  if (r.medalTable.length) {
    lines.push(row(['entry', 'gold', 'silver', 'bronze', 'weighted score']), row(['---', '---:', '---:', '---:', '---:']));
    for (const m of r.medalTable) {
      const e = model.entries.find((x) => x.key === m.id)!;
      lines.push(row([md(e.label), String(m.gold), String(m.silver), String(m.bronze), formatNumber(e.ranking.weightedScore)]));
    }
    lines.push('');
  }
  lines.push('</details>', '');
  return { markdown: lines.join('\n'), images };
}

/** One reference's fidelity table (and its cross-engine parity rows, marked). */
function fidelityLines(family: FidelityFamily): string[] {
  const tasks = family.qualityPaths;
  const head = ['entry', 'KL mean', 'KL p99', 'KL max', 'top-1 agree', 'Δ NLL', 'PPL ratio', 'greedy same', ...tasks.map((t) => `Δ ${describeMetric(t).label}`)];
  const lines = [`**Against ${md(family.reference.label)}** (reference sha256 \`${family.reference.sha256.slice(0, 12)}\`).`, '', row(head.map(md)), row(head.map((_, i) => (i === 0 ? '---' : '---:')))];
  for (const r of family.rows) {
    const x = r.fidelity;
    const tag = r.entry === family.referenceEntry ? ' (reference)' : r.parity ? (x.klMean > PARITY_KL_LIMIT ? ' (same weights: **differs**)' : ' (same weights)') : '';
    lines.push(
      row([
        `${md(r.entry.label)}${tag}`,
        formatNats(x.klMean),
        formatNats(x.klP99),
        formatNats(x.klMax),
        formatPercent(x.top1Agreement),
        formatNats(x.deltaNll),
        x.pplRatio.toFixed(4),
        x.generation ? formatPercent(x.generation.identicalShare) : '—',
        ...tasks.map((t) => {
          const c = r.quality.find((q) => q.path === t)?.comparison;
          if (!c) return '—';
          return `${formatDifference(c)}${c.change ? ` **${c.change}**` : ''}`;
        }),
      ]),
    );
  }
  lines.push('');
  return lines;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function frontText(e: ReportEntry): string {
  return e.ranking.front === null ? '—' : e.ranking.front === 0 ? '**0** ★' : String(e.ranking.front);
}

/**
 * Per composite entry and phase (measured loop, accuracy tasks), the requests each stage answered, with
 * their latency, CPU time and apportioned energy.
 */
function whoAnswered(composites: readonly ReportEntry[]): string[] {
  const head = ['entry', 'phase', 'answered by', 'requests', 'share', 'median ms', 'median CPU ms', 'J/request (apportioned, estimated)'];
  const out = [
    '### Who answered',
    '',
    'Per entry and phase, the requests each stage answered (every stage of an ensemble takes part in every request). ' +
      "Energy per request is apportioned, not measured: the measured loop's energy divided by its CPU time, charged to each branch for its own CPU time.",
    '',
    row(head.map(md)),
    row(head.map((_, i) => (i < 3 ? '---' : '---:'))),
  ];
  const methods: string[] = [];
  for (const e of composites) {
    const c = e.entry.composite;
    if (c?.energyMethod) methods.push(`${md(e.label)}: ${md(c.energyMethod)}`);
    const phases = c ? ([['measured loop', c.measured], ['accuracy tasks', c.tasks]] as const).filter((p) => p[1] !== null && p[1].branches.length > 0) : [];
    if (!c || phases.length === 0) {
      out.push(row([md(e.label), '—', `no requests recorded${e.entry.status === 'ok' ? '' : ` (${md(e.entry.status)})`}`, '—', '—', '—', '—', '—']));
      continue;
    }
    let firstOfEntry = true;
    for (const [name, phase] of phases) {
      const p = phase!;
      const summary = `${name}: ${p.requests} requests${p.escalated === null ? '' : `, ${p.escalated} escalated (${formatPercent(p.escalationRate)})`}${p.cachedDecisions ? `, ${p.cachedDecisions} cached decisions` : ''}`;
      p.branches.forEach((b, i) => {
        out.push(
          row([
            firstOfEntry ? md(e.label) : '',
            i === 0 ? md(summary) : '',
            md(b.stage >= 0 ? `stage ${b.stage}: ${b.name}` : `all stages: ${b.name}`),
            String(b.requests),
            formatPercent(b.share),
            formatNumber(b.ms.median),
            formatNumber(b.cpuMs.median),
            formatNumber(b.joulesPerRequest),
          ]),
        );
        firstOfEntry = false;
      });
    }
  }
  if (methods.length) out.push('', `Energy apportioned from: ${methods.join('; ')}.`);
  return out;
}

function medalsText(e: ReportEntry): string {
  const m = e.ranking.medals;
  return [m.gold ? `🥇${m.gold}` : '', m.silver ? `🥈${m.silver}` : '', m.bronze ? `🥉${m.bronze}` : ''].filter(Boolean).join(' ') || '—';
}

/**
 * Every entry: the identity fields that do not vary are stated once above the table (the one rule of
 * `visibleFields`), the rest are columns, then status, front, a cascade's escalation rate and the charted
 * metrics with their intervals.
 */
function entriesTable(model: ReportModel): string[] {
  const sources = model.entries;
  const identity = visibleFields(pickFields(['model', 'kind', 'quant', 'backend', 'options', 'workload', 'device']), sources);
  const rest = visibleFields(
    [...pickFields(['status', 'front', 'escalation', 'slo']), ...chartMetrics(sources).map((m) => metricField(m.path, `${m.label} (median [95% CI])`, m.scale))],
    sources,
  ).shown;
  const out: string[] = [];
  if (identity.constant.length) out.push(`All entries: ${identity.constant.map((c) => `${c.field.head} ${md(c.text)}`).join(' · ')}.`, '');
  const fields = [...identity.shown, ...rest];
  const head = ['entry', ...fields.map((f) => f.head)];
  out.push(row(head.map(md)), row(['---', ...fields.map((f) => (f.numeric ? '---:' : '---'))]));
  for (const e of sources) out.push(row([md(e.label), ...fields.map((f) => cell(f, e))]));
  return out;
}

/** A field's cell: the front starred, text from a result escaped (numbers are ours), `—` for nothing. */
function cell(f: EntryField, e: ReportEntry): string {
  if (f.key === 'front') return frontText(e);
  const text = f.text(e) || '—';
  return f.numeric ? text : md(text);
}

/** `median [low, high]` of the metric in display units, or the value alone when it has no interval. */
function statText(e: ReportEntry, path: string, scale: number): string {
  return metricField(path, path, scale).text(e);
}

/**
 * The oracle bound of a cascade sweep, per task: the stages alone, the per-row best with its escalation
 * rate, and each threshold's headroom (the bound at its escalation rate minus its score). Nothing when no
 * entry of the sweep holds an oracle.
 */
function oracleLines(family: CascadeFamily): string[] {
  const members = family.members.flatMap(({ entry, fields }) => (entry.entry.status === 'ok' && entry.entry.oracle ? [{ threshold: fields.threshold ?? '—', oracle: entry.entry.oracle }] : []));
  const first = members[0];
  if (!first) return [];
  const out: string[] = [];
  for (const task of first.oracle) {
    const value = (x: number) => formatNumber(x);
    const stages = task.stages.map((s) => `${md(s.name)} ${value(s.score)}`).join(', ');
    const headroom = members
      .map((m) => {
        const o = m.oracle.find((x) => x.task === task.task && x.metric === task.metric);
        return o ? `${md(m.threshold)} ${o.headroom >= 0 ? '+' : ''}${value(o.headroom)}` : null;
      })
      .filter((x): x is string => x !== null)
      .join(', ');
    out.push(
      `Oracle bound, ${md(task.task)} ${md(task.metric)} over ${task.rows} rows: per-row best ${value(task.oracle.score)} at ${formatPercent(task.oracle.escalationRate)} escalated; alone: ${stages}; headroom to the bound at each threshold's escalation rate: ${headroom}.`,
      '',
    );
  }
  return out;
}
