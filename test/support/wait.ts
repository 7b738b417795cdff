import { performance } from 'node:perf_hooks';

/**
 * Waiting for a condition instead of sleeping for a guess. Something a server does off the
 * request path (recording a key's last use, renewing credentials in the background) takes as
 * long as the machine lets it: a fixed pause or a loop of a few short polls is a bet on the
 * machine's speed, lost on a loaded one. Poll the condition itself, with a deadline generous
 * enough that reaching it means the thing never happens, not that it happened late.
 */

/** Deadline for work that is quick on an idle machine but may queue behind a loaded one. */
export const EVENTUALLY_MS = 15_000;

/** Polls `check` every 50 ms until it holds or `ms` pass; resolves with the last result. */
export async function waitUntil(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (true) {
    if (await check()) return true;
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
