import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ServerDeps } from './deps.ts';
import type { HttpRequestData, HttpResponseData, RequestContext } from './request-context.ts';
import { runPipeline } from './pipeline.ts';

/**
 * HTTP front door: reads the request (bounded), hands `/_tessera/*` to the admin routes and
 * everything else to the AWS pipeline, and writes the response.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
export const ADMIN_PREFIX = '/_tessera/';

export type AdminHandler = (req: HttpRequestData) => Promise<HttpResponseData>;

export function createHttpServer(deps: ServerDeps, admin: AdminHandler): Server {
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res, deps, admin).catch((err) => {
      deps.logger.error('unhandled request failure', { error: err instanceof Error ? err.stack : String(err) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end();
    });
  });
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: ServerDeps, admin: AdminHandler): Promise<void> {
  const body = await readBody(req);
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const http: HttpRequestData = {
    method: req.method ?? 'GET',
    path: queryAt < 0 ? url : url.slice(0, queryAt),
    query: queryAt < 0 ? '' : url.slice(queryAt + 1),
    // headersDistinct keeps repeated headers apart, as SigV4 canonicalization needs.
    headers: req.headersDistinct as Record<string, string[]>,
    body: body ?? Buffer.alloc(0),
    remoteAddress: req.socket.remoteAddress ?? '',
    secure: false,
  };
  if (body === undefined) {
    send(res, { status: 413, headers: { 'Content-Type': 'text/plain' }, body: `Request body exceeds ${MAX_BODY_BYTES} bytes\n` });
    return;
  }
  if (http.path.startsWith(ADMIN_PREFIX)) {
    send(res, await admin(http));
    return;
  }
  const ctx: RequestContext = { requestId: deps.random.uuid(), receivedAt: deps.clock.now(), startedMs: performance.now(), http };
  await runPipeline(ctx, deps);
  send(res, ctx.response!);
}

/** The body, or undefined when it is larger than MAX_BODY_BYTES (the rest is drained). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: HttpResponseData): void {
  const body = Buffer.from(response.body, 'utf8');
  res.writeHead(response.status, { ...response.headers, 'Content-Length': String(body.length) });
  res.end(body);
}
