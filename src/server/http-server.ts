import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { serviceError } from '../protocol/errors.ts';
import type { ServerDeps } from './deps.ts';
import type { HttpRequestData, HttpResponseData, RequestContext } from './request-context.ts';
import { refuseRequest, runPipeline } from './pipeline.ts';
import { declaredLength, readBody } from './read-body.ts';
import { gatewayRoute, handleGatewayRequest } from './gateway/gateway-request.ts';

/**
 * HTTP front door: reads the request (bounded), hands `/_tessera/*` to the admin routes and
 * everything else to the AWS pipeline, and writes the response. A request for a protected
 * service (a SigV4 scope naming a service Tessera does not serve, or an unsigned S3 request)
 * is told from its head alone and goes to the gateway (gateway/gateway-request.ts) before any
 * of its body is read: the body streams upstream once the request is authorized.
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
  // s3:TlsVersion: `TLSv1.3` → `1.3`.
  const tls = (req.socket as Partial<TLSSocket>).getProtocol?.()?.match(/^TLSv(\d+(?:\.\d+)?)$/)?.[1];
  if (tls !== undefined) http.tlsVersion = tls;
  // A protected service's request is routed from its head alone: its body streams upstream.
  const route = http.path.startsWith(ADMIN_PREFIX) ? undefined : gatewayRoute(http, deps);
  if (route !== undefined) {
    const ctx = newContext(http, deps);
    await handleGatewayRequest(req, res, ctx, route, deps, expectsContinue);
    return;
  }
  const body = declaredLength(req) > MAX_BODY_BYTES ? undefined : await readBody(req, res, expectsContinue, MAX_BODY_BYTES);
  if (body === undefined) {
    lingerAfterAnswer(req);
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
  return { requestId: deps.random.timeOrderedUuid(), receivedAt: deps.clock.now(), startedMs: performance.now(), http };
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

/** How long, and how much, a refused upload is still read (and dropped) after its answer. */
const LINGER_MS = 1_000;
const LINGER_BYTES = 4 * 1024 * 1024;

/**
 * A connection closed while the client is still sending (an oversized upload) is reset by the
 * kernel (TCP RST, since data arrived that was never read), and a client stack that receives
 * the reset may drop the answer it had not read yet: the 413 would never be seen. So once the
 * answer is written, the connection is half-closed and what still arrives is read and dropped
 * for a moment — at most LINGER_MS and LINGER_BYTES, then it is cut — as web servers do
 * ("lingering close"). The attacker's upload is still not drained: a few MiB at most.
 */
function lingerAfterAnswer(req: IncomingMessage): void {
  const socket = req.socket;
  let read = 0;
  const cut = () => socket.destroy();
  // The body's bytes as the request reads (and drops) them: node:http may read the socket
  // directly, without 'data' events on it.
  req.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > LINGER_BYTES) cut();
  });
  // node:http ends a `Connection: close` exchange with destroySoon: end, then destroy once the
  // answer is written, which is the reset above. Here: end, then wait for the client or the bound.
  socket.destroySoon = function lingeringClose(this: typeof socket) {
    this.end();
    setTimeout(cut, LINGER_MS).unref();
    req.resume();
  };
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
