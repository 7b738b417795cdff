import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { lazySamlRoutes, type TestIdpResponse } from './saml-routes.ts';
import { newSigningKey, signToken, type SigningKey } from './oidc-keys.ts';

/**
 * Tessera's built-in test identity provider (OIDC side): a small HTTP server on loopback that
 * publishes `/.well-known/openid-configuration` and `/jwks` for an RSA key it generates, and
 * mints ID tokens with whatever claims it is asked for (`POST /token` with a JSON object of
 * claims, or `mint()` in-process). It is for development and tests only: it signs anything.
 *
 * Its issuer is `https://<host>:<port>` because IAM registers only https:// provider URLs; it
 * serves plain HTTP, which Tessera's key fetch allows for loopback issuers only. Any other
 * path goes to the SAML side (saml-routes.ts).
 */
export interface TestIdp {
  /** The issuer (`iss`) of its tokens and the URL to register as an OIDC provider. */
  issuer: string;
  /** Where it actually listens (http://…). */
  url: string;
  /** A signed token: `iss`, `iat` and `exp` (an hour) filled in unless given. */
  mint(claims: Record<string, unknown>): Promise<string>;
  /** The key set it publishes. */
  jwks(): { keys: JWK[] };
  /** A new current signing key; earlier keys stay published. */
  rotateKey(): Promise<void>;
  close(): Promise<void>;
}

export interface TestIdpOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Seconds since the epoch for `iat` / `exp` defaults; the system clock when absent. */
  nowSeconds?: () => number;
}

const LOOPBACK: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '::1']);

export async function startTestIdp(options: TestIdpOptions = {}): Promise<TestIdp> {
  const host = options.host ?? '127.0.0.1';
  // It signs anything anyone asks for: never reachable from another machine.
  if (!LOOPBACK.has(host)) throw new Error(`the test identity provider listens on loopback only, not ${host}`);
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const samlRoutes = lazySamlRoutes({ now: () => new Date(nowSeconds() * 1000) });
  const keys: SigningKey[] = [await newSigningKey('test-idp-1')];
  const current = () => keys[keys.length - 1]!;
  let issuer = '';
  let url = '';

  const mint = (claims: Record<string, unknown>) => {
    const iat = nowSeconds();
    return signToken(current(), { iss: issuer, iat, exp: iat + 3600, ...claims });
  };
  const jwks = () => ({ keys: keys.map((k) => k.publicJwk) });

  const route = async (method: string, path: string, query: URLSearchParams, body: string): Promise<TestIdpResponse> => {
    if (method === 'GET' && path === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        jwks_uri: `${issuer}/jwks`,
        token_endpoint: `${issuer}/token`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (method === 'GET' && path === '/jwks') return json(200, jwks());
    if (method === 'POST' && path === '/token') {
      let claims: unknown;
      try {
        claims = body === '' ? {} : JSON.parse(body);
      } catch {
        return json(400, { error: 'invalid_request', error_description: 'the body must be a JSON object of claims' });
      }
      if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
        return json(400, { error: 'invalid_request', error_description: 'the body must be a JSON object of claims' });
      }
      return json(200, { id_token: await mint(claims as Record<string, unknown>), token_type: 'Bearer' });
    }
    return (await samlRoutes(method, path, query, body)) ?? json(404, { error: 'not_found' });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res, route).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"server_error"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  issuer = `https://${hostInUrl}:${port}`;
  url = `http://${hostInUrl}:${port}`;

  return {
    issuer,
    url,
    mint,
    jwks,
    async rotateKey() {
      keys.push(await newSigningKey(`test-idp-${keys.length + 1}`));
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, route: (method: string, path: string, query: URLSearchParams, body: string) => Promise<TestIdpResponse>): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) {
      res.writeHead(413).end();
      return;
    }
    chunks.push(chunk as Buffer);
  }
  const target = new URL(req.url ?? '/', 'http://idp.invalid');
  const answer = await route(req.method ?? 'GET', target.pathname, target.searchParams, Buffer.concat(chunks).toString('utf8'));
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

function json(status: number, value: unknown): TestIdpResponse {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(value) };
}
