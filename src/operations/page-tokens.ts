import { createHash } from 'node:crypto';
import type { OperationContext, OperationHandler } from '../kernel/operation.ts';
import type { DeclarationTable, OperationDeclaration } from './declaration.ts';

/**
 * Page tokens (IAM's `Marker`, Organizations' `NextToken`) bound to the listing that issued
 * them. A handler pages with its own inner token (the base64url of the last sort key, see
 * iam/paging.ts and organizations/paging.ts); on the way out that token is sealed with the
 * server's authenticated encryption (the master key, so every node and every restart opens
 * it), and the seal's context names the service, the operation, the caller's account and a
 * digest of the request's other parameters (all but the token and the page size). So a
 * token is opaque and cannot be forged or altered, and one issued for ListUsers does not
 * open for ListRoles, nor for ListUsers with another PathPrefix, nor in another account: it
 * is refused as a malformed one is, as AWS refuses "a marker it did not issue for the call".
 *
 * The page size (MaxItems / MaxResults) may change from page to page, as AWS allows and the
 * CLI's --page-size does.
 */
export interface PageTokenOptions {
  /** The request and response member that carries the token. */
  tokenMember: string;
  /** The request member that sets the page size (left out of the binding). */
  pageSizeMember: string;
  /**
   * Parameters whose value here means the same as leaving them out (IAM's PathPrefix "/"):
   * a token issued with one form pages the other.
   */
  defaults?: Readonly<Record<string, unknown>>;
  /** The service's answer for a token it did not issue for this call. */
  refuse: () => Error;
  /**
   * The longest token opened; anything longer is refused before any work (the models allow
   * 320 characters for IAM's Marker).
   */
  maxLength?: number;
}

const SEAL_CONTEXT = 'tessera:page-token';
/** Inner tokens that are the base64url of UTF-8 text are sealed as that text ('k'), others as they are ('r'): a quarter shorter. */
const TEXT = 'k';
const RAW = 'r';

/** The same declarations, each handler taking and giving bound page tokens. */
export function withBoundPageTokens(table: DeclarationTable, options: PageTokenOptions): DeclarationTable {
  const bound = new Map<string, OperationDeclaration>();
  for (const [name, declaration] of table) bound.set(name, { ...declaration, handler: bindHandler(declaration.service, name, declaration.handler, options) });
  return bound;
}

function bindHandler(service: string, operation: string, handler: OperationHandler, options: PageTokenOptions): OperationHandler {
  const { tokenMember } = options;
  return async (input: unknown, ctx: OperationContext) => {
    const request = (input ?? {}) as Record<string, unknown>;
    const context = bindingOf(service, operation, request, ctx, options);
    const given = request[tokenMember];
    const inner = typeof given === 'string' ? { ...request, [tokenMember]: openToken(given, context, ctx, options) } : input;
    const output = await handler(inner, ctx);
    if (output === null || typeof output !== 'object') return output;
    const issued = (output as Record<string, unknown>)[tokenMember];
    if (typeof issued !== 'string') return output;
    return { ...(output as Record<string, unknown>), [tokenMember]: sealToken(issued, context, ctx) };
  };
}

/** What a token is bound to: the service, the operation, the caller's account and the listing's parameters. */
function bindingOf(service: string, operation: string, request: Record<string, unknown>, ctx: OperationContext, options: PageTokenOptions): string {
  const parameters: Record<string, unknown> = {};
  for (const key of Object.keys(request).sort()) {
    if (key === options.tokenMember || key === options.pageSizeMember) continue;
    const value = request[key];
    if (value === undefined || (options.defaults && Object.hasOwn(options.defaults, key) && options.defaults[key] === value)) continue;
    parameters[key] = value;
  }
  const digest = createHash('sha256').update(JSON.stringify(parameters)).digest('base64url');
  return `${SEAL_CONTEXT}\u0000${service}:${operation}\u0000${ctx.principal.accountId}\u0000${digest}`;
}

function sealToken(inner: string, context: string, ctx: OperationContext): string {
  const text = Buffer.from(inner, 'base64url').toString('utf8');
  const compact = text.length > 0 && Buffer.from(text, 'utf8').toString('base64url') === inner ? TEXT + text : RAW + inner;
  return ctx.secrets.seal(compact, context);
}

function openToken(token: string, context: string, ctx: OperationContext, options: PageTokenOptions): string {
  if (token.length === 0 || token.length > (options.maxLength ?? 4096)) throw options.refuse();
  let compact: string;
  try {
    compact = ctx.secrets.open(token, context);
  } catch {
    throw options.refuse();
  }
  const body = compact.slice(1);
  if (compact.startsWith(TEXT) && body.length > 0) return Buffer.from(body, 'utf8').toString('base64url');
  if (compact.startsWith(RAW) && body.length > 0) return body;
  throw options.refuse();
}
