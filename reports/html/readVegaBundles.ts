/**
 * The browser builds of vega, vega-lite and vega-embed, read from the installed packages (never fetched),
 * for inlining into self-contained HTML reports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One library to inline. */
export interface VegaBundle {
  /** Package name. */
  name: 'vega' | 'vega-lite' | 'vega-embed';
  /** Installed version. */
  version: string;
  /** The minified UMD build, safe to place in a `<script>` element. */
  code: string;
}

const FILES = { vega: 'build/vega.min.js', 'vega-lite': 'build/vega-lite.min.js', 'vega-embed': 'build/vega-embed.min.js' } as const;

let cached: VegaBundle[] | undefined;

/** The three bundles in load order (vega, vega-lite, vega-embed). */
export function readVegaBundles(): VegaBundle[] {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  cached = (Object.keys(FILES) as (keyof typeof FILES)[]).map((name) => {
    const root = packageRoot(require.resolve(name), name);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const code = readFileSync(join(root, FILES[name]), 'utf8');
    // Inside an inline <script>, `</script` would end the element early and `<!--` changes how it is parsed.
    if (/<\/script|<!--/i.test(code)) throw new Error(`${join(root, FILES[name])} contains </script or <!-- and cannot be inlined`);
    return { name, version: pkg.version, code };
  });
  return cached;
}

/** The folder of package `name` that contains `file`. */
function packageRoot(file: string, name: string): string {
  let dir = dirname(file);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the installed package ${name} (from ${file})`);
    dir = parent;
  }
}
