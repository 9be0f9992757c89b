/** `slmbench forge` flag handling (the command itself; commander wiring lives in main.ts). */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { forgeCommand } from '../../harness/cli/forgeCommand.js';
import { UsageError } from '../../harness/errors.js';
import { tempDir } from '../helpers/tempDir.js';

const dir = tempDir('forge-cli');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function captureStdout(): () => string {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return () => chunks.join('');
}

describe('forgeCommand', () => {
  it('forges the chosen formats with overridden dimensions', async () => {
    const out = join(dir, 'custom');
    const stdout = captureStdout();
    const code = await forgeCommand({ out, preset: 'tiny', seed: '7', formats: 'q8_0,onnx,q8', numLayers: '1', tiedEmbeddings: 'true', intermediateSize: 100 });
    expect(code).toBe(0);
    expect(stdout()).toMatch(/forged slmbench-forge-tiny-custom-seed7: /);
    expect(existsSync(join(out, 'model-Q8_0.gguf'))).toBe(true);
    expect(existsSync(join(out, 'model-F32.gguf'))).toBe(false);
    expect(existsSync(join(out, 'transformersjs/onnx/model.onnx'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'forge.json'), 'utf8'));
    expect(manifest).toMatchObject({ seed: 7, overrides: { numLayers: 1, tiedEmbeddings: true, intermediateSize: 100 } });
    expect(manifest.dimensions).toMatchObject({ numLayers: 1, tiedEmbeddings: true, hiddenSize: 64 });
    // 100-wide rows of ffn_down are not whole 32-value blocks: stored F16 in the Q8_0 file, and as float32
    // holding the F16-rounded values in the q8 ONNX file.
    expect(manifest.fallbackTensors).toEqual({ 'blk.0.ffn_down.weight': { Q8_0: 'F16', 'onnx-q8': 'F16' } });
  });

  it('prints forge.json with --json', async () => {
    const stdout = captureStdout();
    expect(await forgeCommand({ out: join(dir, 'json'), formats: ['F32'], json: true })).toBe(0);
    expect(JSON.parse(stdout())).toMatchObject({ preset: 'tiny', parameters: 144_704, files: [{ path: 'model-F32.gguf', kind: 'gguf' }] });
  });

  it('writes the q8 and q4 ONNX files under their aliases', async () => {
    const out = join(dir, 'quantized');
    captureStdout();
    expect(await forgeCommand({ out, formats: 'q8,Q4' })).toBe(0);
    expect(existsSync(join(out, 'transformersjs/onnx/model_quantized.onnx'))).toBe(true);
    expect(existsSync(join(out, 'transformersjs/onnx/model_q4.onnx'))).toBe(true);
    expect(existsSync(join(out, 'transformersjs/onnx/model.onnx'))).toBe(false);
    // Without model.onnx, config.json names the dtype that loads by default.
    expect(JSON.parse(readFileSync(join(out, 'transformersjs/config.json'), 'utf8'))['transformers.js_config']).toEqual({ dtype: 'q8' });
  });

  it('fits a text with --fit, on the bigram preset by default', async () => {
    const text = join(dir, 'fit.txt');
    writeFileSync(text, 'A cat sat.\n\nA dog ran.\n');
    const out = join(dir, 'fitted');
    const stdout = captureStdout();
    expect(await forgeCommand({ out, fit: text, fitSmoothing: '0.5', formats: 'F32' })).toBe(0);
    expect(stdout()).toMatch(/forged slmbench-forge-bigram-seed0-fit: .*\n.*\n  fitted: an exact bigram model of .*fit\.txt \(22 bigrams, add-0\.5 smoothing\)/);
    expect(JSON.parse(readFileSync(join(out, 'forge.json'), 'utf8')).fit).toMatchObject({ documents: 2, bigrams: 22, smoothing: 0.5 });
    await expect(forgeCommand({ out: join(dir, 'bad'), fit: join(dir, 'missing.txt') })).rejects.toThrow(/--fit .*missing\.txt: no such file/);
    await expect(forgeCommand({ out: join(dir, 'bad'), fitSmoothing: '0.1' })).rejects.toThrow(/--fit-smoothing needs --fit/);
  });

  it('rejects bad flags with usage errors', async () => {
    await expect(forgeCommand({ out: join(dir, 'bad'), formats: 'q4_1' })).rejects.toThrow(/unknown format "q4_1" \(did you mean "Q4_0"\?\)/);
    await expect(forgeCommand({ out: join(dir, 'bad'), seed: 'x' })).rejects.toBeInstanceOf(UsageError);
    await expect(forgeCommand({ out: join(dir, 'bad'), hiddenSize: '64.5' })).rejects.toThrow(/--hidden-size must be an integer/);
    await expect(forgeCommand({ out: join(dir, 'bad'), tiedEmbeddings: 'maybe' })).rejects.toThrow(/--tied-embeddings/);
    await expect(forgeCommand({ out: join(dir, 'bad'), preset: 'smollm2' })).rejects.toThrow(/unknown forge preset "smollm2"/);
  });
});
