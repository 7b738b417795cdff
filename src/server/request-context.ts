import type { ServiceName } from '../protocol/model.ts';
import type { ServiceError } from '../protocol/errors.ts';
import type { Principal } from '../kernel/principal.ts';
import type { OperationDeclaration } from '../operations/declaration.ts';

/** The raw HTTP request as the pipeline sees it. */
export interface HttpRequestData {
  method: string;
  /** Raw path, undecoded, without the query string. */
  path: string;
  /** Raw query string without '?'. */
  query: string;
  /** Header names lower-cased. */
  headers: Record<string, string | string[]>;
  body: Buffer;
  remoteAddress: string;
  secure: boolean;
}

export interface HttpResponseData {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Protocol = 'query' | 'json';

/**
 * One request's state, filled in stage by stage (resolve → authenticate → parse → authorize →
 * invoke → serialize → audit). Each stage reads what earlier ones wrote; a stage that fails
 * sets `error`, and the remaining stages up to serialization are skipped.
 */
export interface RequestContext {
  requestId: string;
  receivedAt: Date;
  /** performance.now() at arrival, for the request's duration in logs. */
  startedMs: number;
  http: HttpRequestData;

  service?: ServiceName;
  protocol?: Protocol;
  /** Query-protocol parameters (query string merged with a form body). */
  params?: URLSearchParams;
  /** The `Action` parameter or X-Amz-Target operation, as sent. */
  action?: string;
  /** The region from the signature's credential scope. */
  region?: string;

  principal?: Principal;
  operation?: string;
  /** The served operation's declaration (authentication, authorization target, handler). */
  declaration?: OperationDeclaration;
  input?: Record<string, unknown>;
  output?: Record<string, unknown>;

  /** The authorization decision, for the audit record. */
  authorization?: {
    decision: 'Allowed' | 'ExplicitDeny' | 'ImplicitDeny';
    action: string;
    resource: string;
    reason?: string;
    /** Every action/resource pair the request needed, the main one first. */
    checks?: ReadonlyArray<{ action: string; resource: string }>;
    /** The engine's full decision (authz/authorizer.ts DecisionEvidence), for `tessera explain`. */
    evidence?: unknown;
  };

  error?: ServiceError;
  response?: HttpResponseData;
  /** Its audit events were written by whoever answered it (a forwarded request). */
  audited?: boolean;
}
