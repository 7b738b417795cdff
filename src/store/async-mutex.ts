/**
 * A first-come, first-served lock for async work. `node:sqlite` has one synchronous
 * connection; a transaction that awaits between its statements would otherwise let a second
 * transaction's statements run inside the first one's BEGIN … COMMIT.
 */
export class AsyncMutex {
  /** Settles when the most recently queued holder releases the lock. */
  #tail: Promise<void> = Promise.resolve();

  /** Runs `fn` once every earlier holder has finished, and releases the lock however it ends. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    return previous.then(fn).finally(release);
  }
}
