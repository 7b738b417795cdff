// What a service adds to the data: how its requests name resources (ServiceResources), the few
// operations whose IAM action is not `<prefix>:<Operation>` (each citing AWS's documentation),
// the operations refused with a reason, and the condition keys it reads from requests.

import type { IdentifiedRequest } from './identify.ts';
import type { ServiceResources } from './resources.ts';
import type { ConditionValue, GatewayRequest, Lookup } from './types.ts';

/** One further authorization an operation needs. */
export interface AlsoRule {
  /** The action, without the service prefix. */
  readonly action: string;
  /** When only some requests need it; `whenDoc` says which, for the docs. */
  readonly when?: (request: IdentifiedRequest) => boolean;
  readonly whenDoc?: string;
  /** Its resource when not the main check's (the copy source of CopyObject); `resourceDoc` names it. */
  readonly resource?: (request: IdentifiedRequest, context: RuleContext) => readonly string[] | undefined;
  readonly resourceDoc?: string;
  /** Another action for a versioned request (`s3:GetObjectVersion`), chosen like the main one's. */
  readonly versioned?: string;
  /**
   * A resource the request names in a form only the upstream turns into its ARN (a KMS alias
   * for its key): resolved before deciding, as the main check's (`unresolved`), so the check is
   * decided on the key and its key policy rather than on the alias.
   */
  readonly resolve?: (arn: string) => 'kms-alias' | undefined;
}

export interface OperationRule {
  /** The main action, without the prefix, when it is not the operation's name. */
  readonly action?: string;
  /** A different main action when the request names a version (S3's `versionId`). */
  readonly versioned?: string;
  readonly also?: readonly AlsoRule[];
  /**
   * Checks computed from the request instead (batch and transaction calls: one per table or
   * key). Undefined when the request does not say enough (an invalid request).
   */
  readonly expand?: (request: IdentifiedRequest, context: RuleContext) => readonly ExpandedCheck[] | undefined;
  /** For the docs, what `expand` does. */
  readonly expandDoc?: string;
  /** The request's body must be read to decide (S3: DeleteObjects, PutBucketTagging). */
  readonly needsBody?: string;
  /**
   * EC2: one check per resource type of the action that the request names (AWS authorizes an
   * EC2 action on every resource it touches), rather than on the most specific one alone.
   */
  readonly eachResourceType?: EachResourceType;
  /**
   * Why the service would find this request invalid (a bound of its model the gateway must check
   * before it reads what is beyond it): answered as the service answers a request it cannot read.
   */
  readonly invalid?: (request: IdentifiedRequest) => string | undefined;
  /** Why this request cannot be authorized faithfully (it names a resource only the upstream knows): refused, never forwarded. */
  readonly refuse?: (request: IdentifiedRequest, context: RuleContext) => string | undefined;
  /**
   * Condition keys its actions list that the gateway does not read from this operation's
   * requests (DynamoDB's PartiQL statements): a policy that refers to one makes the request a
   * refusal instead of a decision without it; `unreadWhy` says why, for the caller.
   */
  readonly unreadKeys?: readonly string[];
  readonly unreadWhy?: string;
}

export interface EachResourceType {
  /**
   * Resource types checked on `<type>/*` when the request names none: the resources the
   * operation creates (their IDs are not known yet), or those the service picks itself (a default
   * subnet or security group) — only a grant on every resource of the type allows them.
   */
  readonly created?: readonly string[];
  /** The input the resources are read from, when the request nests them (RunInstances' network interfaces). */
  readonly input?: (request: IdentifiedRequest) => ReadonlyMap<string, unknown>;
  /** The resource type checked first, whose refusal names the request's main resource (RunInstances: the instance). */
  readonly main?: string;
}

export interface ExpandedCheck {
  readonly action: string;
  /** ARNs; undefined to resolve them from `input` like a main check. */
  readonly resources?: readonly string[];
  /** The resource type of `resources` (its tags are then read like a main check's). */
  readonly resourceType?: string;
  readonly input?: ReadonlyMap<string, unknown>;
  readonly context?: Readonly<Record<string, ConditionValue>>;
}

