import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { serviceError } from '../protocol/errors.ts';
import type { ServerDeps } from './deps.ts';
import type { HttpRequestData, HttpResponseData, RequestContext } from './request-context.ts';
import { refuseRequest, runPipeline } from './pipeline.ts';

/**
 * HTTP front door: reads the request (bounded), hands `/_tessera/*` to the admin routes and
 * everything else to the AWS pipeline, and writes the response.
 *
 * A body over MAX_BODY_BYTES is never read to its end: a Content-Length over the limit is
 * refused before any of the body is read (and before `100 Continue`), a body that grows past
 * it (chunked) is refused as soon as it does. The answer goes out at once, in the request's
 * own protocol, with `Connection: close`, and the connection is closed after it, so an
 * attacker's upload is not drained.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
export const ADMIN_PREFIX = '/_tessera/';

export type AdminHandler = (req: HttpRequestData) => Promise<HttpResponseData>;

/** With `tls` (PEM certificate chain and key) the server speaks HTTPS (HTTP/1.1 over TLS). */
export function createHttpServer(deps: ServerDeps, admin: AdminHandler, tls?: { cert: string; key: string }): Server | HttpsServer {
  const listener = (expectsContinue: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, deps, admin, expectsContinue).catch((err) => {
      deps.logger.error('unhandled request failure', { error: err instanceof Error ? err.stack : String(err) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end();
    });
  };
  const server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key, keepAliveTimeout: 65_000 }, listener(false))
    : createServer({ keepAliveTimeout: 65_000 }, listener(false));
  // `Expect: 100-continue`: the client waits for a go-ahead, which an oversized request never gets.
  server.on('checkContinue', listener(true));
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: ServerDeps, admin: AdminHandler, expectsContinue: boolean): Promise<void> {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const http: HttpRequestData = {
    method: req.method ?? 'GET',
    path: queryAt < 0 ? url : url.slice(0, queryAt),
    query: queryAt < 0 ? '' : url.slice(queryAt + 1),
    // headersDistinct keeps repeated headers apart, as SigV4 canonicalization needs.
    headers: req.headersDistinct as Record<string, string[]>,
    body: Buffer.alloc(0),
    remoteAddress: req.socket.remoteAddress ?? '',
    // aws:SecureTransport: the request came over TLS.
    secure: (req.socket as Partial<TLSSocket>).encrypted === true,
  };
  const body = declaredLength(req) > MAX_BODY_BYTES ? undefined : await readBody(req, res, expectsContinue);
  if (body === undefined) {
    await refuseTooLarge(http, res, deps);
    return;
  }
  http.body = body;
  if (http.path.startsWith(ADMIN_PREFIX)) {
    send(res, await admin(http));
    return;
  }
  const ctx = newContext(http, deps);
  await runPipeline(ctx, deps);
  send(res, ctx.response!);
}

function newContext(http: HttpRequestData, deps: ServerDeps): RequestContext {
  return { requestId: deps.random.uuid(), receivedAt: deps.clock.now(), startedMs: performance.now(), http };
}

/** Content-Length as sent (node:http has already refused a malformed one); 0 when absent. */
function declaredLength(req: IncomingMessage): number {
  const value = req.headers['content-length'];
  return value === undefined ? 0 : Number(value);
}

/**
 * The body, or undefined as soon as it grows past MAX_BODY_BYTES: reading stops there and
 * what was read is dropped.
 */
function readBody(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        stop();
        req.pause();
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    if (expectsContinue) res.writeContinue();
  });
}

/**
 * RequestEntityTooLarge (413) in the request's protocol — XML for the Query services, JSON
 * for X-Amz-Target requests — resolved from the headers and query alone, then the connection
 * is closed (node:http closes it once a `Connection: close` answer is written).
 */
async function refuseTooLarge(http: HttpRequestData, res: ServerResponse, deps: ServerDeps): Promise<void> {
  const message = `Request body must not exceed ${MAX_BODY_BYTES} bytes.`;
  let response: HttpResponseData;
  if (http.path.startsWith(ADMIN_PREFIX)) {
    response = { status: 413, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ error: 'PayloadTooLarge', message }) };
  } else {
    const ctx = newContext(http, deps);
    await refuseRequest(ctx, deps, (service) => serviceError(service, 'RequestEntityTooLarge', message));
    response = ctx.response!;
  }
  send(res, { ...response, headers: { ...response.headers, Connection: 'close' } });
}

/**
 * Each response's headers are its own (built per response), so Content-Length is added in
 * place; the body goes as a string, which node:http writes together with the headers in one
 * write (a Buffer body takes a second chunk of a writev).
 */
function send(res: ServerResponse, response: HttpResponseData): void {
  const headers = response.headers;
  headers['Content-Length'] = String(Buffer.byteLength(response.body, 'utf8'));
  res.writeHead(response.status, headers);
  res.end(response.body, 'utf8');
}
