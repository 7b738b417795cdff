import { rootCredentialsLines, storeForDisplay } from './serve-banner.ts';
import cluster, { type Worker } from 'node:cluster';
import type { ServerConfig } from '../server/config.ts';
import type { Logger } from '../server/logger.ts';
import type { CliIo } from './io.ts';
import type { StopWatch } from './stop-signals.ts';
import { probeListen } from './startup-errors.ts';
import { relayPeerInvalidations } from '../server/gateway/peer-invalidation.ts';

/**
 * `tessera serve --workers N` (N > 1): one primary process and N workers (node:cluster) that
 * share the listen socket; the primary hands each new connection to the next worker.
 *
 * - First start happens once, in the primary, before any worker starts
 *   (prepareFirstStart: migrations, master key, token keys, default account and root key,
 *   admin token), so workers never race to create them; each worker then opens the store and
 *   serves.
 * - The store is shared as it is between nodes: SQLite in WAL mode with writers that take the
 *   write lock without blocking and retry (sqlite-lock.ts), or PostgreSQL. Caches are keyed by
 *   the authorization epoch read from the store, so a change made through one worker is seen
 *   by the next request to any other; the gateway's lookups, kept in each worker, are dropped
 *   in every worker when a write through one changes them (server/gateway/peer-invalidation.ts).
 * - The primary owns stopping: on SIGTERM/SIGINT (or npm gone) it asks every worker to stop
 *   gracefully — requests in flight answered, audit written, store closed — and waits for them,
 *   up to the same deadline as one process; a second signal ends them at once.
 * - A worker that dies while serving is replaced (a line in the log); one that keeps dying
 *   within seconds of its start stops the server, since something is wrong that a restart will
 *   not fix.
 */

export const STOP_MESSAGE = 'tessera:stop';
export const LISTENING_MESSAGE = 'tessera:listening';

/** A worker that dies this many times, each within RAPID_DEATH_MS of its start, stops the server. */
const MAX_RAPID_DEATHS = 5;
const RAPID_DEATH_MS = 10_000;

export interface PrimaryOptions {
  config: ServerConfig;
  workers: number;
  io: CliIo;
  logger: Logger;
  stop: StopWatch;
  graceMs: number;
  deadlineMs: number;
}

export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const { config, workers, io, logger, stop } = options;
  await probeListen(config);
  const { prepareFirstStart } = await import('../server/app.ts');
  const first = await prepareFirstStart(config, { logger });

  const running = new Map<number, { worker: Worker; startedAt: number }>();
  let stopping = false;
  let rapidDeaths = 0;
  let fatal: ((err: Error) => void) | undefined;
  const fatalError = new Promise<Error>((resolve) => (fatal = resolve));

  const fork = (): Worker => {
    const worker = cluster.fork();
    running.set(worker.id, { worker, startedAt: performance.now() });
    return worker;
  };

  // Start all, and wait until each one listens (or one fails to start).
  const listening = new Set<number>();
  let url = '';
  const started = new Promise<void>((resolve, reject) => {
    cluster.on('message', (worker, message: { type?: string; url?: string }) => {
      if (message?.type !== LISTENING_MESSAGE) return;
      url = message.url ?? url;
      listening.add(worker.id);
      if (listening.size === workers) resolve();
    });
    cluster.on('exit', (worker, code, signal) => {
      const entry = running.get(worker.id);
      running.delete(worker.id);
      if (stopping) return;
      if (!listening.has(worker.id)) {
        reject(new Error(`a worker process exited while starting (${signal ?? `exit code ${code}`}); see its message above`));
        return;
      }
      const livedMs = entry ? performance.now() - entry.startedAt : 0;
      rapidDeaths = livedMs < RAPID_DEATH_MS ? rapidDeaths + 1 : 0;
      logger.error('worker process died; starting another', { pid: worker.process.pid, code, signal, livedMs: Math.round(livedMs) });
      if (rapidDeaths >= MAX_RAPID_DEATHS) {
        fatal?.(new Error(`worker processes died ${rapidDeaths} times in a row within ${RAPID_DEATH_MS / 1000} s of starting; stopping`));
        return;
      }
      fork();
    });
  });
  relayPeerInvalidations();
  for (let i = 0; i < workers; i++) fork();
  const outcome = await Promise.race([
    started.then(() => 'started' as const, (err: Error) => err),
    stop.stopped.then(() => 'stopped' as const),
  ]);
  if (outcome instanceof Error) {
    await stopAll(running, options, 'start failed');
    throw outcome;
  }

  if (outcome === 'started') {
    let banner = `Default account: ${first.defaultAccountId}\n`;
    const created = first.createdRootCredentials;
    if (created) {
      banner += rootCredentialsLines(created, config.rootSecretAccessKey, `; also in ${config.dataDir}/root-credentials`);
    }
    banner += `Tessera listening on ${url} (${storeForDisplay(config.store)}, ${workers} worker processes)\n`;
    io.stdout(banner);
  }

  const reason = await Promise.race([stop.stopped, fatalError]);
  stopping = true;
  const failed = reason instanceof Error;
  if (failed) logger.error(reason.message);
  await stopAll(running, options, failed ? 'workers failing' : reason);
  return failed ? 1 : 0;
}

async function stopAll(running: Map<number, { worker: Worker }>, options: PrimaryOptions, reason: string): Promise<void> {
  const { logger, stop } = options;
  const began = performance.now();
  logger.info('stopping: finishing requests in flight', { reason, graceMs: options.graceMs, workers: running.size });
  const exited = Promise.all([...running.values()].map(({ worker }) => new Promise<void>((resolve) => {
    if (worker.isDead()) return resolve();
    worker.once('exit', () => resolve());
    if (worker.isConnected()) worker.send({ type: STOP_MESSAGE });
  })));
  const killAll = (signal: NodeJS.Signals) => {
    for (const { worker } of running.values()) if (!worker.isDead()) worker.process.kill(signal);
  };
  stop.onRepeat((signal) => {
    logger.warn('stopping at once: requests in flight are cut', { signal });
    killAll('SIGKILL');
  });
  let deadline: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (deadline = setTimeout(() => resolve('late'), options.deadlineMs)));
  if ((await Promise.race([exited, late])) === 'late') {
    logger.error('workers did not stop in time; ending them', { afterMs: options.deadlineMs });
    killAll('SIGKILL');
    await exited;
  }
  clearTimeout(deadline);
  logger.info('Tessera stopped', { reason, ms: Math.round(performance.now() - began) });
}

/** In a worker: resolves when the primary asks this worker to stop. */
export function stopAskedByPrimary(): Promise<'primary'> {
  return new Promise((resolve) => {
    const onMessage = (message: { type?: string }) => {
      if (message?.type === STOP_MESSAGE) {
        process.off('message', onMessage);
        resolve('primary');
      }
    };
    process.on('message', onMessage);
  });
}

/** In a worker: tells the primary this worker listens at `url`. */
export function reportListening(url: string): void {
  process.send?.({ type: LISTENING_MESSAGE, url });
}

/** In a worker, once stopped: leaves the cluster, so the process ends on its own (its output flushed). */
export function leaveCluster(): void {
  if (cluster.worker?.isConnected()) cluster.worker.disconnect();
}
