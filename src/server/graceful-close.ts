import type { Server } from 'node:http';

/**
 * Stops an HTTP server the way a deploy or Ctrl-C expects: no new connections, idle
 * keep-alive connections closed now, requests in flight answered (with `Connection: close`,
 * so their clients do not send another), and whatever is still open after `graceMs` cut.
 * Resolves when every connection is gone.
 */
export function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    let deadline: NodeJS.Timeout | undefined;
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    if (graceMs <= 0) {
      server.closeAllConnections();
      return;
    }
    // A request already on its way over a kept-alive connection is still served; its
    // response then ends that connection.
    server.on('request', (_req, res) => res.setHeader('Connection', 'close'));
    server.closeIdleConnections();
    deadline = setTimeout(() => server.closeAllConnections(), graceMs);
  });
}
