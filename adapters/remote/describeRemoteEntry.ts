/**
 * The `backend.remote` section of a served model's entry: the last worker process's view of the server,
 * with the counters (generations, retries, unattributed tokens, short outputs) summed over every process.
 * Each process reports its cumulative view at the end of each phase; the latest report of each counts.
 */
import type { EntryDescription, EntryDescriptionInput, WorkPhase } from '../types.js';
import type { RemoteModelInfo } from './RemoteModelInfo.js';

const LATEST_FIRST: readonly WorkPhase[] = ['quality', 'measured', 'warmup'];

export function describeRemoteEntry(input: EntryDescriptionInput): EntryDescription {
  const infos = input.processes
    .map((p) => LATEST_FIRST.map((phase) => p.phases[phase]).find((report) => report !== undefined) as RemoteModelInfo | undefined)
    .filter((r): r is RemoteModelInfo => r !== undefined);
  const last = infos[infos.length - 1];
  if (!last) return {};
  const sum = (f: (r: RemoteModelInfo) => number) => infos.reduce((n, r) => n + f(r), 0);
  const remote: RemoteModelInfo = {
    ...last,
    generations: sum((r) => r.generations),
    retries: sum((r) => r.retries),
    unattributedTokens: sum((r) => r.unattributedTokens),
    shortOutputs: sum((r) => r.shortOutputs),
  };
  return {
    backend: { remote },
    // Every request goes to the server, wherever it runs (a loopback server counts: it is not this engine).
    metrics: { privacy: { dataLeavesDevice: 1, promptTokensLeaveDevice: 1, method: `served: every request sent to ${remote.baseUrl}` } },
  };
}
