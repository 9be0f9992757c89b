/**
 * Everything a report shows, computed once from one or more results: entries merged across results
 * (each keeps its device), display labels, the ranking, and the flat rows. Renderers (HTML, Markdown,
 * CSV) only format this model.
 */
import { describeDevice as deviceName } from '../harness/device/describeDevice.js';
import type { EntryRecord } from '../harness/result/EntryRecord.js';
import type { RunResult } from '../harness/result/RunResult.js';
import { varyingOptions } from '../harness/result/varyingOptions.js';
import type { RankedRunResult } from '../harness/ranking/attachRanking.js';
import type { Objective } from '../harness/ranking/Objective.js';
import type { RankedEntry, Ranking } from '../harness/ranking/Ranking.js';
import { rankEntries, type RankingOptions } from '../harness/ranking/rankEntries.js';
import { flattenEntry, type FlatRow } from './flattenEntry.js';
import { pickFields, visibleFields, type FieldSource } from './entryFields.js';
import { entryDevice } from '../harness/result/entryDevice.js';
import type { AnyRunResult, DeviceEntryRecord } from '../harness/result/AnyRunResult.js';

/** One result given to a report, and where it came from (a file path, or `run` for the run just made). */
export interface ReportSource {
  result: RunResult | RankedRunResult;
  source: string;
}

/** The device of a result, for display. */
export interface ReportDevice {
  /** Fingerprint id (or `unknown`). */
  id: string;
  /** Human name, e.g. `AMD EPYC · 2 logical cores · linux x64`. */
  name: string;
  /** Short name for labels, e.g. `AMD EPYC` (the GPU's model when there is one). */
  short: string;
  /** The full fingerprint as stored in the result. */
  fingerprint: Record<string, unknown>;
}

/** One entry of the report. */
export interface ReportEntry {
  /** Unique key in the report: the entry id, or `id@device` when merged results repeat an id. */
  key: string;
  entry: EntryRecord;
  device: ReportDevice;
  /** The result file it came from. */
  source: string;
  /** Short label: model, backend and the options, workload and device that vary across the report. */
  label: string;
  /** The entry's ranking (every entry has one; unranked entries have `front: null`). */
  ranking: RankedEntry;
  /** The flat row (see `flattenEntry`). */
  row: FlatRow;
}

/** The merged report. */
export interface ReportModel {
  title: string;
  /** ISO 8601 time the report was made. */
  generatedAt: string;
  sources: {
    source: string;
    harness: RunResult['harness'];
    startedAt: string;
    endedAt: string;
    configSource: string;
    device: ReportDevice;
    summary: RunResult['summary'];
  }[];
  /** Distinct devices, in order of appearance. */
  devices: ReportDevice[];
  entries: ReportEntry[];
  /** Ranking over every entry of every source (ids replaced by report keys). */
  ranking: Ranking;
}

export interface ReportOptions extends RankingOptions {
  /** Title of the report. Default: `slmbench report`. */
  title?: string;
  /** Time the report was made (ISO 8601). Default: now. */
  generatedAt?: string;
}

