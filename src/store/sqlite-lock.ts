import type { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Taking SQLite's write lock without blocking the event loop.
 *
 * `node:sqlite` is synchronous: with a busy timeout, a BEGIN that finds the file locked
 * sleeps inside SQLite, and the whole process with it. If the lock holder is another
 * connection in this same process (a second store on one file), it can then never finish, and
 * both stall until the timeout. So the lock is tried without waiting, and retried on a timer.
 */

/** Short synchronous wait for the rare busy read (e.g. while another connection recovers the WAL). */
export const READ_BUSY_TIMEOUT_MS = 250;

/** SQLITE_BUSY and its extended codes (…_RECOVERY, …_SNAPSHOT, …_TIMEOUT) share the low byte. */
export function isBusy(err: unknown): boolean {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && (code & 0xff) === 5;
}

/** BEGIN IMMEDIATE, retried every few ms while another connection writes, for up to `waitMs`. */
export async function beginImmediate(db: DatabaseSync, waitMs: number): Promise<void> {
  const deadline = performance.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    db.exec('PRAGMA busy_timeout = 0');
    try {
      db.exec('BEGIN IMMEDIATE');
      return;
    } catch (err) {
      if (!isBusy(err) || performance.now() >= deadline) throw err;
    } finally {
      db.exec(`PRAGMA busy_timeout = ${READ_BUSY_TIMEOUT_MS}`);
    }
    await sleep(Math.min(attempt, 20));
  }
}
