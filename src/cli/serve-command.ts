import { rootCredentialsLines, storeForDisplay } from './serve-banner.ts';
import type { Tessera } from '../server/app.ts';
import { checkStartupPaths } from '../server/startup-checks.ts';
import { jsonLogger } from '../server/logger.ts';
import { SERVE_FLAGS, parseFlags, parseServeConfig, serveHelp } from './flags.ts';
import type { CliIo } from './io.ts';
import { describeListenError } from './startup-errors.ts';
import { watchForStop } from './stop-signals.ts';
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { leaveCluster, reportListening, runPrimary, stopAskedByPrimary } from './serve-workers.ts';
import { clusterPeers } from '../server/gateway/peer-invalidation.ts';

/** How long requests in flight may take to finish once a stop is asked for. */
export const STOP_GRACE_MS = 5_000;
/** After this, a stop that hangs (a stuck store connection) ends the process anyway. */
const STOP_DEADLINE_MS = STOP_GRACE_MS + 5_000;

/**
 * Processes serving: `--workers` if given; one in dev mode (its store lives in one process's
 * memory); else one per core the process may use.
 */
export function workerCount(config: { dev: boolean; workers?: number }): number {
  if (config.workers !== undefined) return config.workers;
  return config.dev ? 1 : availableParallelism();
}

/**
 * `tessera serve`: runs the server until SIGTERM/SIGINT (or the npm that started it is
 * gone), then stops gracefully: no new connections, requests in flight answered, audit
 * events written, the store closed, and a last log line. A second signal stops at once.
 */
export async function runServeCommand(argv: string[], io: CliIo): Promise<number> {
  if (parseFlags(argv, SERVE_FLAGS, 'serve').help) {
    io.stdout(serveHelp());
    return 0;
  }
  const config = parseServeConfig(argv, io.env);
  const worker = cluster.isWorker;
  // Bad paths and keys fail here, in a fraction of a second, before the server's modules load.
  if (!worker) await checkStartupPaths(config);
  const logger = jsonLogger(config.logLevel);
  // Watching from before the start: a stop asked for while starting closes right after.
  const stop = watchForStop(io.env);
  const workers = workerCount(config);
  if (!worker && workers > 1) {
    try {
      return await runPrimary({ config, workers, io, logger, stop, graceMs: STOP_GRACE_MS, deadlineMs: STOP_DEADLINE_MS });
    } finally {
      stop.dispose();
    }
  }
  const { startTessera } = await import('../server/app.ts');
  try {
    let tessera: Tessera;
    try {
      tessera = await startTessera(config, { logger, bootstrapped: worker, ...(worker ? { peers: clusterPeers() } : {}) });
    } catch (err) {
      if (worker) leaveCluster(); // else the IPC channel keeps the failed worker alive
      const described = describeListenError(err, config);
      if (described !== undefined) throw new Error(described);
      throw err;
    }
    if (worker) {
      // The primary prints the banner and logs the stop; a worker serves until it is asked to stop.
      reportListening(tessera.url);
      const reason = await Promise.race([stop.stopped, stopAskedByPrimary()]);
      stop.onRepeat(() => process.exit(1));
      await tessera.close({ graceMs: STOP_GRACE_MS });
      logger.debug('worker stopped', { reason, pid: process.pid });
      leaveCluster();
      return 0;
    }
    const created = tessera.createdRootCredentials;
    // One write, "listening on" last: whoever waits for that line has the whole banner.
    let banner = `Default account: ${tessera.defaultAccountId}\n`;
    if (created) {
      banner += rootCredentialsLines(created, config.rootSecretAccessKey, config.dev ? '' : `; also in ${config.dataDir}/root-credentials`);
    }
    banner += `Tessera listening on ${tessera.url} (${config.dev ? 'dev mode, in-memory' : `${storeForDisplay(config.store)}, 1 process`})\n`;
    io.stdout(banner);

    const reason = await stop.stopped;
    const stopping = performance.now();
    logger.info('stopping: finishing requests in flight', { reason, graceMs: STOP_GRACE_MS });
    stop.onRepeat((signal) => {
      logger.warn('stopping at once: requests in flight are cut', { signal });
      process.exit(1);
    });
    const deadline = setTimeout(() => {
      logger.error('did not stop in time; exiting', { afterMs: STOP_DEADLINE_MS });
      process.exit(1);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    await tessera.close({ graceMs: STOP_GRACE_MS });
    logger.info('Tessera stopped', { reason, ms: Math.round(performance.now() - stopping) });
    return 0;
  } finally {
    stop.dispose();
  }
}
