import { timingSafeEqual, createHash } from 'node:crypto';
import { AccountExistsError, createAccount, listAccountIds } from '../iam/accounts.ts';
import type { AdminHandler } from './http-server.ts';
import type { HttpRequestData, HttpResponseData } from './request-context.ts';
import type { ServerDeps } from './deps.ts';
import { headerValue } from './http-util.ts';
import { isOutboundDiscoveryPath, outboundDiscovery } from './outbound-discovery-routes.ts';
import { browserRefusal } from './admin-browser-guard.ts';

/**
 * Tessera's own endpoints under /_tessera/ (not AWS APIs):
 *   GET  /_tessera/health     — always open; a small JSON status.
 *   POST /_tessera/reset      — dev mode only: back to the just-started state.
 *   POST /_tessera/accounts   — create an account; body `{"accountId": "…"}` optional.
 *   GET  /_tessera/accounts   — list account IDs.
 *   GET  /_tessera/outbound/<id>/.well-known/… — an outbound federation issuer's discovery
 *        documents, open to all (outbound-discovery-routes.ts).
 * The account endpoints need `Authorization: Bearer <admin token>` (the token is in
 * `<dataDir>/admin-token`), except in dev mode, which only listens on loopback.
 */
export interface AdminOptions {
  deps: ServerDeps;
  dev: boolean;
  adminToken?: string;
  version: string;
  defaultAccountId: () => string;
  /** Dev mode: restores the just-started state. */
  reset?: () => Promise<void>;
}

export function adminRoutes(options: AdminOptions): AdminHandler {
  return async (req) => {
    if (isOutboundDiscoveryPath(req.path)) return outboundDiscovery(req, options.deps.store);
    const route = `${req.method} ${req.path}`;
    switch (route) {
      case 'GET /_tessera/health':
        return json(200, {
          status: 'ok',
          version: options.version,
          store: options.deps.store.dialect,
          dev: options.dev,
          defaultAccountId: options.defaultAccountId(),
        });
      case 'POST /_tessera/reset': {
        const refused = browserRefusal(req);
        if (refused) return refused;
        if (!options.dev || !options.reset) return json(404, { error: 'NotFound', message: 'Reset is only available in dev mode (--dev).' });
        await options.reset();
        return json(200, { status: 'reset' });
      }
      case 'POST /_tessera/accounts':
      case 'GET /_tessera/accounts': {
        const refused = browserRefusal(req);
        if (refused) return refused;
        if (!authorized(req, options)) return json(401, { error: 'Unauthorized', message: 'Send Authorization: Bearer <token from the data directory\'s admin-token file>.' });
        return req.method === 'GET' ? listAccounts(req, options) : createAccountRoute(req, options);
      }
      default:
        return json(404, { error: 'NotFound', message: `No admin route ${route}` });
    }
  };
}

async function createAccountRoute(req: HttpRequestData, options: AdminOptions): Promise<HttpResponseData> {
  let body: { accountId?: unknown } = {};
  try {
    body = req.body.length > 0 ? JSON.parse(req.body.toString('utf8')) : {};
  } catch {
    return json(400, { error: 'BadRequest', message: 'Body must be JSON.' });
  }
  if (body.accountId !== undefined && (typeof body.accountId !== 'string' || !/^\d{12}$/.test(body.accountId))) {
    return json(400, { error: 'BadRequest', message: 'accountId must be a 12-digit string.' });
  }
  try {
    const { deps } = options;
    const created = await createAccount(deps, { ...(typeof body.accountId === 'string' ? { accountId: body.accountId } : {}) });
    return json(201, created);
  } catch (err) {
    if (err instanceof AccountExistsError) return json(409, { error: 'Conflict', message: err.message });
    throw err;
  }
}

async function listAccounts(req: HttpRequestData, options: AdminOptions): Promise<HttpResponseData> {
  const params = new URLSearchParams(req.query);
  const after = params.get('after') ?? undefined;
  const accounts = await listAccountIds(options.deps.store, { after, limit: 1000 });
  return json(200, { accounts });
}

function authorized(req: HttpRequestData, options: AdminOptions): boolean {
  if (options.dev) return true;
  const token = options.adminToken;
  const header = headerValue(req.headers, 'authorization') ?? '';
  if (!token || !header.startsWith('Bearer ')) return false;
  // Hash both sides so the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(header.slice(7)).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

function json(status: number, value: unknown): HttpResponseData {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) + '\n' };
}
