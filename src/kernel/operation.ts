import type { Store, StoreTx } from '../store/types.ts';
import type { Clock } from './clock.ts';
import type { RandomSource } from './random.ts';
import type { Principal } from './principal.ts';
import type { Quotas } from './quotas.ts';
import type { CompiledPolicy, PolicyCache } from '../policy/index.ts';
import type { SessionClaims } from './session.ts';

/**
 * Seals secrets (secret access keys) for storage at rest; `context` is bound into the
 * ciphertext (e.g. the access key ID) so a sealed value moved to another record fails to open.
 */
export interface SecretSealer {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

/** Seals session claims into a session token with the key ring's current key (STS). */
export interface SessionIssuer {
  issue(claims: SessionClaims): Promise<string>;
}

/**
 * Everything an operation handler may touch, passed in (never global) so two servers can
 * share a process and every handler can be tested alone.
 */
export interface OperationContext {
  store: Store;
  secrets: SecretSealer;
  clock: Clock;
  random: RandomSource;
  quotas: Quotas;
  /** Compiled policies by document text, shared by the whole server. */
  policyCache: PolicyCache;
  /** Issues session tokens (temporary credentials). */
  sessions: SessionIssuer;
  principal: Principal;
  requestId: string;
  /** The region the request was signed for (`aws:RequestedRegion`). */
  region: string;
  /** What an account's organization imposes on it (the policy simulator reports its SCPs); absent: no organizations. */
  organizationPolicies?: OrganizationPolicyLookup;
  /** An account's organization as IAM and STS need it (centralized root access); absent: no organizations. */
  organizations?: OrganizationMembershipLookup;
  /** Where CloudTrail trails deliver (S3 bucket names as local folders); absent: no destination exists. */
  trailDestinations?: TrailDestinations;
  /** How the caller reached this server, and the configured public URL (outbound federation's issuer URL). */
  endpoint?: RequestEndpoint;
}

/** The request's scheme and Host header as sent, and `--public-url` when set (iam/outbound-federation/issuer-url.ts). */
export interface RequestEndpoint {
  secure: boolean;
  host?: string;
  publicUrl?: string;
}

/** The destinations trails may name: a folder under `--trail-dir`, or an S3 bucket behind the gateway's S3 upstream. */
export interface TrailDestinations {
  bucketExists(bucket: string): Promise<boolean>;
  /** Whether the bucket's policy lets CloudTrail deliver the probe's trail (cloudtrail/bucket-policy-check.ts); absent: nothing to check. */
  allowsDelivery?(bucket: string, probe: TrailDeliveryProbe): Promise<boolean>;
}

/** The requests CloudTrail's delivery of one trail would make to its bucket. */
export interface TrailDeliveryProbe {
  trailArn: string;
  /** The trail's account (`aws:SourceAccount`). */
  accountId: string;
  /** Object keys the trail writes: a log file's and a digest's, as delivery names them. */
  objectKeys: readonly string[];
  now: Date;
}

/** An account's place in its organization: undefined outside one; SCP levels root first when SCPs are enabled. */
export type OrganizationPolicyLookup = (accountId: string) => Promise<{ orgId: string; orgPath: string; management: boolean; scps?: readonly (readonly CompiledPolicy[])[] } | undefined>;

/**
 * An account's organization as IAM and STS see it — centralized root access (IAM's
 * Enable/DisableOrganizationsRoot*, ListOrganizationsFeatures; sts:AssumeRoot) — read from
 * Organizations' records in the caller's transaction; undefined when the account is in none.
 * Injected (organizations/ implements it), as IAM and STS may not import Organizations.
 */
export interface OrganizationMembership {
  orgId: string;
  managementAccountId: string;
  featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
  /** Service principals given trusted access (organizations:EnableAWSServiceAccess). */
  trustedServices: readonly string[];
  /** The account's own status in the organization: SUSPENDED once closed. */
  status: 'ACTIVE' | 'SUSPENDED';
  /** The service principals the account is a delegated administrator for (organizations:RegisterDelegatedAdministrator). */
  delegatedServices: readonly string[];
}

export type OrganizationMembershipLookup = (tx: StoreTx, accountId: string) => Promise<OrganizationMembership | undefined>;

export type OperationHandler<I = any, O = any> = (input: I, ctx: OperationContext) => Promise<O>;
