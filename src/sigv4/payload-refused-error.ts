/**
 * The error a payload-verifying stream fails with. A stream can only fail with an Error, so
 * the AWS answer travels inside it as data: `failure` is what the server renders.
 */

import type { SigV4Failure } from './types.ts';

export class PayloadRefusedError extends Error {
  readonly failure: SigV4Failure;

  constructor(failure: SigV4Failure) {
    super(failure.message);
    this.name = 'PayloadRefusedError';
    this.failure = failure;
  }

  /** AWS's code, e.g. 'SignatureDoesNotMatch'. */
  get code(): string {
    return this.failure.code;
  }
}

export function isPayloadRefusedError(error: unknown): error is PayloadRefusedError {
  return error instanceof PayloadRefusedError;
}
