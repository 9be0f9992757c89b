/**
 * The HTML report: one self-contained page (vega, vega-lite and vega-embed inlined from the installed
 * packages; no network at view time) that opens from disk. Every string from a result is escaped
 * (`escapeHtml` in markup, `scriptJson` in the chart data), and a Content-Security-Policy allows only the
 * page's own scripts (by hash), no network, and no inline event handlers: a result cannot inject HTML or
 * script, and even markup that slipped through would not run.
 */
import { describeDeviceDifferences } from '../../harness/device/describeDevice.js';
import { createHash } from 'node:crypto';
import type { EntryRecord, MeasuredStats } from '../../harness/result/EntryRecord.js';
import { describeMetric } from '../../harness/result/describeMetric.js';
import type { RankedObjective } from '../../harness/ranking/Ranking.js';
import { resolveMetric } from '../../harness/ranking/resolveMetric.js';
import type { ReportEntry, ReportModel } from '../buildReportModel.js';
import { cascadeFamilies } from '../cascadeFamilies.js';
import { compositeFields } from '../compositeFields.js';
import { formatNumber } from '../formatNumber.js';
import { fidelityFamilies, PARITY_KL_LIMIT, type FidelityFamily } from '../fidelityFamilies.js';
import { depthFamilies, type DepthFamily } from '../depthFamilies.js';
import { formatDepthFamily } from '../formatDepthFamily.js';
import { concurrencyFamilies, type ConcurrencyFamily } from '../concurrencyFamilies.js';
import { formatConcurrencyFamily } from '../formatConcurrencyFamily.js';
import { formatNats } from '../entryFields.js';
import { formatP } from '../../harness/gate/evaluateGate.js';
import { formatDifference } from '../formatDifference.js';
import { formatLocalShare } from '../formatLocalShare.js';
import { formatPercent } from '../formatPercent.js';
import type { ChartDefinition } from './ChartDefinition.js';
import { buildCharts, type ChartOptions } from './buildCharts.js';
import { chartMetrics, type ChartMetric } from './charts/chartMetrics.js';
import { ENTRY_FIELDS, metricField, pickFields, visibleFields, type EntryField } from '../entryFields.js';
import { energyMethod } from './charts/entryDatum.js';
import { escapeHtml as h } from './escapeHtml.js';
import { readVegaBundles } from './readVegaBundles.js';
import { REPORT_SCRIPT } from './reportScript.js';
import { REPORT_STYLES } from './reportStyles.js';
import { scriptJson } from './scriptJson.js';

/** Options of the HTML report (which Pareto pairs to draw). */
export type HtmlReportOptions = ChartOptions;

const SECTIONS: [string, string][] = [
  ['glance', 'At a glance'],
  ['pareto', 'Pareto front'],
  ['ranking', 'Ranking'],
  ['composites', 'Composite strategies'],
  ['metrics', 'Metrics'],
  ['distributions', 'Latency distributions'],
  ['sequence', 'Over the sequence'],
  ['depth', 'Context depth'],
  ['concurrency', 'Concurrency'],
  ['size', 'Quality and size'],
  ['fidelity', 'Fidelity'],
  ['devices', 'Devices'],
  ['entries', 'All entries'],
  ['errors', 'Errors'],
  ['metadata', 'Run metadata'],
];

