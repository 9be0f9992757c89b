/**
 * Parser of macOS `powermetrics --samplers cpu_power` output. Each sample starts with a line
 * `*** Sampled system activity (<date>) (<ms>ms elapsed) ***`; Apple silicon prints `CPU Power: N mW`,
 * `GPU Power: N mW`, `ANE Power: N mW` and `Combined Power (CPU + GPU + ANE): N mW`; Intel Macs print
 * `Intel energy model derived package power (CPUs+GT+SA): N W`.
 */

/** The powermetrics arguments of one run sampling every `intervalMs` until stopped. */
export function powermetricsArgs(intervalMs: number): string[] {
  return ['--samplers', 'cpu_power', '-i', String(Math.round(intervalMs))];
}

/** One powermetrics sample; powers in watts, null when the sample does not state them. */
export interface PowermetricsSample {
  /** The sample's own interval (ms), from its header; null when the header is missing. */
  elapsedMs: number | null;
  /** `CPU Power` (Apple silicon). */
  cpuW: number | null;
  /** `GPU Power`. */
  gpuW: number | null;
  /** `ANE Power` (neural engine). */
  aneW: number | null;
  /** `Combined Power (CPU + GPU + ANE)`. */
  combinedW: number | null;
  /** `Intel energy model derived package power (CPUs+GT+SA)` (Intel Macs). */
  packageW: number | null;
}

/** The samples in `text`, in order; text before the first header counts as one sample if it has power lines. */
export function parsePowermetrics(text: string): PowermetricsSample[] {
  const samples: PowermetricsSample[] = [];
  let current: PowermetricsSample | null = null;
  const fresh = (elapsedMs: number | null): PowermetricsSample => ({
    elapsedMs,
    cpuW: null,
    gpuW: null,
    aneW: null,
    combinedW: null,
    packageW: null,
  });
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\*\*\* Sampled system activity .*?\((\d+(?:\.\d+)?)ms elapsed\) \*\*\*$/.exec(line);
    if (header) {
      current = fresh(Number(header[1]));
      samples.push(current);
      continue;
    }
    const power = /^(CPU|GPU|ANE) Power:\s*(\d+(?:\.\d+)?)\s*(mW|W)$/.exec(line);
    const combined = /^Combined Power \(CPU \+ GPU \+ ANE\):\s*(\d+(?:\.\d+)?)\s*(mW|W)$/.exec(line);
    const intel = /^Intel energy model derived package power \(CPUs\+GT\+SA\):\s*(\d+(?:\.\d+)?)\s*(mW|W)$/.exec(line);
    if (!power && !combined && !intel) continue;
    if (current === null) {
      current = fresh(null);
      samples.push(current);
    }
    if (power) {
      const watts = toWatts(power[2]!, power[3]!);
      if (power[1] === 'CPU') current.cpuW = watts;
      else if (power[1] === 'GPU') current.gpuW = watts;
      else current.aneW = watts;
    } else if (combined) {
      current.combinedW = toWatts(combined[1]!, combined[2]!);
    } else if (intel) {
      current.packageW = toWatts(intel[1]!, intel[2]!);
    }
  }
  return samples.filter((s) => s.cpuW !== null || s.combinedW !== null || s.packageW !== null);
}

/** The power a sample stands for: combined (Apple silicon), else package (Intel), else CPU; null when none. */
export function samplePowerW(sample: PowermetricsSample): number | null {
  return sample.combinedW ?? sample.packageW ?? sample.cpuW;
}

function toWatts(value: string, unit: string): number {
  return unit === 'mW' ? Number(value) / 1000 : Number(value);
}
