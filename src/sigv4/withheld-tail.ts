/**
 * Holding back the last piece of a verified stream until the whole payload has passed.
 *
 * A forwarder writes what a verifier emits to the upstream as it comes. If the upstream
 * request carries a Content-Length (or ends with a terminating HTTP chunk), the upstream
 * commits the object the moment its last byte arrives. So the verifier must never emit the
 * last byte before the last check passed: each piece is emitted only when the next one
 * arrives, and the final piece only after verification. A refused payload therefore always
 * reaches the upstream short, and the forwarder's abort leaves nothing committed.
 *
 * Pieces are subarrays of the input buffers (no copies); at most one is held. An empty
 * payload has nothing to hold: its consumer must wait for the stream's end.
 */

export class WithheldTail {
  #held: Uint8Array | undefined;

  /** Hold `piece`; returns the previously held piece, now safe to emit. */
  offer(piece: Uint8Array): Uint8Array | undefined {
    if (piece.length === 0) return undefined;
    const previous = this.#held;
    this.#held = piece;
    return previous;
  }

  /** The held piece, released once verification passed. */
  release(): Uint8Array | undefined {
    const held = this.#held;
    this.#held = undefined;
    return held;
  }

  /** Drops the held piece (after a refusal it must never be emitted). */
  discard(): void {
    this.#held = undefined;
  }
}
