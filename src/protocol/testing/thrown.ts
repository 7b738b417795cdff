// For the protocol tests: the ServiceError a call throws.
import assert from 'node:assert/strict';
import { ServiceError } from '../errors.ts';

/** The ServiceError `fn` throws; fails the test when it returns or throws anything else. */
export function thrown(fn: () => unknown): ServiceError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ServiceError, String(error));
    return error;
  }
  assert.fail('expected a ServiceError');
}
