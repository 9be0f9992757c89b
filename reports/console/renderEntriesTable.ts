/**
 * The console table at the end of a run: one row per entry, `mean ± stdev`, and the identity columns
 * (model, backend, options, workload) shown only where they vary across the run. A composite entry's
 * model is tagged with its kind (`a → b [cascade]`), and a cascade's escalation rate has a column. The
 * columns are fields of the one field list (`entryFields`), hidden by its one rule.
 */
import { sendsDataOffDevice } from '../../harness/result/sendsDataOffDevice.js';
import Table from 'cli-table3';
import type { EntryRecord } from '../../harness/result/EntryRecord.js';
import { varyingOptions } from '../../harness/result/varyingOptions.js';
import { flattenEntry } from '../flattenEntry.js';
import { depthFamilies } from '../depthFamilies.js';
import { formatDepthFamily } from '../formatDepthFamily.js';
import { concurrencyFamilies } from '../concurrencyFamilies.js';
import { formatConcurrencyFamily } from '../formatConcurrencyFamily.js';
import { ENTRY_FIELDS, energyPerTokenField, fidelityFields, meanField, pickFields, qualityField, scaledField, visibleFields, type EntryField, type FieldSource } from '../entryFields.js';

const MiB = 1024 * 1024;

/** What the speed table's `±` means. */
export const SPEED_FOOTNOTE =
  'a ± b: mean ± standard deviation of the measured repetitions (all processes); the medians with their 95% intervals are in result.json and report.html';

/** What the accuracy tables' `±` means. */
export const QUALITY_FOOTNOTE = 'accuracy a ± b: the metric ± its bootstrap standard error over the rows';

/** Preferred metric of a task for the table; the rest stay in result.json. */
const PRIMARY_METRICS = ['acc', 'exact_match', 'token_perplexity', 'acc_norm'];

export function renderEntriesTable(all: readonly EntryRecord[]): string {
  // Skipped entries (not run) are counted, not listed.
  const records = all.filter((r) => r.status !== 'skipped');
  const skipped = all.length - records.length;
  const note = skipped ? `\n${skipped} ${skipped === 1 ? 'entry' : 'entries'} skipped (see result.json): ${[...new Set(all.filter((r) => r.status === 'skipped').map((r) => r.error?.code ?? ''))].join(', ')}` : '';
  if (records.length === 0) return `(no entries run)${note}`;
  const varying = varyingOptions(records);
  const sources: FieldSource[] = records.map((entry) => ({ entry, row: flattenEntry(entry, { optionKeys: varying.get(entry.backend.id) ?? [] }) }));
  const identity = visibleFields(pickFields(['modelKind', 'backend', 'options', 'workload']), sources, { keepName: true }).shown;
  const speed = visibleFields(
    [
      ENTRY_FIELDS.status,
      { ...ENTRY_FIELDS.escalation, head: 'escalated' },
      ENTRY_FIELDS.slo,
      meanField('loadMs', 'load ms', 1),
      meanField('ttftMs', 'TTFT ms'),
      meanField('prefillTps', 'prefill tok/s', 0),
      meanField('decodeTps', 'decode tok/s', 1),
      // The rate over all requests, where some entry runs several together.
      ...(records.some((r) => (r.workload.concurrency ?? 1) > 1) ? [meanField('outputTps', 'output tok/s', 1)] : []),
      meanField('tpotMs', 'TPOT ms', 3),
      // Not shown where the entry cannot measure it (a remote model: the figure would be the client's).
      scaledField('peakRssBytes', 'peak RSS MiB', 1 / MiB, 1, 'memory'),
      energyPerTokenField(sources),
      scaledField('roofline.fraction', '% of bound', 100, 1),
      // The privacy axis, where some entry sends data off the device.
      ...(records.some(sendsDataOffDevice) ? [scaledField('privacy.dataLeavesDevice', '% off device', 100, 1)] : []),
      ...pickFields(['n']),
    ],
    sources,
  ).shown;
  const render = (fields: readonly EntryField[]) => {
    const table = new Table({ head: fields.map((f) => f.head), style: { head: [], border: [] } });
    for (const source of sources) table.push(fields.map((f) => f.text(source)));
    return table.toString();
  };
  const speedTable = render([...identity, ...speed]);
  const tables = [speedTable.includes(' ± ') ? `${speedTable}\n${SPEED_FOOTNOTE}` : speedTable];
  // Accuracy in tables of its own: identity columns plus up to eight tasks each.
  const quality = qualityFields(records);
  for (let i = 0; i < quality.length; i += 8) tables.push(render([...identity, ...quality.slice(i, i + 8)]));
  if (quality.length) tables.push(QUALITY_FOOTNOTE);
  // Fidelity against the reference, where measured.
  const fidelity = visibleFields(fidelityFields(), sources).shown;
  if (fidelity.length) {
    tables.push(render([...identity, ...fidelity]));
    tables.push(fidelityFootnote(records));
  }
  // Depth sweeps: one line each, what the history in the cache costs.
  const families = records.map((entry) => ({ entry, label: entry.label, device: { id: '' } }));
  const depths = depthFamilies(families);
  if (depths.length) tables.push(['context depth (medians):', ...depths.map((f) => `  ${formatDepthFamily(f)}`)].join('\n'));
  const concurrency = concurrencyFamilies(families);
  if (concurrency.length) tables.push(['concurrency (medians):', ...concurrency.map((f) => `  ${formatConcurrencyFamily(f)}`)].join('\n'));
  // Known traps, one line each.
  const warnings = records.flatMap((r) => (r.status === 'ok' ? (r.warnings ?? []) : []).map((w) => `  ${r.label}: ${w.message}`));
  if (warnings.length) tables.push(['warnings (known performance traps):', ...warnings].join('\n'));
  const errors = records.filter((r) => r.error).map((r) => `  ${r.label}: ${r.error!.code}: ${r.error!.message}`);
  return `${tables.join('\n')}${errors.length ? `\nerrors:\n${errors.join('\n')}` : ''}${note}`;
}

/** What the fidelity table compares with: each reference once, by label and the start of its file's sha256. */
export function fidelityFootnote(records: readonly EntryRecord[]): string {
  const references = new Map<string, string>();
  for (const r of records) {
    const ref = r.metrics?.fidelity?.reference;
    if (ref) references.set(ref.sha256, ref.label);
  }
  const list = [...references].map(([sha, label]) => `${label} (reference sha256 ${sha.slice(0, 12)})`).join('; ');
  return `fidelity: KL divergence in nats per token (a lower bound over the reference's top k), against ${list}`;
}

/** One field per accuracy task: its primary metric, value ± stderr. */
function qualityFields(records: readonly EntryRecord[]): EntryField[] {
  const tasks = new Map<string, string>();
  for (const record of records) {
    for (const [task, metrics] of Object.entries(record.metrics?.quality ?? {})) {
      if (tasks.has(task)) continue;
      const names = Object.keys(metrics);
      const metric = PRIMARY_METRICS.find((m) => names.includes(m)) ?? names[0];
      if (metric) tasks.set(task, metric);
    }
  }
  return [...tasks].map(([task, metric]) => qualityField(task, metric));
}
