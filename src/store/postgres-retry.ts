/**
 * When and how long a PostgreSQL transaction waits before running again. SERIALIZABLE
 * transactions may be aborted by the server purely because of what ran concurrently; the
 * cure is to run them again, after a randomized pause so the contenders stop colliding.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Upper bound of the first pause (ms); doubles per attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 30, baseDelayMs: 2, maxDelayMs: 100 };

/** serialization_failure and deadlock_detected: the server rolled back; running again is safe. */
const RETRYABLE_CODES = new Set(['40001', '40P01']);

export function sqlStateOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isRetryable(err: unknown): boolean {
  const code = sqlStateOf(err);
  return code !== undefined && RETRYABLE_CODES.has(code);
}

/**
 * "Full jitter": uniform in [0, min(max, base·2^(attempt-1))). Spreading the pauses over the
 * whole window, rather than around its middle, is what breaks up a herd of contenders.
 * `attempt` is the attempt that just failed (1 for the first); `random` returns [0, 1).
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(random() * window);
}
