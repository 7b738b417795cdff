import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in S3 endpoint on loopback that records each request exactly as received (the raw
 * body after HTTP's own framing, so aws-chunked bodies stay encoded) and answers 200 with an
 * ETag, as PutObject does. For tests that check what real clients put on the wire.
 */

export interface CapturedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string[]>;
  body: Buffer;
}

export interface CaptureServer {
  url: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

export async function startCaptureServer(tls?: { certificatePem: string; privateKeyPem: string }): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (piece: Buffer) => parts.push(piece));
    req.on('end', () => {
      const target = req.url ?? '/';
      const question = target.indexOf('?');
      requests.push({
        method: req.method ?? 'GET',
        path: question === -1 ? target : target.slice(0, question),
        query: question === -1 ? '' : target.slice(question + 1),
        headers: req.headersDistinct as Record<string, string[]>,
        body: Buffer.concat(parts),
      });
      res.writeHead(200, { ETag: '"d41d8cd98f00b204e9800998ecf8427e"', 'Content-Length': '0' });
      res.end();
    });
  };
  const server: Server = tls ? createHttpsServer({ cert: tls.certificatePem, key: tls.privateKeyPem }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
