/** An option value as labels and tables show it: strings as they are, anything else as JSON. */
export function formatOption(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
