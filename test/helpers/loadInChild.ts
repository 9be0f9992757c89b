/**
 * Loads a model through a backend in a child Node process and reports how the load ended, with what
 * the process printed. For negative cases whose native libraries log to the process's own stderr (an
 * execution provider that is not installed: onnxruntime prints `[E:onnxruntime…]` lines, Dawn a Vulkan
 * warning): the test asserts those lines where they belong instead of letting them into the test run's
 * output, where they would read as failures.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** How the load ended: the error's class name and message (null when it loaded), and the child's stderr. */
export interface ChildLoad {
  error: { name: string; message: string } | null;
  stderr: string;
}

/** Loads `model` with backend `backendId`'s options `options` (parsed by its schema) in a fresh process. */
export function loadInChild(backendId: string, model: { path: string; format: string }, options: Record<string, unknown>): Promise<ChildLoad> {
  const script = `
    const { backendRegistry } = await import(${JSON.stringify(`${DIST}adapters/registry.js`)});
    const definition = backendRegistry.find((d) => d.id === ${JSON.stringify(backendId)});
    const adapter = await definition.create();
    let error = null;
    try {
      const model = await adapter.load(${JSON.stringify(model)}, definition.optionsSchema.parse(${JSON.stringify(options)}));
      await model.dispose();
    } catch (e) {
      error = { name: e?.constructor?.name ?? 'Error', message: String(e?.message ?? e) };
    }
    process.stdout.write(JSON.stringify({ error }));
    process.exit(0);
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve({ ...(JSON.parse(stdout) as { error: ChildLoad['error'] }), stderr });
      } catch {
        reject(new Error(`the child load ended with code ${code} and no report: ${stderr.slice(-2000)}`));
      }
    });
  });
}
