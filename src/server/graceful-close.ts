import type { Server, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';

/**
 * Stopping an HTTP server the way a deploy or Ctrl-C expects: no new connections, idle
 * keep-alive connections closed at once, requests in flight answered — with
 * `Connection: close`, so their clients do not send another on that connection — and each
 * connection closed as soon as its last response is written; whatever is still open after
 * `graceMs` is cut. Node's own `server.close()` would keep a kept-alive connection open
 * until its keep-alive timeout, so the responses are tracked from the start.
 *
 * Call this when the server is created; the function it returns closes the server and
 * resolves when every connection is gone.
 */
export function gracefulCloser(server: Server | HttpsServer): (graceMs: number) => Promise<void> {
  const open = new Set<ServerResponse>();
  let closing = false;
  const endConnection = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  const track = (_req: unknown, res: ServerResponse) => {
    if (res.writableFinished) return; // answered before this listener ran
    open.add(res);
    if (closing) endConnection(res);
    const done = () => {
      open.delete(res);
      if (closing) server.closeIdleConnections();
    };
    res.once('finish', done);
    res.once('close', done);
  };
  server.on('request', track);
  // A request with `Expect: 100-continue` arrives as 'checkContinue' instead (the server answers it there).
  server.on('checkContinue', track);
  return (graceMs) =>
    new Promise((resolve) => {
      closing = true;
      let deadline: NodeJS.Timeout | undefined;
      server.close(() => {
        clearTimeout(deadline);
        resolve();
      });
      if (graceMs <= 0) {
        server.closeAllConnections();
        return;
      }
      for (const res of open) endConnection(res);
      server.closeIdleConnections();
      deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    });
}
