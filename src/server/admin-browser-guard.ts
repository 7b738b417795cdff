import type { HttpRequestData, HttpResponseData } from './request-context.ts';
import { headerValue } from './http-util.ts';

/**
 * The account admin routes (`/_tessera/accounts`, `/_tessera/reset`) are for operators' tools
 * (curl, the CLI, test harnesses), never for web pages. In dev mode they need no token, and
 * node:http answers whatever `Host` a request names, so without this guard any page the
 * developer opens can
 *   - POST /_tessera/reset or /_tessera/accounts cross-site: a "simple" request (text/plain
 *     body, no custom header) is sent without a CORS preflight, so the state is wiped or an
 *     account made even though the page cannot read the answer;
 *   - read the answers by DNS rebinding (its own name resolving to 127.0.0.1 makes the
 *     request same-origin): a new account's root credentials, the list of accounts.
 * Browsers mark every such request: `Origin` on every cross-origin request and on every POST,
 * and `Sec-Fetch-Site` (`cross-site`, `same-site`, `same-origin`) on every request they make
 * from a page — `none` only when the user typed the URL. Tools send neither (Node's fetch sends
 * `Sec-Fetch-Mode` alone). A request that carries one is refused, 403, before anything is done.
 * The public routes (health, outbound federation discovery) are not guarded: relying parties
 * may read those from browsers.
 */
export function browserRefusal(req: HttpRequestData): HttpResponseData | undefined {
  const origin = headerValue(req.headers, 'origin');
  const fetchSite = headerValue(req.headers, 'sec-fetch-site');
  const fromPage = origin !== undefined || (fetchSite !== undefined && fetchSite.trim().toLowerCase() !== 'none');
  if (!fromPage) return undefined;
  return {
    status: 403,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ error: 'Forbidden', message: 'The admin endpoints do not answer requests made by web pages (Origin or Sec-Fetch-Site present).' }) + '\n',
  };
}