/** Renders the report page. */
export function renderHtmlReport(model: ReportModel, options: HtmlReportOptions = {}): string {
  const charts = buildCharts(model, options);
  const bundles = readVegaBundles();
  const scripts = [...bundles.map((b) => b.code), REPORT_SCRIPT];
  const hashes = scripts.map((s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`);
  const csp = [
    "default-src 'none'",
    `script-src ${hashes.join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    'font-src data:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const metrics = chartMetrics(model.entries);
  const present = new Set(charts.map((c) => c.section));
  const failed = model.entries.filter((e) => e.entry.status !== 'ok');
  const composites = model.entries.filter((e) => compositeFields(e.entry) !== null);
  const fidelity = fidelityFamilies(model.entries);
  const sections = SECTIONS.filter(
    ([id]) =>
      ['glance', 'pareto', 'ranking', 'size', 'entries', 'metadata'].includes(id) ||
      present.has(id) ||
      (id === 'errors' && failed.length > 0) ||
      (id === 'composites' && composites.length > 0) ||
      (id === 'fidelity' && fidelity.length > 0),
  );

  const body = [
    header(model, sections),
    '<main>',
    glance(model),
    chartSection('pareto', 'Pareto front', paretoLead(model), charts),
    rankingSection(model),
    compositesSection(model, composites, charts),
    chartSection('metrics', 'Metrics', 'Every metric per entry, best first. Bars are means; whiskers are 95% confidence intervals of the mean.', charts),
    chartSection('distributions', 'Latency distributions', 'Time to first token per repetition, and inter-token latency over every gap.', charts),
    chartSection('sequence', 'Over the sequence', 'How the time per token changes as the sequence grows.', charts),
    depthSection(depthFamilies(model.entries), charts),
    concurrencySection(concurrencyFamilies(model.entries), charts),
    sizeSection(charts),
    fidelitySection(fidelity, charts),
    chartSection('devices', 'Devices', ['The same configurations measured on different devices.', ...describeDeviceDifferences(model.devices.map((d) => d.fingerprint))].join(' '), charts),
    entriesSection(model, metrics),
    errorsSection(failed),
    metadataSection(model),
    '</main>',
    footer(model, bundles),
  ].join('\n');

  const chartData = charts.map((c) => ({ id: c.id, spec: c.spec }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="slmbench">
<title>${h(model.title)}</title>
<style>${REPORT_STYLES}</style>
</head>
<body>
${body}
<script type="application/json" id="slmbench-charts">${scriptJson(chartData)}</script>
${scripts.map((s) => `<script>${s}</script>`).join('\n')}
</body>
</html>
`;
}

function header(model: ReportModel, sections: [string, string][]): string {
  const s = summary(model);
  const harness = model.sources[0]?.harness;
  const version = harness ? `slmbench ${harness.version}${harness.gitSha ? ` (${harness.gitSha.slice(0, 10)})` : ''}` : '';
  return `<header class="page">
<h1>${h(model.title)}</h1>
<p class="meta">${s.entries} entries: ${s.ok} ok, ${s.errored} errored, ${s.skipped} skipped · ${model.devices.length === 1 ? h(model.devices[0]!.name) : `${model.devices.length} devices`} · ${h(version)} · generated ${h(model.generatedAt)}</p>
<nav class="toc">${sections.map(([id, title]) => `<a href="#${id}">${h(title)}</a>`).join('')}</nav>
</header>`;
}

function summary(model: ReportModel) {
  const count = (status: string) => model.entries.filter((e) => e.entry.status === status).length;
  return { entries: model.entries.length, ok: count('ok'), errored: count('errored'), skipped: count('skipped') };
}

function glance(model: ReportModel): string {
  const ranking = model.ranking;
  const front = model.entries.filter((e) => e.ranking.front === 0);
  const ranked = model.entries.filter((e) => e.ranking.front !== null);
  const cards: string[] = [];
  cards.push(`<div class="card"><div class="k">Pareto front</div><div class="v">${front.length} of ${ranked.length} ranked ${ranked.length === 1 ? 'entry' : 'entries'}</div>
<div class="chips">${front.map((e) => `<span class="chip">${h(e.label)}</span>`).join('')}</div></div>`);
  for (const o of ranking.objectives) {
    const best = model.entries.filter((e) => e.ranking.front !== null && e.ranking.values[o.metric] === o.best);
    if (best.length === 0) continue;
    const d = describeMetric(o.metric);
    const methods = o.metric.startsWith('metrics.energy.') ? [...new Set(best.map(energyMethod).filter((m): m is string => m !== null))] : [];
    const names = (methods.length ? `method: ${h(methods.join(', '))}<br>` : '') + best.slice(0, 3).map((e) => h(e.label)).join('<br>') + (best.length > 3 ? `<br>and ${best.length - 3} more` : '');
    cards.push(`<div class="card"><div class="k">best ${h(o.label)}</div><div class="v">${h(formatNumber(o.best * d.scale))}${d.unit ? ` ${h(d.unit)}` : ''}</div><div class="s">${names}</div></div>`);
  }
  const objectiveText = ranking.objectives.length
    ? ranking.objectives.map((o) => `${h(o.label)} (${o.direction === 'max' ? 'higher' : 'lower'} is better)`).join(', ')
    : 'none (no entry has a value for any objective)';
  return `<section id="glance"><h2>At a glance</h2>
<div class="glance">${cards.join('\n')}</div>
<p class="lead">Ranked on ${objectiveText}${ranking.significance ? '; where two entries’ 95% intervals overlap on an objective, neither is better on it' : ''}.</p>
${ranking.notes.length ? `<ul class="notes">${ranking.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : ''}
</section>`;
}

function paretoLead(model: ReportModel): string {
  const n = model.ranking.objectives.length;
  if (n < 2) return 'A Pareto front needs at least two objectives with values; see the ranking table.';
  const composite = model.entries.some((e) => compositeFields(e.entry) !== null);
  const shape = composite
    ? 'shape single model (circle) or composite strategy (diamond: cascade, square: ensemble); a purple line joins the thresholds of a cascade sweep in order'
    : 'shape the model or quantization';
  return `Each chart shows two objectives; better is up and to the right (axes of lower-is-better objectives are reversed). Filled, labelled points are on the Pareto front over all objectives; faded points are dominated. Point size is peak memory, colour the backend, ${shape}. Hover for every metric.`;
}

function chartSection(id: string, title: string, lead: string, charts: readonly ChartDefinition[]): string {
  const mine = charts.filter((c) => c.section === id);
  if (mine.length === 0 && id !== 'pareto') return '';
  return `<section id="${id}"><h2>${h(title)}</h2><p class="lead">${h(lead)}</p>
<div class="chart-grid">${mine.map(figure).join('\n')}</div></section>`;
}

/** Depth sweeps: the chart, and per family a table of its depths and one line of what the depth costs. */
function depthSection(families: readonly DepthFamily[], charts: readonly ChartDefinition[]): string {
  if (families.length === 0) return '';
  const mine = charts.filter((c) => c.section === 'depth');
  const ms = (stats: MeasuredStats | null) => (stats ? `<td class="num" data-value="${stats.median}">${h(formatNumber(stats.median))}</td>` : '<td class="num">—</td>');
  const tables = families.map((f, i) => {
    const withSlo = f.slo !== undefined;
    const head = ['depth', 'TTFT ms', 'TPOT ms', ...(withSlo ? [`meets ${f.slo!.preset}`] : [])];
    const rows = f.members.map(
      (m) => `<tr data-key="${h(m.entry.key)}"><td class="num">${m.depth}</td>${ms(m.ttftMs)}${ms(m.tpotMs)}${withSlo ? `<td>${m.sloMet ? '✓' : '✗'}</td>` : ''}</tr>`,
    );
    return `<h3>${h(f.label)}</h3><p>${h(formatDepthFamily(f))}</p>
<div class="table-wrap"><table class="depth" data-family="${i + 1}"><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
  });
  return `<section id="depth"><h2>Context depth</h2><p class="lead">${h('The same entries with more history already in the KV cache: the history is filled once per process, untimed, and each repetition prefills only the prompt after it. Medians; the chart shows their 95% intervals.')}</p>
<div class="chart-grid">${mine.map(figure).join('\n')}</div>
${tables.join('\n')}</section>`;
}

/** Concurrency sweeps: the chart, and per family a table of its concurrencies and one line of what batching gives. */
function concurrencySection(families: readonly ConcurrencyFamily[], charts: readonly ChartDefinition[]): string {
  if (families.length === 0) return '';
  const mine = charts.filter((c) => c.section === 'concurrency');
  const cell = (value: number | null | undefined) => (value === null || value === undefined ? '<td class="num">—</td>' : `<td class="num" data-value="${value}">${h(formatNumber(value))}</td>`);
  const tables = families.map((f, i) => {
    const head = ['requests', 'batching', 'output tok/s', 'TTFT ms', 'TPOT ms', 'goodput req/s'];
    const rows = f.members.map(
      (m) => `<tr data-key="${h(m.entry.key)}"><td class="num">${m.concurrency}</td><td>${h(m.batching)}</td>${cell(m.outputTps.median)}${cell(m.ttftMs.median)}${cell(m.tpotMs?.median)}${cell(m.goodputRps)}</tr>`,
    );
    return `<h3>${h(f.label)}</h3><p>${h(formatConcurrencyFamily(f))}</p>
<div class="table-wrap"><table class="concurrency" data-family="${i + 1}"><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
  });
  return `<section id="concurrency"><h2>Concurrency</h2><p class="lead">${h('The same entries with several requests in flight together on one loaded model, each with its own prompt, timed from its own arrival; the output rate counts every request\'s tokens over the round. Medians.')}</p>
<div class="chart-grid">${mine.map(figure).join('\n')}</div>
${tables.join('\n')}</section>`;
}

function figure(chart: ChartDefinition): string {
  const other = chart.otherMarks?.length ? ` data-other-marks="${h(JSON.stringify(chart.otherMarks))}"` : '';
  return `<figure class="chart${chart.wide ? ' wide' : ''}" id="${h(chart.id)}" data-mark-name="${h(chart.markName)}" data-expected-marks="${chart.expectedMarks}"${other}>
<figcaption><h3>${h(chart.title)}</h3><p>${h(chart.description)}</p></figcaption>
<div class="chart-body"></div></figure>`;
}

function sizeSection(charts: readonly ChartDefinition[]): string {
  const mine = charts.filter((c) => c.section === 'size');
  if (mine.length) return chartSection('size', 'Quality and size', 'Quality metrics against model size.', charts);
  return `<section id="size"><h2>Quality and size</h2><p class="lead">These results carry no quality (accuracy) metrics, so there is no accuracy-against-size chart. Run a suite with quality tasks to add it.</p></section>`;
}

function objectiveCell(e: ReportEntry, o: RankedObjective): string {
  return metricCell(e.entry, { path: o.metric, scale: describeMetric(o.metric).scale });
}

function rankingSection(model: ReportModel): string {
  const r = model.ranking;
  const rows = model.entries
    .filter((e) => e.ranking.front !== null)
    .sort(
      (a, b) =>
        a.ranking.front! - b.ranking.front! ||
        (b.ranking.crowding ?? Infinity) - (a.ranking.crowding ?? Infinity) ||
        (b.ranking.weightedScore ?? 0) - (a.ranking.weightedScore ?? 0),
    );
  const head = [
    '#',
    'front',
    'entry',
    ...r.objectives.map((o) => `${o.label} ${o.direction === 'max' ? '↑' : '↓'}`),
    'crowding',
    'HV contribution',
    'score',
    'medals',
  ];
  const body = rows.map((e, i) => {
    const rk = e.ranking;
    const crowding = rk.crowding === null ? '∞' : formatNumber(rk.crowding);
    return `<tr class="${rk.front === 0 ? 'on-front' : ''}" data-key="${h(e.key)}">
<td class="num" data-sort="${i + 1}">${i + 1}</td>
<td class="front num" data-sort="${rk.front}">${rk.front === 0 ? '★ 0' : rk.front}</td>
<td class="label" title="${h(e.device.name)}">${h(e.label)}</td>
${r.objectives.map((o) => objectiveCell(e, o)).join('')}
<td class="num" data-sort="${rk.crowding ?? 1e308}">${crowding}</td>
<td class="num" data-sort="${rk.hypervolumeContribution ?? ''}">${h(formatNumber(rk.hypervolumeContribution))}</td>
<td class="num" data-sort="${rk.weightedScore ?? ''}">${h(formatNumber(rk.weightedScore))}</td>
<td class="medal" data-sort="${rk.medals.gold * 10000 + rk.medals.silver * 100 + rk.medals.bronze}">${medalText(rk.medals)}</td>
</tr>`;
  });
  const unranked = model.entries.filter((e) => e.ranking.front === null);
  const medalRows = r.medalTable.map((m) => {
    const e = model.entries.find((x) => x.key === m.id)!;
    const won = Object.entries(e.ranking.medals.byObjective)
      .map(([metric, medal]) => `${medalIcon(medal)} ${h(r.objectives.find((o) => o.metric === metric)?.label ?? metric)}`)
      .join(', ');
    return `<tr><td class="label">${h(e.label)}</td><td class="num">${m.gold}</td><td class="num">${m.silver}</td><td class="num">${m.bronze}</td><td>${won || '—'}</td></tr>`;
  });
  return `<section id="ranking"><h2>Ranking</h2>
<p class="lead">${h(capitalize(r.method))}. Front 0 (★) is the Pareto front: no other entry is better on one objective without being worse on another. Within a front, crowding distance (∞ at the extremes) and hypervolume (HV) contribution say how much an entry adds to the trade-off; the score is a weighted average of the normalised objectives, one view among others. The reference point for hypervolume lies ${h(r.referencePoint.description)}.</p>
<div class="table-wrap"><table class="sortable" id="ranking-table"><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead>
<tbody>${body.join('\n')}</tbody></table></div>
${unranked.length ? `<p class="lead">Not ranked: ${unranked.map((e) => `${h(e.label)} (${h(e.ranking.excluded)})`).join('; ')}.</p>` : ''}
<details><summary>Weighted score and medal table</summary>
<p class="lead">${h(r.weightedScore.label)}</p>
<p class="lead">Medals, as in SLM-Bench: gold, silver and bronze for places 1–3 on each objective (ties share a place).</p>
<div class="table-wrap"><table class="sortable" id="medal-table"><thead><tr><th>entry</th><th>gold</th><th>silver</th><th>bronze</th><th>won on</th></tr></thead>
<tbody>${medalRows.join('\n')}</tbody></table></div></details>
</section>`;
}

function medalIcon(medal: 'gold' | 'silver' | 'bronze'): string {
  return `<span class="dot ${medal}" title="${medal}"></span>`;
}

function medalText(m: { gold: number; silver: number; bronze: number }): string {
  const parts = (['gold', 'silver', 'bronze'] as const).filter((k) => m[k] > 0).map((k) => `${medalIcon(k)}${m[k]}`);
  return parts.join(' ') || '—';
}

/** A metric's cell: its value in display units with its interval below, sorted on the stored value. */
function metricCell(entry: EntryRecord, m: { path: string; scale: number }): string {
  const v = resolveMetric(entry, m.path);
  if (!v) return '<td class="num" data-sort="">—</td>';
  const interval = v.low !== v.high ? `<span class="ci">${h(formatNumber(v.low * m.scale))}–${h(formatNumber(v.high * m.scale))}</span>` : '';
  return `<td class="num" data-sort="${v.value}">${h(formatNumber(v.value * m.scale))}${interval}</td>`;
}

/**
 * Every entry, sortable: the identity fields that vary are columns and those every entry shares are stated
 * once above the table (the one rule of `visibleFields`); then reps, front, a cascade's escalation rate and
 * the charted metrics, each with its interval.
 */
function entriesSection(model: ReportModel, metrics: readonly ChartMetric[]): string {
  const sources = model.entries;
  const identity = visibleFields(pickFields(['kind', 'model', 'quant', 'params', 'backend', 'version', 'options', 'workload', 'device']), sources);
  const rest = visibleFields([...pickFields(['reps', 'front', 'escalation', 'slo']), ...metrics.map((m) => metricField(m.path, `${m.label} (median)`, m.scale))], sources).shown;
  const fields = [ENTRY_FIELDS.status, ...identity.shown, ...rest];
  const head = ['entry', ...fields.map((f) => f.head)];
  const rows = sources.map((e) => {
    const kind = e.row.composite;
    return `<tr data-key="${h(e.key)}"${kind ? ` class="composite-row" data-composite="${h(kind)}"` : ''}>
<td class="label">${h(e.label)}</td>
${fields.map((f) => entryCell(f, e)).join('')}
</tr>`;
  });
  const shared = identity.constant.length ? ` All entries: ${identity.constant.map((c) => `${h(c.field.head)} <b>${h(c.text)}</b>`).join(' · ')}.` : '';
  return `<section id="entries"><h2>All entries</h2>
<p class="lead">Every entry with its medians and 95% intervals of the median (of the mean where the median's is not recorded); click a column to sort. The CSV report has every field, one column each.${shared}</p>
<div class="table-wrap"><table class="sortable" id="entries-table"><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div></section>`;
}

/** One cell of the entries table: a metric with its interval, a number with its sort value, or text. */
function entryCell(f: EntryField, e: ReportEntry): string {
  if (f.metric) return metricCell(e.entry, f.metric);
  const text = f.text(e) || '—';
  if (f.key === 'status') return `<td class="status-${h(e.entry.status)}">${h(e.entry.status)}</td>`;
  if (f.key === 'kind') return `<td>${e.row.composite ? `<span class="tag">${h(text)}</span>` : h(text)}</td>`;
  if (f.numeric) return `<td class="num" data-sort="${h(f.value(e) ?? '')}">${h(text)}</td>`;
  return `<td>${h(text)}</td>`;
}

/**
 * Fidelity: per reference, its chart, a table of every entry's fidelity with its accuracy against the
 * reference entry (paired tests), and the cross-engine parity rows (same weights, another engine).
 */
function fidelitySection(families: readonly FidelityFamily[], charts: readonly ChartDefinition[]): string {
  if (families.length === 0) return '';
  const mine = charts.filter((c) => c.section === 'fidelity');
  const tables = families.map((f, i) => {
    const tasks = f.qualityPaths;
    const head = ['entry', 'KL mean', 'KL p99', 'KL max', 'top-1 agree', 'Δ NLL', 'PPL ratio', 'greedy same', 'first divergence', ...tasks.map((t) => `Δ ${describeMetric(t).label}`)];
    const rows = f.rows.map((r) => {
      const x = r.fidelity;
      const g = x.generation;
      const cells = [
        `<td class="label">${h(r.entry.label)}${r.entry === f.referenceEntry ? ' <span class="tag">reference</span>' : ''}</td>`,
        num(x.klMean, formatNats(x.klMean)),
        num(x.klP99, formatNats(x.klP99)),
        num(x.klMax, formatNats(x.klMax)),
        num(x.top1Agreement, formatPercent(x.top1Agreement)),
        num(x.deltaNll, formatNats(x.deltaNll)),
        num(x.pplRatio, x.pplRatio.toFixed(4)),
        num(g?.identicalShare ?? null, g ? formatPercent(g.identicalShare) : '—'),
        num(g?.firstDivergence ?? null, g ? (g.firstDivergence === null ? 'none' : String(g.firstDivergence)) : '—'),
        ...tasks.map((t) => {
          const c = r.quality.find((q) => q.path === t)?.comparison;
          if (!c) return '<td class="num">—</td>';
          const test = c.method === 'mcnemar' && c.pValue !== null ? `, McNemar ${formatP(c.pValue)}` : c.method === 'paired-bootstrap' ? ', paired' : '';
          return `<td class="num" data-sort="${c.difference}">${h(`${formatDifference(c)}${test}`)}${c.change ? ` <strong>${h(c.change)}</strong>` : ''}</td>`;
        }),
      ];
      return `<tr data-key="${h(r.entry.key)}">${cells.join('')}</tr>`;
    });
    const parity = f.rows.filter((r) => r.parity);
    const parityTable = parity.length
      ? `<h4>Cross-engine parity: the reference's weights on other engines</h4>
<p class="lead">The same weights computed by another engine should agree to float32 rounding (a mean KL of 1e-12 to 1e-6 nats, every top token the same); a mean KL above ${formatNats(PARITY_KL_LIMIT)} nats is marked: a defect worth finding.</p>
<div class="table-wrap"><table class="fidelity-parity" data-reference="${h(f.reference.sha256)}"><thead><tr><th>entry</th><th>KL mean</th><th>KL max</th><th>top-1 agree</th><th>greedy same</th><th>parity</th></tr></thead>
<tbody>${parity
          .map(
            (r) =>
              `<tr data-key="${h(r.entry.key)}"><td class="label">${h(r.entry.label)}</td>${num(r.fidelity.klMean, formatNats(r.fidelity.klMean))}${num(r.fidelity.klMax, formatNats(r.fidelity.klMax))}${num(r.fidelity.top1Agreement, formatPercent(r.fidelity.top1Agreement))}${num(r.fidelity.generation?.identicalShare ?? null, r.fidelity.generation ? formatPercent(r.fidelity.generation.identicalShare) : '—')}<td>${r.fidelity.klMean > PARITY_KL_LIMIT ? '<strong>differs</strong>' : 'agrees'}</td></tr>`,
          )
          .join('\n')}</tbody></table></div>`
      : '';
    return `<h3>Against ${h(f.reference.label)}</h3>
<p class="lead">Reference file sha256 <code>${h(f.reference.sha256)}</code>${f.referenceEntry ? '' : ' (the reference entry is not in this report: accuracy deltas need it)'}. Accuracy deltas are each entry's minus the reference entry's, with the 95% interval of the paired difference over the items both scored.</p>
<div class="table-wrap"><table class="fidelity" data-family="${i + 1}"><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>
${parityTable}`;
  });
  return `<section id="fidelity"><h2>Fidelity</h2>
<p class="lead">Every entry against a reference over the same fixed text, teacher-forced: the KL divergence of its next-token distribution from the reference's at each position (nats; a lower bound over the reference's stored top tokens and their remainder), how often its most likely token is the reference's, its log-likelihood of the text against the reference's, and how far its greedy output follows the reference's.</p>
${mine.length ? `<div class="chart-grid">${mine.map(figure).join('\n')}</div>` : ''}
${tables.join('\n')}
</section>`;
}

function num(value: number | null, text: string): string {
  return `<td class="num" data-sort="${value ?? ''}">${h(text)}</td>`;
}

/**
 * Composite strategies: the cascade trade-off charts, each cascade threshold sweep as a table, and who
 * answered: per composite entry and phase (measured loop, accuracy tasks), the requests each branch
 * answered with their latency, CPU time and apportioned energy.
 */
function compositesSection(model: ReportModel, composites: readonly ReportEntry[], charts: readonly ChartDefinition[]): string {
  if (composites.length === 0) return '';
  const mine = charts.filter((c) => c.section === 'composites');
  const families = cascadeFamilies(model.entries);
  const familyTables = families.map((f) => {
    const rows = f.members.map(
      ({ entry, fields }) => `<tr data-key="${h(entry.key)}">
<td class="num">${h(fields.threshold ?? '—')}</td>
<td class="num" data-sort="${fields.escalationRate ?? ''}">${h(formatPercent(fields.escalationRate))}</td>
<td class="num" data-sort="${fields.localShare?.requests ?? ''}">${h(formatLocalShare(fields.localShare))}</td>
${model.ranking.objectives.map((o) => objectiveCell(entry, o)).join('')}
<td class="num">${entry.ranking.front === null ? '—' : entry.ranking.front === 0 ? '★ 0' : entry.ranking.front}</td>
</tr>`,
    );
    return `<h3>Cascade sweep: ${h(f.label)}</h3>
<div class="table-wrap"><table class="cascade-sweep" data-family="${h(f.id)}"><thead><tr><th>threshold</th><th>escalation rate</th><th>answered on the device</th>${model.ranking.objectives
      .map((o) => `<th>${h(o.label)} ${o.direction === 'max' ? '↑' : '↓'}</th>`)
      .join('')}<th>front</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
  });
  const methods = [...new Set(composites.map((e) => e.entry.composite?.energyMethod).filter((m): m is string => typeof m === 'string'))];
  const branchRows = composites.flatMap((e) => compositeRows(e));
  return `<section id="composites"><h2>Composite strategies</h2>
<p class="lead">A cascade answers with its first model and escalates to the next stage when the first one's confidence in its first tokens is below the threshold; each threshold is one entry, and the thresholds of one cascade (same stages, signal and workload) form a sweep, from -inf (never escalate) to inf (always escalate). An ensemble combines its models' next-token distributions at every step. They are ranked with the single models and drawn beside them on the Pareto charts.</p>
${mine.length ? `<div class="chart-grid">${mine.map(figure).join('\n')}</div>` : ''}
${familyTables.join('\n')}
<h3>Who answered</h3>
<p class="lead">Per entry and phase (the measured loop, the accuracy tasks), the requests each stage answered (an ensemble's every stage takes part in every request), with their wall-clock and CPU time per request. Energy per request is apportioned, not measured: the measured loop's energy is divided by its CPU time and each branch is charged for its own CPU time, so the figure is always an estimate${methods.length ? ` (${h(methods.join('; '))})` : ''}.</p>
<div class="table-wrap"><table id="composite-table"><thead><tr><th>entry</th><th>phase</th><th>requests</th><th>escalated</th><th>cached decisions</th><th>answered by</th><th>requests</th><th>share</th><th>median ms</th><th>median CPU ms</th><th>J/request (apportioned, estimated)</th></tr></thead>
<tbody>${branchRows.join('\n')}</tbody></table></div>
</section>`;
}

/** The rows of one composite entry in the who-answered table (a row per branch, entry and phase cells spanning theirs). */
function compositeRows(e: ReportEntry): string[] {
  const c = e.entry.composite;
  const kind = compositeFields(e.entry)?.kind ?? '';
  const phases = c ? ([['measured loop', c.measured], ['accuracy tasks', c.tasks]] as const).filter((p) => p[1] !== null && p[1].branches.length > 0) : [];
  const span = phases.reduce((n, [, p]) => n + p!.branches.length, 0);
  if (!c || span === 0) {
    return [`<tr data-key="${h(e.key)}" data-composite="${h(kind)}"><td class="label">${h(e.label)}</td><td colspan="10">no requests recorded${e.entry.status === 'ok' ? '' : ` (${h(e.entry.status)})`}</td></tr>`];
  }
  const rows: string[] = [];
  for (const [name, phase] of phases) {
    const p = phase!;
    const escalated = p.escalated === null ? 'n/a' : `${p.escalated} (${formatPercent(p.escalationRate)})`;
    p.branches.forEach((b, i) => {
      const first = rows.length === 0;
      rows.push(`<tr data-key="${h(e.key)}" data-composite="${h(kind)}" data-phase="${h(name)}">
${first ? `<td class="label" rowspan="${span}">${h(e.label)}</td>` : ''}
${i === 0 ? `<td rowspan="${p.branches.length}">${h(name)}</td><td class="num" rowspan="${p.branches.length}">${p.requests}</td><td class="num" rowspan="${p.branches.length}">${h(escalated)}</td><td class="num" rowspan="${p.branches.length}">${p.cachedDecisions}</td>` : ''}
<td>${h(b.stage >= 0 ? `stage ${b.stage}: ${b.name}` : `all stages: ${b.name}`)}</td>
<td class="num">${b.requests}</td>
<td class="num">${h(formatPercent(b.share))}</td>
<td class="num">${h(formatNumber(b.ms.median))}</td>
<td class="num">${h(formatNumber(b.cpuMs.median))}</td>
<td class="num" title="${h(c.energyMethod ?? 'no energy reading')}">${h(formatNumber(b.joulesPerRequest))}</td>
</tr>`);
    });
  }
  return rows;
}

function errorsSection(failed: readonly ReportEntry[]): string {
  if (failed.length === 0) return '';
  const rows = failed.map(
    (e) => `<tr><td class="label">${h(e.label)}</td><td class="status-${h(e.entry.status)}">${h(e.entry.status)}</td><td>${h(e.entry.error?.code ?? '—')}</td><td><pre>${h(e.entry.error?.message ?? '')}</pre></td></tr>`,
  );
  return `<section id="errors"><h2>Errors</h2>
<p class="lead">Entries that did not produce measurements, with the reason.</p>
<div class="table-wrap"><table class="sortable" id="errors-table"><thead><tr><th>entry</th><th>status</th><th>code</th><th>message</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div></section>`;
}

function metadataSection(model: ReportModel): string {
  const sources = model.sources.map(
    (s) => `<details><summary>${h(s.source)} — ${h(s.device.name)}, ${h(s.startedAt)} to ${h(s.endedAt)}</summary>
<pre>${h(JSON.stringify({ harness: s.harness, configSource: s.configSource, summary: s.summary, device: s.device.fingerprint }, null, 2))}</pre></details>`,
  );
  const entries = model.entries.map((e) => {
    const x = e.entry;
    const meta = {
      id: x.id,
      key: e.key,
      status: x.status,
      source: e.source,
      device: e.device.name,
      model: x.model,
      backend: x.backend,
      workload: x.workload,
      measurement: x.measurement ?? null,
      outputs: x.outputs ? { text: x.outputs.text, eosIndex: x.outputs.eosIndex, consistent: x.outputs.consistent, tokens: x.outputs.tokenIds.length } : null,
      error: x.error ? { code: x.error.code, message: x.error.message } : null,
      startedAt: x.startedAt,
      endedAt: x.endedAt,
    };
    return `<details><summary>${h(e.label)} <span class="s">[${h(e.key)}]</span></summary><pre>${h(JSON.stringify(meta, null, 2))}</pre></details>`;
  });
  return `<section id="metadata"><h2>Run metadata</h2>
<p class="lead">Where each result came from: device fingerprint, versions, and each entry's model, backend options (requested and resolved), workload, measurement and output text.</p>
<h3>Results</h3>${sources.join('\n')}
<h3>Entries</h3>${entries.join('\n')}</section>`;
}

function footer(model: ReportModel, bundles: readonly { name: string; version: string }[]): string {
  return `<footer>Made by slmbench from ${model.sources.map((s) => h(s.source)).join(', ')}. Charts: ${bundles.map((b) => `${h(b.name)} ${h(b.version)}`).join(', ')}, inlined; this page makes no network request.</footer>`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