export interface RuleContext {
  readonly request: GatewayRequest;
  readonly region: string;
  readonly ownerAccountId: string;
}

/** A condition key's value from the request; undefined when the request does not set it. */
export type ConditionReader = (request: IdentifiedRequest, context: ConditionReaderContext) => Readonly<Record<string, ConditionValue>> | undefined;

export interface ConditionReaderContext extends RuleContext {
  /** The account owning the check's resource. */
  readonly resourceAccountId: string;
  readonly action: string;
}

export interface ServiceRules {
  readonly resources: ServiceResources;
  readonly operations: Readonly<Record<string, OperationRule>>;
  /** Operations never forwarded, with the reason given to the caller. */
  readonly refused: Readonly<Record<string, string>>;
  /** By condition key as the reference spells it (`s3:prefix`, `kms:EncryptionContext:${EncryptionContextKey}`). */
  readonly conditions: Readonly<Record<string, ConditionReader>>;
  /** Service keys named after a request header: the header's name for a key (without its prefix). */
  readonly headerConditions?: (key: string) => string | undefined;
  /**
   * The resources of a check the request names in a form only the upstream can turn into the
   * ARN (a KMS alias for its key): a stand-in ARN and the lookup that replaces it.
   */
  readonly unresolved?: (request: IdentifiedRequest, context: RuleContext) => { arns: readonly string[]; resolve: 'kms-alias' } | undefined;
  /** Lookups a mapped check needs beyond resource tags (S3's existing object tags). */
  readonly lookups?: (request: IdentifiedRequest, check: { index: number; action: string; resource: string; conditionKeys: readonly string[] }) => Lookup[];
  /**
   * The resource a check is authorized on when the service writes it otherwise than its
   * reference format (undefined: the ARN as built). `named` says the request gave the ARN whole.
   */
  readonly authorizedAs?: (check: { action: string; arn: string; resourceType?: string; named: 'arn' | undefined }, context: RuleContext) => string | undefined;
  /**
   * The ARN of the resource a built ARN names, when two of the service's resource types are
   * filled from one member and only the value tells which it is (SSM's InstanceId: `i-…` an EC2
   * instance, `mi-…` a managed instance); undefined: the ARN as built. Lookups and the check both
   * use it.
   */
  readonly canonicalArn?: (arn: string) => string | undefined;
  /** The IAM roles the request passes to the service (each needs iam:PassRole; see passed-roles.ts). */
  readonly passedRoles?: (request: IdentifiedRequest) => readonly string[];
  /** iam:PassedToService of those roles, when not `<service>.amazonaws.com` (the principal that assumes them). */
  readonly passedToService?: string;
  /** Resource types whose resources carry their own policy (the forwarder reads it upstream). */
  readonly policyHolders?: (resourceType: string, arn: string) => string | undefined;
  /**
   * Condition keys of one check beyond the action's own list (EC2 lists aws:RequestTag/… and
   * ec2:InstanceType under each resource type of an action, not under the action).
   */
  readonly checkContext?: (request: IdentifiedRequest, check: { action: string; arn: string; resourceType?: string; created: boolean }, context: RuleContext) => Readonly<Record<string, ConditionValue>> | undefined;
  /** For the docs: the keys `checkContext` may set for an operation's action, given its input members. */
  readonly checkContextKeys?: (operation: string, action: string, members: readonly string[]) => readonly string[];
  /**
   * Operations not listed in `operations` are refused with this reason when their action takes a
   * resource (EC2 maps some of its hundreds; an action on `*` needs no rule).
   */
  readonly refuseUnlisted?: (operation: string) => string;
  /**
   * IAM instance profiles the request hands the service (EC2's IamInstanceProfile): iam:PassRole
   * on each profile's role, which Tessera's own IAM store knows (see map-request.ts).
   */
  readonly passedInstanceProfiles?: (request: IdentifiedRequest, context: RuleContext) => readonly string[];
}
