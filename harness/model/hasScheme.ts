/** True for model specs with a source scheme (`forge:…`), as opposed to local paths (`C:\…` included). */
export function hasScheme(spec: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec);
}
