/**
 * Finds the RAPL energy counters of Linux's powercap interface and checks that they can be read.
 *
 * Zones are the folders `intel-rapl:N` (one per CPU package) and their subzones `intel-rapl:N:M`,
 * found flat under the powercap root (as `/sys/class/powercap` lists them) or nested inside their
 * parent zone; AMD CPUs appear under the same `intel-rapl` names (powercap's RAPL driver), and an
 * `amd-rapl:*` prefix is accepted too. `intel-rapl-mmio:*` zones are skipped: they expose the same
 * package counter a second time. Each zone's domain comes from its `name` file: `package-N`, `core`,
 * `uncore`, `dram`, `psys`.
 *
 * Since the PLATYPUS mitigation (CVE-2020-8694, Linux 5.10 and stable kernels from November 2020)
 * `energy_uj` is readable by root only while `name` and `max_energy_range_uj` stay world-readable, so
 * "present but unreadable" is common: it gets a loud, specific warning with the fix.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The default powercap sysfs folder. */
export const DEFAULT_POWERCAP_ROOT = '/sys/class/powercap';

/** A RAPL domain, by its `name` file. */
export type RaplDomain = 'package' | 'core' | 'uncore' | 'dram' | 'psys' | 'other';

/** One RAPL zone. */
export interface RaplZone {
  /** Folder name, e.g. `intel-rapl:0:1`. */
  id: string;
  /** Folder path. */
  path: string;
  /** Contents of `name`, e.g. `package-0`, `dram`. */
  name: string;
  domain: RaplDomain;
  /** `max_energy_range_uj`: the counter wraps to 0 past it; null when unreadable or absent. */
  maxEnergyRangeUj: number | null;
  /**
   * Whether the provider's total counts it: packages and DRAM yes; core and uncore no (inside the
   * package); psys (the whole SoC) only when there is no package zone.
   */
  inTotal: boolean;
}

/** What {@link probeRapl} found. */
export type RaplProbe =
  | { status: 'available'; root: string; zones: RaplZone[] }
  | { status: 'absent'; root: string; reason: string }
  | { status: 'unreadable'; root: string; zones: RaplZone[]; unreadable: string[]; warning: string }
  | { status: 'failed'; root: string; zones: RaplZone[]; reason: string; warning: string };

/** Options of {@link probeRapl}. */
export interface ProbeRaplOptions {
  /** The powercap folder. Default: {@link DEFAULT_POWERCAP_ROOT}. */
  root?: string;
  /** Reads a text file. Default: `fs.promises.readFile(path, 'utf8')`. */
  readText?: (path: string) => Promise<string>;
}

const ZONE_PATTERN = /^(intel-rapl|amd-rapl)(:\d+)+$/;

/** Finds the zones under `root` and tries to read every `energy_uj` once. */
export async function probeRapl(options: ProbeRaplOptions = {}): Promise<RaplProbe> {
  const root = options.root ?? DEFAULT_POWERCAP_ROOT;
  const readText = options.readText ?? ((path: string) => readFile(path, 'utf8'));
  const folders = new Map<string, string>();
  const scan = async (dir: string, depth: number): Promise<void> => {
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      return;
    }
    for (const entry of entries.sort()) {
      if (!ZONE_PATTERN.test(entry)) continue;
      if (!folders.has(entry)) folders.set(entry, join(dir, entry));
      if (depth < 3) await scan(join(dir, entry), depth + 1);
    }
  };
  await scan(root, 0);
  // Nested layout: `<root>/intel-rapl/intel-rapl:0/…` (the control type folder holds the zones).
  for (const control of ['intel-rapl', 'amd-rapl']) await scan(join(root, control), 1);
  if (folders.size === 0) return { status: 'absent', root, reason: `no RAPL zones under ${root}` };

  const zones: RaplZone[] = [];
  for (const [id, path] of [...folders.entries()].sort((a, b) => compareZoneIds(a[0], b[0]))) {
    const name = (await readText(join(path, 'name')).catch(() => id)).trim();
    const max = Number((await readText(join(path, 'max_energy_range_uj')).catch(() => '')).trim());
    zones.push({ id, path, name, domain: domainOf(name), maxEnergyRangeUj: Number.isFinite(max) && max > 0 ? max : null, inTotal: false });
  }
  const hasPackage = zones.some((z) => z.domain === 'package');
  for (const zone of zones) {
    zone.inTotal = zone.domain === 'package' || zone.domain === 'dram' || (zone.domain === 'psys' && !hasPackage);
  }

  const unreadable: string[] = [];
  const failures: string[] = [];
  for (const zone of zones) {
    const file = join(zone.path, 'energy_uj');
    try {
      const text = (await readText(file)).trim();
      if (!/^\d+$/.test(text)) failures.push(`${file}: "${text.slice(0, 40)}" is not a counter value`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') unreadable.push(`${file} (${code})`);
      else failures.push(`${file}: ${code ?? (error as Error).message}`);
    }
  }
  if (unreadable.length > 0) {
    return { status: 'unreadable', root, zones, unreadable, warning: raplUnreadableWarning(root, zones, unreadable) };
  }
  if (failures.length > 0) {
    const reason = `RAPL counters exist under ${root} but reading them failed: ${failures.join('; ')}`;
    return { status: 'failed', root, zones, reason, warning: `${reason}; CPU energy falls back to the estimate.` };
  }
  return { status: 'available', root, zones };
}

/** The warning for counters that exist but only root may read, naming the fix. */
export function raplUnreadableWarning(root: string, zones: readonly RaplZone[], unreadable: readonly string[]): string {
  const prefixes = [...new Set(zones.map((z) => z.id.split(':')[0]!))];
  const globs = prefixes.flatMap((p) => [`${root}/${p}:*/energy_uj`, `${root}/${p}:*:*/energy_uj`]).join(' ');
  const shown = unreadable.slice(0, 2).join(', ') + (unreadable.length > 2 ? ` and ${unreadable.length - 2} more` : '');
  return (
    `RAPL energy counters exist but are not readable: ${shown}. Since the PLATYPUS mitigation (CVE-2020-8694) ` +
    `Linux lets only root read energy_uj, so CPU energy is NOT measured and falls back to the estimate. ` +
    `To measure it, run slmbench as root, or allow reading until the next reboot with ` +
    `\`sudo chmod o+r ${globs}\`, or for good with a udev rule, e.g. in /etc/udev/rules.d/99-rapl.rules: ` +
    `\`SUBSYSTEM=="powercap", ACTION=="add", RUN+="/bin/chmod o+r /sys%p/energy_uj"\`. ` +
    `(Readable energy counters let any local user mount the PLATYPUS power side channel; allow it on machines you trust.)`
  );
}

function domainOf(name: string): RaplDomain {
  if (/^package(-\d+)?$/.test(name)) return 'package';
  if (name === 'core' || name === 'uncore' || name === 'dram' || name === 'psys') return name;
  return 'other';
}

/** `intel-rapl:0` < `intel-rapl:0:0` < `intel-rapl:1` < `intel-rapl:10`. */
function compareZoneIds(a: string, b: string): number {
  const pa = a.split(':');
  const pb = b.split(':');
  if (pa[0] !== pb[0]) return pa[0]! < pb[0]! ? -1 : 1;
  for (let i = 1; i < Math.max(pa.length, pb.length); i++) {
    if (pa[i] === undefined) return -1;
    if (pb[i] === undefined) return 1;
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  return 0;
}
