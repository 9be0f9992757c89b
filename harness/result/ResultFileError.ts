/** A result file that cannot be read or is not a slmbench result (code `RESULT_INVALID`, exit 2): one line naming the file and field. */
import { EXIT_USAGE, SlmbenchError } from '../errors.js';

export class ResultFileError extends SlmbenchError {
  constructor(file: string, problem: string) {
    super('RESULT_INVALID', `${file}: ${problem}`, EXIT_USAGE);
  }
}
