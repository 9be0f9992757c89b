/**
 * The console table at the end of a run: one row per entry, `mean ± stdev`, and the identity columns
 * (model, backend, options, workload) shown only where they vary across the run. A composite entry's
 * model is tagged with its kind (`a → b [cascade]`), and a cascade's escalation rate has a column.
 */
import Table from 'cli-table3';
import type { EntryRecord } from '../../harness/result/EntryRecord.js';
import { varyingOptions } from '../../harness/result/varyingOptions.js';
import { compositeFields } from '../compositeFields.js';
import { formatPercent } from '../formatPercent.js';
import { formatStat } from './formatStat.js';

interface Column {
  head: string;
  cell: (record: EntryRecord) => string;
  /** Identity columns are hidden when every row has the same value. */
  identity?: boolean;
}

const MiB = 1024 * 1024;

export function renderEntriesTable(all: readonly EntryRecord[]): string {
  // Skipped entries (a backend that cannot read the model's format) are counted, not listed.
  const records = all.filter((r) => r.status !== 'skipped');
  const skipped = all.length - records.length;
  const note = skipped ? `\n${skipped} ${skipped === 1 ? 'entry' : 'entries'} skipped (see result.json): ${[...new Set(all.filter((r) => r.status === 'skipped').map((r) => r.error?.code ?? ''))].join(', ')}` : '';
  if (records.length === 0) return `(no entries run)${note}`;
  const varying = varyingOptions(records);
  const cascades = records.some((r) => compositeFields(r)?.kind === 'cascade');
  const columns: Column[] = [
    {
      head: 'model',
      cell: (r) => {
        const kind = compositeFields(r)?.kind;
        return kind ? `${r.model.name} [${kind}]` : r.model.name;
      },
      identity: true,
    },
    { head: 'backend', cell: (r) => r.backend.id, identity: true },
    {
      head: 'options',
      cell: (r) => (varying.get(r.backend.id) ?? []).map((k) => `${k}=${String(r.backend.options[k])}`).join(' '),
      identity: true,
    },
    { head: 'workload', cell: (r) => r.workload.name, identity: true },
    { head: 'status', cell: (r) => (r.status === 'ok' ? 'ok' : `${r.status}: ${r.error?.code ?? ''}`) },
    ...(cascades ? [{ head: 'escalated', cell: (r: EntryRecord) => formatPercent(compositeFields(r)?.escalationRate) }] : []),
    { head: 'load ms', cell: (r) => formatStat(r.metrics?.loadMs, 1) },
    { head: 'TTFT ms', cell: (r) => formatStat(r.metrics?.ttftMs) },
    { head: 'prefill tok/s', cell: (r) => formatStat(r.metrics?.prefillTps, 0) },
    { head: 'decode tok/s', cell: (r) => formatStat(r.metrics?.decodeTps, 1) },
    { head: 'TPOT ms', cell: (r) => formatStat(r.metrics?.tpotMs, 3) },
    // Not shown where the entry cannot measure it (a remote model: the figure would be the client's).
    { head: 'peak RSS MiB', cell: (r) => (r.metrics && !r.metrics.notMeasured?.memory ? (r.metrics.peakRssBytes / MiB).toFixed(1) : '—') },
    {
      head: records.every((r) => !r.metrics?.energy || r.metrics.energy.estimated) ? 'mJ/token (estimated)' : 'mJ/token (* estimated)',
      cell: (r) => {
        const e = r.metrics?.energy;
        if (!e || e.joulesPerOutputToken === null) return '—';
        const mark = e.estimated && records.some((x) => x.metrics?.energy && !x.metrics.energy.estimated) ? '*' : '';
        return `${(e.joulesPerOutputToken * 1000).toFixed(3)}${mark}`;
      },
    },
    { head: '% of bound', cell: (r) => (r.metrics?.roofline?.fraction != null ? `${(r.metrics.roofline.fraction * 100).toFixed(1)}` : '—') },
    { head: 'n', cell: (r) => (r.metrics ? String(r.metrics.ttftMs.n) : '—') },
  ];
  const identity = columns.filter((c) => c.identity && (new Set(records.map(c.cell)).size > 1 || (c.head === 'model' && records.length === 1)));
  const render = (cols: Column[]) => {
    const table = new Table({ head: cols.map((c) => c.head), style: { head: [], border: [] } });
    for (const record of records) table.push(cols.map((c) => c.cell(record)));
    return table.toString();
  };
  const tables = [render(columns.filter((c) => !c.identity || identity.includes(c)))];
  // Accuracy in tables of its own: identity columns plus up to eight tasks each.
  const quality = qualityColumns(records);
  for (let i = 0; i < quality.length; i += 8) tables.push(render([...identity, ...quality.slice(i, i + 8)]));
  const errors = records
    .filter((r) => r.error)
    .map((r) => `  ${r.label}: ${r.error!.code}: ${r.error!.message}`);
  return `${tables.join('\n')}${errors.length ? `\nerrors:\n${errors.join('\n')}` : ''}${note}`;
}

/** Preferred metric of a task for the table; the rest stay in result.json. */
const PRIMARY_METRICS = ['acc', 'exact_match', 'token_perplexity', 'acc_norm'];

/** One column per accuracy task: its primary metric, value ± stderr. */
function qualityColumns(records: readonly EntryRecord[]): Column[] {
  const tasks = new Map<string, string>();
  for (const record of records) {
    for (const [task, metrics] of Object.entries(record.metrics?.quality ?? {})) {
      if (tasks.has(task)) continue;
      const names = Object.keys(metrics);
      const metric = PRIMARY_METRICS.find((m) => names.includes(m)) ?? names[0];
      if (metric) tasks.set(task, metric);
    }
  }
  return [...tasks].map(([task, metric]) => ({
    head: `${task} ${metric}`,
    cell: (r: EntryRecord) => {
      const v = r.metrics?.quality?.[task]?.[metric];
      if (!v) return '—';
      return v.stderr === null ? v.value.toFixed(3) : `${v.value.toFixed(3)} ± ${v.stderr.toFixed(3)}`;
    },
  }));
}
