import { performance } from 'node:perf_hooks';

/**
 * Timing bounds that a loaded machine cannot fail but a slow algorithm still does.
 *
 * A single timed run on a shared 2-core machine measures the machine as much as the code: the
 * process can be descheduled, a garbage collection can land in it, and the first call also
 * pays for compiling the code it runs. The fastest of several runs is what the code costs.
 * A quadratic scan, a backtracking matcher or a blocking wait is slow on every run, so the
 * fastest of them still fails the same bound: the bound keeps proving what it was written for.
 */

/** Runs per timing unless a test says otherwise. */
export const DEFAULT_RUNS = 5;

/**
 * The fastest of up to `runs` timings of `fn`, in milliseconds; stops early once one is at or
 * under `enough` (the bound the test asserts), so a fast implementation is timed once.
 */
export function bestTime(fn: () => unknown, enough: number, runs = DEFAULT_RUNS): number {
  let best = Infinity;
  for (let i = 0; i < runs && best > enough; i++) {
    const started = performance.now();
    fn();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** bestTime for asynchronous work (a request to a live server, a child process). */
export async function bestTimeAsync(fn: () => Promise<unknown>, enough: number, runs = DEFAULT_RUNS): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs && best > enough; i++) {
    const started = performance.now();
    await fn();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}
