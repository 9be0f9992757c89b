/**
 * An option value as labels and tables show it: strings as they are, infinite numbers as `-inf` / `inf`
 * (as configs write them), a value left unset as `default` (the backend's own default applies), anything
 * else as JSON. Never `undefined` or `null` for a number JSON cannot hold.
 */
export function formatOption(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'default';
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'inf' : '-inf';
  return JSON.stringify(value);
}
