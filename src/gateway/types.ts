import type { AuthorizationCheck } from '../authz/target.ts';
import type { WireProtocol } from './model.ts';
import type { GatewayService } from './services.ts';

/** A condition-key value, as the policy engine takes it. */
export type ConditionValue = NonNullable<AuthorizationCheck['context']>[string];

/** What the router knows of a request for a protected service, once it has been authenticated. */
export interface GatewayRequest {
  /** The service of the SigV4 credential scope: `s3`, `sqs`, `dynamodb`, … */
  service: string;
  method: string;
  /** The path as sent, percent-encoded, without the query. */
  path: string;
  /** The raw query string, without `?` (empty when none). */
  query: string;
  /** The request headers (any case; Node's IncomingHttpHeaders will do). */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /**
   * The body, for the JSON and Query services (small: the caller enforces a limit before it
   * reads). S3 bodies are streams and are never passed — except for the few S3 operations whose
   * authorization depends on their small XML body: the result then asks for it (`needs-body`)
   * and the caller maps the request again with it.
   */
  body?: Buffer;
  /** S3 virtual-hosted style: the bucket the router took from the Host header. */
  bucket?: string;
  /** The region of the credential scope (also the region of resources the request names). */
  region: string;
  /** The account that owns the resources the request names, unless an ARN in the request says another. */
  ownerAccountId: string;
  /** The caller's account (kms:CallerAccount). */
  requestAccountId: string;
  /** The time the request is decided at (s3:signatureAge of a presigned URL). */
  now?: Date;
  /** The TLS version of the client's connection (`1.2`, `1.3`), absent over plain HTTP (s3:TlsVersion). */
  tlsVersion?: string;
  /**
   * CloudWatch Logs GetQueryResults: the log group ARNs its query was decided on when StartQuery
   * passed through this gateway (server/gateway/logs-queries.ts); absent when the query is unknown.
   */
  queryLogGroups?: readonly string[];
}

/** Something the forwarder must read from the upstream (or the request body) before deciding. */
export type Lookup =
  /** The resource's tags, as aws:ResourceTag/<key> (and the service's own ResourceTag keys) of `check`. */
  | { kind: 'resource-tags'; check: number; resource: string }
  /** The object's tags as s3:ExistingObjectTag/<key> of `check`. */
  | { kind: 's3-object-tags'; check: number; bucket: string; key: string; versionId?: string }
  /** The resource's own policy (bucket, queue, topic, key, function or secret policy) for `check`. */
  | { kind: 'resource-policy'; check: number; resource: string }
  /**
   * dynamodb:LeadingKeys needs the table's partition key name: `candidates` are the request's
   * key attributes and their values; the one the table's key schema names as HASH is the key.
   */
  | { kind: 'dynamodb-leading-keys'; check: number; table: string; candidates: Readonly<Record<string, readonly string[]>> }
  /**
   * dynamodb:FullTableScan of a PartiQL SELECT needs the table's partition key name: false when
   * `equalities` (its WHERE clause's, dynamodb-partiql.ts) include it; true otherwise, and for a
   * SELECT from an index or whose WHERE clause is not a conjunction (`equalities` undefined).
   */
  | { kind: 'dynamodb-full-table-scan'; check: number; table: string; equalities?: readonly string[] }
  /** The KMS key's own condition keys (kms:KeySpec, kms:KeyOrigin, kms:ResourceAliases, …: kms-key-properties.ts) for `check`. */
  | { kind: 'kms-key-properties'; check: number; resource: string }
  /**
   * The request names the resource in a form only the upstream turns into its ARN (a KMS alias
   * for its key; a secret's name for its ARN with the random suffix): `resource` is a stand-in
   * that the forwarder must replace in `check` before deciding. `secret-arn`: the request gave
   * the secret's ARN (`resource`), which the upstream resolves as a whole (a partial ARN too).
   * `given`: how a refusal names the resource, when the service names it as the request gave it
   * (Secrets Manager: "…on resource: my-secret"), so that a refusal never tells whether it exists.
   */
  | { kind: 'resolve-resource'; check: number; resource: string; how: 'kms-alias' | 'secret-name' | 'secret-arn'; given?: string }
  /**
   * An iam:PassRole check on an instance profile (EC2's IamInstanceProfile): `check`'s resource
   * is the profile's ARN until `read` — Tessera's own IAM store, handed to the mapper — answers
   * the role it holds. Without `read`, or a profile without a role, the check stays on the
   * profile's ARN, which no grant on roles matches.
   */
  | { kind: 'instance-profile-role'; check: number; profile: string; read?: () => Promise<string | undefined> };

export interface MappedRequest {
  kind: 'mapped';
  service: GatewayService;
  /** How the service speaks, for rendering a refusal in its own format. */
  protocol: WireProtocol;
  /** The model's operation name. */
  operation: string;
  /** Every authorization the request needs; the first is the main one. Never empty. */
  targets: AuthorizationCheck[];
  /** The account owning the main resource. */
  resourceAccountId: string;
  lookups: Lookup[];
  /** The request's input members as the mapper read them (read once: the audit and the delivery checks reuse them). */
  input: ReadonlyMap<string, unknown>;
  /** Condition keys the gateway does not read from this request, and why (OperationRule.unreadKeys). */
  unread?: { keys: readonly string[]; why: string };
}

export type UnmappedReason =
  /** The service is not one the gateway protects. */
  | 'unknown-service'
  /** No operation of the model matches the request. */
  | 'unknown-operation'
  /** The operation is known but deliberately not forwarded (see the reason). */
  | 'refused-operation'
  /** The request is malformed where authorization needs it (the resource cannot be named). */
  | 'invalid-request';

export interface Unmapped {
  kind: 'unmapped';
  reason: UnmappedReason;
  service: string;
  protocol?: WireProtocol;
  operation?: string;
  message: string;
  /** The service's own error code for the refusal, when it is not the reason's usual one (a body the service cannot deserialize). */
  code?: string;
  /** The request's members, when it was read before it was refused. */
  input?: ReadonlyMap<string, unknown>;
}

/**
 * The operation's authorization depends on its small XML body (S3's DeleteObjects lists the keys
 * it deletes; PutObjectTagging's tags are s3:RequestObjectTag/…): read it (at most `maxBytes`)
 * and map the request again with `body`.
 */
export interface NeedsBody {
  kind: 'needs-body';
  service: GatewayService;
  protocol: WireProtocol;
  operation: string;
  reason: string;
  maxBytes: number;
}

export type MapResult = MappedRequest | NeedsBody | Unmapped;
