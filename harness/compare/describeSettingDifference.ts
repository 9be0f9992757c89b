/**
 * What differs between two matched entries in what they measured: the model (by name, or by file when
 * the names agree), the backend, each backend option, the workload. Entries matched on fewer fields
 * (`--match`) differ in the others; reports show this beside the entry so both settings are visible.
 */
import { canonicalJson } from '../util/stableHash.js';
import type { DeviceEntryRecord } from '../result/AnyRunResult.js';

type Described = Pick<DeviceEntryRecord, 'model' | 'backend' | 'workload'>;

/** `threads 1 → 2, flashAttention false → true`, in the order model, backend, options (sorted), workload; null when nothing differs. */
export function describeSettingDifference(baseline: Described, current: Described): string | null {
  const parts: string[] = [];
  if ((baseline.model.sha256 ?? baseline.model.spec) !== (current.model.sha256 ?? current.model.spec)) {
    const a = baseline.model.name ?? baseline.model.spec;
    const b = current.model.name ?? current.model.spec;
    parts.push(a !== b ? `model ${a} → ${b}` : `model file ${baseline.model.spec} → ${current.model.spec}`);
  }
  if (baseline.backend.id !== current.backend.id) parts.push(`backend ${baseline.backend.id} → ${current.backend.id}`);
  const a = baseline.backend.options ?? {};
  const b = current.backend.options ?? {};
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const va = key in a ? canonicalJson(a[key]) : null;
    const vb = key in b ? canonicalJson(b[key]) : null;
    if (va !== vb) parts.push(`${key} ${va ?? '(default)'} → ${vb ?? '(default)'}`);
  }
  if (baseline.workload.name !== current.workload.name) parts.push(`workload ${baseline.workload.name} → ${current.workload.name}`);
  return parts.length ? parts.join(', ') : null;
}
