import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The small HTTP servers a workload's credentials come from. They take no request bodies
 * (a request announcing one is refused and its connection closed, never read), headers are
 * limited to 8 KiB in all (node:http answers 431 beyond), and a connection idle for 30 s is
 * closed.
 */
export const MAX_HEADER_BYTES = 8 * 1024;

export interface PlainResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

export type Route = (req: IncomingMessage) => Promise<PlainResponse>;

export async function startPlainServer(host: string, port: number, route: Route, onError: (err: unknown) => void): Promise<RunningServer> {
  const server: Server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 }, (req, res) => {
    const announced = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? '0') > 0;
    const answer = announced
      ? Promise.resolve<PlainResponse>({ status: 400, headers: { Connection: 'close' }, body: 'Bad Request: a body is not accepted here.\n' })
      : route(req);
    answer.then((response) => {
      const body = Buffer.from(response.body, 'utf8');
      res.writeHead(response.status, { 'Content-Type': 'text/plain', ...response.headers, 'Content-Length': String(body.length) });
      res.end(req.method === 'HEAD' ? undefined : body);
    }, (err: unknown) => {
      onError(err);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    host,
    port: address.port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
