import { createServer } from 'node:net';
import type { ServerConfig } from '../server/config.ts';

/**
 * Start-up failures of the listener, in words that name the setting to change. Other errors
 * pass through unchanged (undefined).
 */
export function describeListenError(err: unknown, config: Pick<ServerConfig, 'host' | 'port'>): string | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e === undefined || e === null || typeof e !== 'object' || (e.syscall !== 'listen' && e.syscall !== 'bind' && e.syscall !== 'getaddrinfo')) return undefined;
  const where = `${config.host}:${config.port} (--host/--port, TESSERA_HOST/TESSERA_PORT)`;
  switch (e.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is already in use by another process`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: this machine has no such address`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot listen on ${where}: the host name '${config.host}' does not resolve`;
    default:
      return `cannot listen on ${where}: ${e.code ?? e.message}`;
  }
}

/**
 * Listens on the configured address once and lets go, so that `serve --workers N` reports an
 * address it cannot use from its primary, once, in the words above — before forking workers
 * that would each fail on it. (Port 0 checks the address alone.)
 */
export function probeListen(config: Pick<ServerConfig, 'host' | 'port'>): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err) => reject(new Error(describeListenError(err, config) ?? String(err))));
    probe.listen(config.port, config.host, () => probe.close(() => resolve()));
  });
}
