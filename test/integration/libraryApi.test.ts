/**
 * The library API (`import … from 'slmbench'`, the package's `exports`): the README's example is
 * type-checked against the built declarations and run as it stands, and its result is read back typed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tempDir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const cleanup: string[] = [];
afterAll(() => {
  for (const path of cleanup.splice(0)) rmSync(path, { recursive: true, force: true });
});

/** The TypeScript block of the README's "Library" section. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Library'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md has no ```ts block under "## Library"');
  return match[1]!;
}

describe('the library API', () => {
  it('exports what the README imports, typed, from the package name', async () => {
    const api = await import('slmbench');
    for (const name of ['parseConfig', 'readConfigFile', 'planSweep', 'runPlan', 'resumeSweep', 'measureEntry', 'readResultFile', 'backendRegistry', 'evaluateGate', 'renderHtmlReport']) {
      expect(typeof (api as Record<string, unknown>)[name], name).not.toBe('undefined');
    }
    expect(api.parseConfig({ sweep: { models: ['m.gguf'] } }).measure.processes).toBe(3);
    expect(() => api.parseConfig({ sweep: { models: ['m.gguf'], backends: [{ id: 'llama-cp' }] } }, 'x.yaml')).toThrow(api.ConfigError);
  });

  it("type-checks and runs the README's example", () => {
    // The example lives inside the package (so that `slmbench` resolves to this package) and runs elsewhere.
    const file = join(ROOT, 'test-artifacts', `readme-example-${process.pid}.ts`);
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    writeFileSync(file, readmeExample());
    cleanup.push(file);
    const typescript = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [typescript, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', file], { cwd: ROOT, stdio: 'pipe' });
    const cwd = tempDir('library');
    cleanup.push(cwd);
    const tsx = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const output = execFileSync(process.execPath, ['--import', tsx, file], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = output.trim().split('\n');
    expect(lines.slice(0, 2).map((l) => l.replace(/: \d+ tok\/s$/, ''))).toEqual(['tiny/F32 · llama-cpp · pp16+tg16', 'tiny/onnx · onnxruntime · pp16+tg16']);
    expect(lines[2]).toBe(`2 pairs not run (format); result in ${join(cwd, 'slmbench-results', 'library-example', 'result.json')}`);
    const result = JSON.parse(readFileSync(join(cwd, 'slmbench-results', 'library-example', 'result.json'), 'utf8')) as { summary: unknown; unpaired: unknown[] };
    expect(result.summary).toEqual({ entries: 2, ok: 2, errored: 0, skipped: 0 });
    expect(result.unpaired).toHaveLength(2);
  });
});
