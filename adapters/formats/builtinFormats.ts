/**
 * The model formats slmbench knows without any backend's help, in the order detection tries them and
 * messages list them. Backends list the ones they read; a backend that reads a format of its own brings
 * its definition (see `modelFormats`).
 */
import type { ModelFormatDefinition } from '../types.js';
import { ggufFormat } from './gguf/ggufFormat.js';
import { onnxFormat } from './onnx/onnxFormat.js';
import { transformersJsFormat } from './transformers-js/transformersJsFormat.js';

export const BUILTIN_FORMATS: readonly ModelFormatDefinition[] = [ggufFormat, onnxFormat, transformersJsFormat];
