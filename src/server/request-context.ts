import type { ServiceName } from '../protocol/model.ts';
import type { ServiceError } from '../protocol/errors.ts';
import type { Principal } from '../kernel/principal.ts';
import type { OperationDeclaration } from '../operations/declaration.ts';
import type { ParsedAuth, VerifyOptions } from '../sigv4/index.ts';

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
  /** The connection's TLS version (`1.2`, `1.3`) when over TLS: S3's s3:TlsVersion. */
  tlsVersion?: string;
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
  /** A request for a protected service, forwarded upstream once authorized (server/gateway-request.ts). */
  gateway?: GatewayRequestState;
}

/** What authentication needs to know of a gateway request, and what it tells the forwarder. */
export interface GatewayRequestState {
  /** The credential scope's service (the protected one): `s3`, `sqs`, … */
  service: string;
  /** How its signature is verified (S3: no path normalization; a streamed body is checked by the forwarder). */
  verify: Pick<VerifyOptions, 'normalizePath' | 'allowUnsignedPayload' | 'payloadStreamed' | 'maxSkewSeconds'>;
  /**
   * The request as its signature covers it, where that differs from the raw one: S3 signs the
   * path encoded once, and a presigned S3 URL signs the payload as UNSIGNED-PAYLOAD.
   */
  signing?: { path: string; headers: Record<string, string | string[]> };
  /** Set by authentication: the verified signature and its secret, the seed of chunk signatures. */
  signed?: { auth: ParsedAuth; secretAccessKey: string };
  /** The error the upstream answered and the client was given, for the CloudTrail event. */
  upstreamError?: { code: string; message: string };
  /** The request's input members as the mapper read them (its CloudTrail requestParameters come from them). */
  input?: ReadonlyMap<string, unknown>;
  /** What the upstream's successful answer says that CloudTrail records (gateway/response-elements.ts). */
  responseElements?: Record<string, unknown>;
  /** S3: the bucket the request names and its owning account (the CloudTrail record's bucket resource names it). */
  bucketOwner?: { bucket: string; accountId: string };
}
