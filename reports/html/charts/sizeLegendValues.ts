/**
 * Up to three legend values for the size channel: near the smallest, the middle and the largest, with as
 * few significant digits as keep them inside [smallest, largest] (from 2). A value outside the data's
 * range would be extrapolated by the size scale (zero: false) to a negative area, which Vega draws as a
 * NaN path: 114.3 MiB rounded to 110 did exactly that.
 */
export function sizeLegendValues(values: readonly number[]): number[] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (lo === hi) return [lo];
  for (let digits = 2; digits <= 15; digits++) {
    const round = (v: number, mode: (x: number) => number) => {
      if (v === 0) return 0;
      const unit = 10 ** (Math.floor(Math.log10(Math.abs(v))) - digits + 1);
      return Number((mode(v / unit) * unit).toPrecision(15));
    };
    const low = round(lo, Math.ceil);
    const high = round(hi, Math.floor);
    if (low <= high) {
      const middle = Math.min(high, Math.max(low, round((lo + hi) / 2, Math.round)));
      return [...new Set([low, middle, high])];
    }
  }
  return [lo, hi];
}
