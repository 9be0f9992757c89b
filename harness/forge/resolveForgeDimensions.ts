/**
 * A preset's dimensions with explicit overrides applied, checked: every constraint the GGUF and ONNX
 * writers and the three backends rely on is tested here, with a message naming the field.
 */
import { ConfigError } from '../errors.js';
import { closestMatch } from '../util/closestMatch.js';
import { FORGE_BASE_VOCAB_SIZE } from './buildForgeVocabulary.js';
import { FORGE_PRESETS, type ForgeDimensions, type ForgePresetName } from './forgePresets.js';

export function resolveForgeDimensions(preset: string, overrides: Partial<ForgeDimensions> = {}): ForgeDimensions {
  if (!Object.hasOwn(FORGE_PRESETS, preset)) {
    const names = Object.keys(FORGE_PRESETS);
    const suggestion = closestMatch(preset, names);
    throw new ConfigError(
      `unknown forge preset "${preset}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; presets: ${names.join(', ')}`,
    );
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const dims: ForgeDimensions = { ...FORGE_PRESETS[preset as ForgePresetName], ...defined };
  const positiveInt = (field: keyof ForgeDimensions): number => {
    const value = dims[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new ConfigError(`forge dimension ${field} must be a positive integer, got ${String(value)}`);
    }
    return value;
  };
  for (const field of ['vocabSize', 'hiddenSize', 'intermediateSize', 'numLayers', 'numHeads', 'numKvHeads', 'contextLength'] as const) {
    positiveInt(field);
  }
  if (dims.vocabSize < FORGE_BASE_VOCAB_SIZE) {
    throw new ConfigError(`forge dimension vocabSize must be at least ${FORGE_BASE_VOCAB_SIZE} (bytes and characters), got ${dims.vocabSize}`);
  }
  if (dims.hiddenSize % dims.numHeads !== 0) {
    throw new ConfigError(`forge dimension hiddenSize (${dims.hiddenSize}) must be a multiple of numHeads (${dims.numHeads})`);
  }
  if ((dims.hiddenSize / dims.numHeads) % 2 !== 0) {
    throw new ConfigError(`forge head dimension hiddenSize/numHeads = ${dims.hiddenSize / dims.numHeads} must be even (RoPE rotates pairs)`);
  }
  if (dims.numHeads % dims.numKvHeads !== 0) {
    throw new ConfigError(`forge dimension numHeads (${dims.numHeads}) must be a multiple of numKvHeads (${dims.numKvHeads})`);
  }
  if (typeof dims.tiedEmbeddings !== 'boolean') {
    throw new ConfigError(`forge dimension tiedEmbeddings must be true or false, got ${String(dims.tiedEmbeddings)}`);
  }
  if (!(typeof dims.ropeTheta === 'number' && Number.isFinite(dims.ropeTheta) && dims.ropeTheta > 1)) {
    throw new ConfigError(`forge dimension ropeTheta must be a number above 1, got ${String(dims.ropeTheta)}`);
  }
  if (!(typeof dims.rmsNormEps === 'number' && dims.rmsNormEps > 0 && dims.rmsNormEps < 1)) {
    throw new ConfigError(`forge dimension rmsNormEps must be between 0 and 1, got ${String(dims.rmsNormEps)}`);
  }
  const largest = Math.max(dims.vocabSize, dims.intermediateSize) * dims.hiddenSize;
  if (largest * 4 > 2 ** 31 - 1) {
    throw new ConfigError(`forge: a ${largest}-value matrix exceeds 2 GiB (the limit of one ONNX file); choose smaller dimensions`);
  }
  return dims;
}