/** Builds the report model from results; see {@link ReportModel}. */
export function buildReportModel(sources: readonly ReportSource[], options: ReportOptions = {}): ReportModel {
  const devices: ReportDevice[] = [];
  const addDevice = (fingerprint: Record<string, unknown> | undefined): ReportDevice => {
    const device = describeDevice(fingerprint);
    const known = devices.find((d) => d.id === device.id);
    if (known) return known;
    devices.push(device);
    return device;
  };
  // Each entry's own device: merged results (several devices or shards) carry one per entry.
  const entryDevices = sources.map(({ result }) =>
    result.entries.map((entry) => {
      const { id, fingerprint } = entryDevice(result as AnyRunResult, entry as DeviceEntryRecord);
      return addDevice({ ...fingerprint, id });
    }),
  );
  const sourceInfo = sources.map(({ result, source }, s) => {
    const device = entryDevices[s]![0] ?? addDevice(result.device);
    return {
      source,
      harness: result.harness,
      startedAt: result.startedAt,
      endedAt: result.endedAt,
      configSource: result.config?.source ?? '',
      device,
      summary: result.summary,
    };
  });
  // Same names on different machines: tell them apart by id.
  const sameName = devices.map((d) => devices.some((o) => o !== d && o.name === d.name));
  const sameShort = devices.map((d) => devices.some((o) => o !== d && o.short === d.short));
  devices.forEach((d, i) => {
    if (sameName[i]) d.name = `${d.name} [${d.id.slice(0, 6)}]`;
    if (sameShort[i]) d.short = `${d.short} [${d.id.slice(0, 6)}]`;
  });
  const merged = sources.flatMap(({ result, source }, s) =>
    result.entries.map((entry, i) => ({ entry, source, device: entryDevices[s]![i]! })),
  );

  const idCount = countBy(merged.map((m) => m.entry.id));
  const keys = new Set<string>();
  const withKeys = merged.map((m) => {
    let key = idCount.get(m.entry.id)! > 1 ? `${m.entry.id}@${m.device.id}` : m.entry.id;
    for (let n = 2; keys.has(key); n++) key = `${m.entry.id}@${m.device.id}#${n}`;
    keys.add(key);
    return { ...m, key };
  });

  const storedObjectives = commonStoredObjectives(sources);
  const rankingOptions: RankingOptions = { ...options };
  if (!options.objectives && storedObjectives) rankingOptions.objectives = storedObjectives;
  const ranking = rankEntries(
    withKeys.map((m) => ({ ...m.entry, id: m.key })),
    rankingOptions,
  );
  const varying = varyingOptions(merged.map((m) => m.entry));
  const rows = withKeys.map((m, i) =>
    flattenEntry(m.entry, {
      key: m.key,
      device: m.device.name,
      deviceId: m.device.id,
      ranking: ranking.entries[i]!,
      optionKeys: varying.get(m.entry.backend.id) ?? [],
    }),
  );
  const labels = displayLabels(withKeys.map((m, i) => ({ entry: m.entry, row: rows[i]!, device: m.device.short })));
  const entries: ReportEntry[] = withKeys.map((m, i) => ({
    key: m.key,
    entry: m.entry,
    device: m.device,
    source: m.source,
    label: labels[i]!,
    ranking: ranking.entries[i]!,
    row: rows[i]!,
  }));
  return {
    title: options.title ?? 'slmbench report',
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    sources: sourceInfo,
    devices,
    entries,
    ranking,
  };
}

/** Short display name of a device fingerprint. */
function describeDevice(fingerprint: Record<string, unknown> | undefined): ReportDevice {
  const f = (fingerprint ?? {}) as {
    id?: string;
    cpu?: { brand?: string; logicalCores?: number };
    os?: { platform?: string; arch?: string };
    gpus?: { model?: string }[];
  };
  const cpu = f.cpu?.brand ?? 'unknown CPU';
  const gpus = (f.gpus ?? []).map((g) => g.model).filter((m): m is string => Boolean(m));
  return {
    id: typeof f.id === 'string' ? f.id : 'unknown',
    name: deviceName(fingerprint ?? {}),
    short: gpus[0] ?? cpu,
    fingerprint: fingerprint ?? {},
  };
}

/**
 * `model · backend opts · workload · device`: the backend with its varying options always, and of the
 * other identity fields those the one rule shows (`visibleFields`: where they vary); the model also when
 * the backend alone does not tell entries apart. Unique (`#2` appended).
 */
function displayLabels(items: readonly (FieldSource & { device: string })[]): string[] {
  const { shown } = visibleFields(pickFields(['model', 'backend', 'workload', 'device']), items);
  const show = (key: string) => shown.some((f) => f.key === key);
  const showModel = show('model') || !show('backend') || items.length === 1;
  const labels = items.map(({ entry, row, device }) => {
    const parts = [
      ...(showModel ? [entry.model.name] : []),
      [entry.backend.id, row.options].filter(Boolean).join(' '),
      ...(show('workload') ? [entry.workload.name] : []),
      ...(show('device') ? [device] : []),
    ];
    return parts.join(' · ');
  });
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return n === 1 ? label : `${label} #${n}`;
  });
}

/** Objectives of the rankings stored in the results, when every result has one and they agree. */
function commonStoredObjectives(sources: readonly ReportSource[]): Objective[] | undefined {
  const lists = sources.map(({ result }) => (result as RankedRunResult).ranking?.objectives);
  if (lists.length === 0 || lists.some((l) => !l || l.length === 0)) return undefined;
  const text = (l: readonly { metric: string; direction: string }[]) => l.map((o) => `${o.metric}:${o.direction}`).join();
  if (new Set(lists.map((l) => text(l!))).size > 1) return undefined;
  return lists[0]!.map((o) => ({ metric: o.metric, direction: o.direction }));
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
