/**
 * Names of llama.cpp's file types (`enum llama_ftype`, GGUF `general.file_type`) without their
 * `ALL_`/`MOSTLY_` prefix, as slmbench records a GGUF's quantization: `F32`, `Q4_K_M`, … (the llama.cpp
 * release of node-llama-cpp 3.21.1).
 */
const NAMES: readonly string[] = [
  'F32', 'F16', 'Q4_0', 'Q4_1', 'Q4_1_SOME_F16', 'Q4_2', 'Q4_3', 'Q8_0', 'Q5_0', 'Q5_1', 'Q2_K', 'Q3_K_S', 'Q3_K_M',
  'Q3_K_L', 'Q4_K_S', 'Q4_K_M', 'Q5_K_S', 'Q5_K_M', 'Q6_K', 'IQ2_XXS', 'IQ2_XS', 'Q2_K_S', 'IQ3_XS', 'IQ3_XXS', 'IQ1_S',
  'IQ4_NL', 'IQ3_S', 'IQ3_M', 'IQ2_S', 'IQ2_M', 'IQ4_XS', 'IQ1_M', 'BF16', 'Q4_0_4_4', 'Q4_0_4_8', 'Q4_0_8_8', 'TQ1_0',
  'TQ2_0', 'MXFP4_MOE', 'NVFP4', 'Q1_0', 'Q2_0',
];

/** The name of file type `code`, or undefined for a code llama.cpp does not define. */
export function ggufFileTypeName(code: number): string | undefined {
  return NAMES[code];
}
