import type { Store } from '../store/types.ts';
import type { Clock } from '../kernel/clock.ts';
import type { RandomSource } from '../kernel/random.ts';
import type { Quotas } from '../kernel/quotas.ts';
import type { OrganizationMembershipLookup, OrganizationPolicyLookup, SecretSealer, SessionIssuer, TrailDestinations } from '../kernel/operation.ts';
import type { Logger } from './logger.ts';
import type { AuditSink } from './audit-sink.ts';
import type { SigningKeyCache } from '../sigv4/index.ts';
import type { PolicyCache } from '../policy/index.ts';
import type { PolicySetCache } from '../authz/policy-set-cache.ts';
import type { Authorizer } from '../authz/authorizer.ts';
import type { OperationRegistry } from '../operations/registry.ts';
import type { FederatedAuthenticators } from './federated-callers.ts';
import type { TokenKeyRing } from '../tokens/index.ts';
import type { AccessKeyCache } from '../credentials/access-key-cache.ts';
import type { AuthorizationEpochs } from '../iam/authorization-epoch.ts';
import type { GatewayRuntime } from './gateway/runtime.ts';

/** What the pipeline's stages need, built once per server by `createTessera`. */
export interface ServerDeps {
  store: Store;
  secrets: SecretSealer;
  clock: Clock;
  random: RandomSource;
  quotas: Quotas;
  logger: Logger;
  audit: AuditSink;
  /** SigV4 signing keys derived per (secret, date, region, service), shared by all requests. */
  signingKeys: SigningKeyCache;
  /** Compiled policies by document text: evaluation never parses. */
  policyCache: PolicyCache;
  /** Callers' policy sets by authorization epoch. */
  policySets: PolicySetCache;
  /** Accounts' authorization epochs, mirrored while the store's change mark holds. */
  epochs: AuthorizationEpochs;
  /** Resolved long-term access keys by authorization epoch. */
  accessKeys: AccessKeyCache;
  /** Seals session tokens for STS. */
  sessions: SessionIssuer;
  /** The keys that seal and open session tokens. */
  tokenRing: TokenKeyRing;
  /** Every operation served: its authentication, authorization target and handler. */
  operations: OperationRegistry;
  /** Verifies web identity tokens and SAML assertions into principals. */
  federation: FederatedAuthenticators;
  /** An account's organization and SCPs, for operations that report them (the simulator). */
  organizationPolicies: OrganizationPolicyLookup;
  /** An account's organization, for IAM's centralized root access and sts:AssumeRoot. */
  organizations: OrganizationMembershipLookup;
  /** The one decision point. */
  authorizer: Authorizer;
  /** Protected services: upstreams, lookups, bucket owners, payload verifiers (server/gateway/). */
  gateway: GatewayRuntime;
  /** Trails' destinations (`--trail-dir`); absent when none is configured. */
  trailDestinations?: TrailDestinations;
  /** AccessDenied texts end with an encoded authorization message (off: AWS's text alone). */
  encodedAuthorizationMessages: boolean;
  /** `--public-url`: the base URL of outbound federation issuers (else the enabling request's scheme and Host). */
  publicUrl?: string;
}
