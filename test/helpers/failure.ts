/** The SlmbenchError a promise rejects with; anything else (or no rejection) fails the test. */
import { SlmbenchError } from '../../harness/errors.js';

export async function failure(promise: Promise<unknown>): Promise<SlmbenchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SlmbenchError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}
