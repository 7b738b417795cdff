// The last stage of a streamed body: what the payload's verifier emits is written to the
// upstream request, and the request ends when the verified body ended.
//
// Writes are batched: node:http reads the client's socket 64 KiB at a time, often many reads
// in one turn of the event loop, and would write each piece upstream with a system call of its
// own (each one waking the upstream). The upstream request is corked from the first write of
// a turn until the turn's reads are done (setImmediate), so they leave together in one writev.
// Backpressure: up to IN_FLIGHT bytes may wait in the upstream socket; past that the stage
// waits for it to drain, and the client's body stops being read. (A single 64 KiB piece fills
// the socket's own 64 KiB high-water mark, so waiting on every "full" would stall each piece.)
//
// It also returns the memory of the client's body buffers as soon as the upstream has taken
// what came from them. node:http hands every piece of a request body over in a buffer of its
// own (a copy out of its read buffer); left to the garbage collector, a streamed upload leaves
// tens of megabytes of them behind, and V8 answers that "external memory pressure" with a full
// mark-compact of the whole heap every ~64 MB — most of the gateway's CPU during an upload,
// and the growth of its RSS. A buffer's memory is released (its ArrayBuffer detached, which
// frees it at once) only when all of this holds:
//   - the client's request emitted a buffer spanning that whole ArrayBuffer, so it is memory
//     node:http made for this body alone (`claimBodyMemory`);
//   - the stages between emit pieces of their input in order and keep no view of an input
//     once they emitted a piece of a later one (`PayloadPlan.inputReleasable`): so when a piece
//     of another claimed ArrayBuffer arrives, or the body ends, nothing more will come from the
//     previous one;
//   - every write of a piece of it was reported done by the upstream socket (after a failed
//     write nothing is released: the collector frees it later).

import type { ClientRequest } from 'node:http';
import { Writable, type Readable } from 'node:stream';

/**
 * The ArrayBuffers of the buffers `source` emits, each one whole: memory that belongs to the
 * body alone. Called before the body flows (in the same turn as the pipeline is built).
 */
export function claimBodyMemory(source: Readable): WeakSet<ArrayBuffer> {
  const claimed = new WeakSet<ArrayBuffer>();
  source.on('data', (chunk: unknown) => {
    const memory = Buffer.isBuffer(chunk) ? wholeArrayBuffer(chunk) : undefined;
    if (memory !== undefined) claimed.add(memory);
  });
  return claimed;
}

/** The ArrayBuffer `view` spans entirely, when it does. */
function wholeArrayBuffer(view: Uint8Array): ArrayBuffer | undefined {
  const memory = view.buffer;
  return memory instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === memory.byteLength ? memory : undefined;
}

/** Frees `memory` now rather than at the next full collection; every view of it reads empty afterwards. */
export function releaseMemory(memory: ArrayBuffer): boolean {
  if (memory.detached) return false;
  try {
    memory.transfer(0);
    return true;
  } catch {
    // Not detachable (an ArrayBuffer Node keeps for itself): the collector frees it.
    return false;
  }
}

/** Bytes that may wait in the upstream socket before the body stops being read. */
const IN_FLIGHT = 1024 * 1024;

export class UpstreamBodyWriter extends Writable {
  readonly #request: ClientRequest;
  readonly #claimed: WeakSet<ArrayBuffer> | undefined;
  /** The claimed ArrayBuffer the latest pieces came from. */
  #current: ArrayBuffer | undefined;
  /** Writes not yet done, per claimed ArrayBuffer. */
  readonly #inFlight = new Map<ArrayBuffer, number>();
  /** Claimed ArrayBuffers nothing more will come from, waiting for their writes. */
  readonly #passed = new Set<ArrayBuffer>();
  /** A write failed: nothing more is released. */
  #failed = false;
  /** Corked until the end of this turn of the event loop. */
  #corked = false;
  /** The write waiting for the upstream request to drain. */
  #waiting: ((error?: Error | null) => void) | undefined;

  /** `claimed`: memory this stage frees once the upstream took everything from it (see the file's comment). */
  constructor(request: ClientRequest, claimed?: WeakSet<ArrayBuffer>) {
    super();
    this.#request = request;
    this.#claimed = claimed;
    request.on('drain', () => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.();
    });
    request.on('error', (err) => this.destroy(err));
    request.on('close', () => {
      if (!this.writableFinished && !this.destroyed) this.destroy(new Error('the upstream request closed before the body was sent'));
    });
  }

  override _write(piece: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const memory = piece.buffer as ArrayBuffer;
    const claimed = this.#claimed?.has(memory) === true && !this.#failed;
    // A stage that broke its promise (a piece of memory it had moved past) fails the upload
    // rather than send the upstream bytes that may have been freed.
    if (claimed && (memory.detached || this.#passed.has(memory))) return done(new Error('a payload stage emitted a piece of a buffer it had moved past'));
    this.#corkForThisTurn();
    const open = this.#request.write(piece, claimed ? this.#tracked(memory) : undefined);
    if (open || this.#request.writableLength <= IN_FLIGHT) done();
    else this.#waiting = done;
  }

  override _final(done: (error?: Error | null) => void): void {
    this.#pass(this.#current);
    this.#current = undefined;
    this.#request.end(() => done());
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // A refused or failed body never completes upstream: the request is aborted, cut short.
    if (error !== null) this.#request.destroy(error);
    this.#waiting = undefined;
    this.#forget();
    done(error);
  }

  #corkForThisTurn(): void {
    if (this.#corked) return;
    this.#corked = true;
    this.#request.cork();
    setImmediate(() => {
      this.#corked = false;
      this.#request.uncork();
    });
  }

  /** A write of a piece of claimed `memory`: its completion callback. */
  #tracked(memory: ArrayBuffer): (err?: Error | null) => void {
    if (memory !== this.#current) {
      this.#pass(this.#current);
      this.#current = memory;
    }
    this.#inFlight.set(memory, (this.#inFlight.get(memory) ?? 0) + 1);
    return (err) => this.#written(memory, err);
  }

  /** Nothing more will come from `memory`: free it once its writes are done. */
  #pass(memory: ArrayBuffer | undefined): void {
    if (memory === undefined || this.#failed) return;
    if (this.#inFlight.has(memory)) this.#passed.add(memory);
    else releaseMemory(memory);
  }

  #written(memory: ArrayBuffer, err: Error | null | undefined): void {
    if (this.#failed) return;
    if (err !== undefined && err !== null) {
      this.#forget();
      return;
    }
    const left = (this.#inFlight.get(memory) ?? 1) - 1;
    if (left > 0) {
      this.#inFlight.set(memory, left);
      return;
    }
    this.#inFlight.delete(memory);
    if (this.#passed.delete(memory)) releaseMemory(memory);
  }

  /** Stops releasing: what is held is left to the collector. */
  #forget(): void {
    this.#failed = true;
    this.#inFlight.clear();
    this.#passed.clear();
  }
}
