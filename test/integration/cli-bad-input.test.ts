/**
 * Bad input stops before anything runs: exit 2, one line naming the thing and what is wrong, no stack
 * trace, no result file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hasShared, sharedPath, sharedSkipReason } from '../helpers/shared.js';
import { tempDir } from '../helpers/tempDir.js';

let dir: string;
beforeAll(() => {
  dir = tempDir('bad');
});

async function expectUsageError(args: string[], pattern: RegExp) {
  const out = join(dir, `out-${Math.random().toString(16).slice(2)}`);
  const result = await runCli([...args, ...(args[0] === 'run' && !args.includes('--out') ? ['--out', out] : [])]);
  expect(result.code).toBe(2);
  const lines = result.stderr.split('\n').filter((l) => l.trim());
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(existsSync(join(out, 'result.json'))).toBe(false);
  expect(existsSync(join(out, 'entries.jsonl'))).toBe(false);
  return result;
}

describe('usage errors', () => {
  it('a missing model path', async () => {
    await expectUsageError(['run', '--model', join(dir, 'nope.gguf')], /^slmbench: model not found: .*nope\.gguf$/);
  });

  it('a file that is not GGUF', async () => {
    const file = join(dir, 'text.gguf');
    writeFileSync(file, 'this is not a model\n');
    await expectUsageError(['run', '--model', file], /^slmbench: .*text\.gguf: .*GGUF/);
  });

  it('an unknown backend id, with a suggestion', async () => {
    const file = join(dir, 'm.gguf');
    writeFileSync(file, 'GGUF');
    await expectUsageError(['run', '--model', file, '--backend', 'llama-cp'], /unknown backend "llama-cp" \(did you mean "llama-cpp"\?\)/);
  });

  it('an invalid config value, naming file and path', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'sweep:\n  models: [m.gguf]\n  backends:\n    - id: llama-cpp\n      threads: -3\n');
    await expectUsageError(['run', '--config', config], new RegExp(`^slmbench: ${config.replace(/[.]/g, '\\.')}: sweep\\.backends\\[0\\]\\.threads: `));
  });

  it('an unknown flag, with a suggestion', async () => {
    await expectUsageError(['run', '--gen-token', '4'], /unknown option '--gen-token'.*--gen-tokens/);
  });

  it('a bad flag value', async () => {
    await expectUsageError(['run', '--gen-tokens', 'many'], /--gen-tokens must be a positive integer, got "many"/);
  });

  it('a config without models', async () => {
    const config = join(dir, 'empty.yaml');
    writeFileSync(config, 'measure:\n  warmupRuns: 1\n');
    await expectUsageError(['run', '--config', config], /empty\.yaml: sweep: /);
  });

  it('--help works on every command', async () => {
    for (const command of ['run', 'inspect', 'device', 'schema', 'forge']) {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: slmbench ${command}`);
    }
  });
});

describe.skipIf(!hasShared)(`usage errors on real models ${hasShared ? '' : `(${sharedSkipReason})`}`, () => {
  it('a truncated GGUF', async () => {
    const whole = readFileSync(sharedPath('models/stories260K/gguf/stories260K-f32.gguf'));
    const file = join(dir, 'truncated.gguf');
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    await expectUsageError(['run', '--model', file], /^slmbench: .*truncated\.gguf: .*(truncated|damaged)/);
  });

  it('an unwritable output folder', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    await expectUsageError(
      ['run', '--model', sharedPath('models/stories260K/gguf/stories260K-f32.gguf'), '--out', join(blocker, 'out')],
      /^slmbench: .*a-file\/out: .*(not writable|not a folder)/,
    );
  });

  it('inspect of a missing path', async () => {
    await expectUsageError(['inspect', join(dir, 'missing')], /^slmbench: model not found: /);
  });
});
