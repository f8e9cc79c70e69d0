import { AppError } from '../../src/errors';

/** The AppError a synchronous call throws, so a test can assert on its code and details. */
export function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('did not throw');
}
