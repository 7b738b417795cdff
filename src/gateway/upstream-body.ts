// The last stage of a streamed body: what the payload's verifier emits is written to the
// upstream request, with backpressure (a write the upstream cannot take yet holds the stage
// until it drains), and the request ends when the verified body ended.
//
// It also returns each body buffer's memory as soon as the upstream has taken it. node:http
// hands every piece of a request body over in a buffer of its own (a copy out of its read
// buffer); left to the garbage collector, a streamed upload leaves tens of megabytes of them
// behind, and V8 answers that "external memory pressure" with a full mark-compact of the
// whole heap every ~64 MB — most of the gateway's CPU during an upload, and the growth of its
// RSS. A buffer is released (its ArrayBuffer detached, which frees the memory at once) only
// when all of this holds:
//   - it is the very object the client's request emitted (`claimBodyBuffers`), spanning its
//     whole ArrayBuffer, so no other view of that memory exists;
//   - the verifier passes its input through unchanged and keeps nothing once it emitted it
//     (`PayloadPlan.passesInputThrough`, set for the plain and UNSIGNED-PAYLOAD forms);
//   - the upstream socket reported the write done (a failed write keeps it: the collector
//     frees it later).

import type { ClientRequest } from 'node:http';
import { Writable, type Readable } from 'node:stream';

/** The buffers `source` emits, recorded as they are emitted: the ones the forwarder may release once written. */
export function claimBodyBuffers(source: Readable): WeakSet<object> {
  const claimed = new WeakSet<object>();
  source.on('data', (chunk: unknown) => {
    if (Buffer.isBuffer(chunk)) claimed.add(chunk);
  });
  return claimed;
}

/** Frees a buffer's memory now rather than at the next full collection; the buffer reads empty afterwards. */
export function releaseBuffer(chunk: Buffer): boolean {
  const memory = chunk.buffer;
  if (!(memory instanceof ArrayBuffer) || memory.detached) return false;
  if (chunk.byteOffset !== 0 || chunk.byteLength !== memory.byteLength) return false;
  try {
    memory.transfer(0);
    return true;
  } catch {
    // Not detachable (an ArrayBuffer Node keeps for itself): the collector frees it.
    return false;
  }
}

export class UpstreamBodyWriter extends Writable {
  readonly #request: ClientRequest;
  readonly #releasable: WeakSet<object> | undefined;
  /** The write waiting for the upstream request to drain. */
  #waiting: ((error?: Error | null) => void) | undefined;

  /** `releasable`: buffers this stage frees once the upstream took them (see the file's comment). */
  constructor(request: ClientRequest, releasable?: WeakSet<object>) {
    super();
    this.#request = request;
    this.#releasable = releasable;
    request.on('drain', () => this.#resume());
    request.on('error', (err) => this.destroy(err));
    request.on('close', () => {
      if (!this.writableFinished && !this.destroyed) this.destroy(new Error('the upstream request closed before the body was sent'));
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const release = this.#releasable?.has(chunk) === true ? (err?: Error | null) => {
      if (err === undefined || err === null) releaseBuffer(chunk);
    } : undefined;
    if (this.#request.write(chunk, release)) done();
    else this.#waiting = done;
  }

  override _final(done: (error?: Error | null) => void): void {
    this.#request.end(() => done());
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // A refused or failed body never completes upstream: the request is aborted, cut short.
    if (error !== null) this.#request.destroy(error);
    this.#waiting = undefined;
    done(error);
  }

  #resume(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }
}
