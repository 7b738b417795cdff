import type { EntityRecord } from '../store/types.ts';
import type { PolicyType, Tag } from '../protocol/generated/organizations.ts';

/**
 * Organizations in the store. Every record of an organization belongs to its management
 * account (the record's `accountId`), so names are unique per organization where AWS makes
 * them unique (OU names under one parent, policy names), and one store serves many
 * organizations side by side.
 *
 *   org-organization  id o-…      the organization: feature set, management account, root,
 *                                the services given trusted access
 *   org-root          id r-…      parent = organization id; the policy types enabled on it
 *   org-ou            id ou-…     parent = root or OU id; name = the OU's name
 *   org-account       id <12 digits> parent = root or OU id; name = the account ID (account
 *                                names are not unique on AWS), the display name in data.
 *                                `get(org-account, id)` answers "which organization is this
 *                                account in" with one read.
 *   org-policy        id p-…      name = the policy name (unique in the organization)
 *   org-handshake     id h-…      an invitation; linked from the invited account (when there
 *                                is one: an email no account holds invites nobody)
 *   org-create-status id car-…    a CreateAccount request's status
 *   org-email         id <lower-cased email> the account an email belongs to (unique, as on AWS)
 *   org-resource-policy id rp-…  the organization's resource-based delegation policy (at most one)
 *
 * Links:
 *   org-attachment       target id (root, OU, account) → policy id (AWS managed ones included)
 *   org-handshake-party  invited account id → handshake id
 */
export const OrgKind = {
  organization: 'org-organization',
  root: 'org-root',
  ou: 'org-ou',
  account: 'org-account',
  policy: 'org-policy',
  handshake: 'org-handshake',
  createStatus: 'org-create-status',
  email: 'org-email',
  resourcePolicy: 'org-resource-policy',
} as const;

export const OrgLink = {
  attachment: 'org-attachment',
  handshakeParty: 'org-handshake-party',
} as const;

/** The policy types Tessera serves: the two that authorization enforces. */
export type GuardrailPolicyType = Extract<PolicyType, 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY'>;
export const GUARDRAIL_TYPES: readonly GuardrailPolicyType[] = ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'];

export function isGuardrailType(type: string): type is GuardrailPolicyType {
  return type === 'SERVICE_CONTROL_POLICY' || type === 'RESOURCE_CONTROL_POLICY';
}

export interface OrganizationData {
  featureSet: 'ALL';
  managementAccountId: string;
  managementAccountEmail: string;
  rootId: string;
  /** Services given trusted access (EnableAWSServiceAccess), in the order enabled; absent: none. */
  enabledServices?: EnabledServiceAccess[];
  /** Member accounts registered as a service's delegated administrator; absent: none. */
  delegatedAdministrators?: DelegatedAdministrator[];
}

export interface DelegatedAdministrator {
  accountId: string;
  servicePrincipal: string;
  /** ISO-8601, seconds. */
  delegationEnabledDate: string;
}

export interface EnabledServiceAccess {
  servicePrincipal: string;
  /** ISO-8601, seconds. */
  dateEnabled: string;
}

export interface RootData {
  orgId: string;
  /** Policy types enabled on the root, in the order they were enabled. */
  policyTypes: GuardrailPolicyType[];
  tags: Tag[];
}

export interface OuData {
  orgId: string;
  tags: Tag[];
}

export interface MemberAccountData {
  orgId: string;
  name: string;
  email: string;
  joinedMethod: 'INVITED' | 'CREATED';
  joinedTimestamp: string;
  status: 'ACTIVE' | 'SUSPENDED';
  tags: Tag[];
}

export interface PolicyData {
  orgId: string;
  type: GuardrailPolicyType;
  description: string;
  content: string;
  tags: Tag[];
}

/** The resource-based delegation policy (PutResourcePolicy): one per organization. */
export interface ResourcePolicyData {
  orgId: string;
  content: string;
  tags: Tag[];
}

export interface HandshakeData {
  orgId: string;
  /**
   * The invited account: the one an ACCOUNT invitation names, or the one that holds the email
   * an EMAIL invitation names. Absent when no account holds that email: then only the
   * management account sees the handshake, and nobody can accept it (it expires).
   */
  targetAccountId?: string;
  /** The email an EMAIL invitation names, as given: the handshake's party, whoever holds it. */
  targetEmail?: string;
  state: 'OPEN' | 'ACCEPTED' | 'DECLINED' | 'CANCELED' | 'EXPIRED';
  requestedTimestamp: string;
  expirationTimestamp: string;
  notes?: string;
  tags: Tag[];
}

export interface CreateStatusData {
  orgId: string;
  accountName: string;
  state: 'SUCCEEDED' | 'FAILED';
  requestedTimestamp: string;
  completedTimestamp: string;
  accountId?: string;
  failureReason?: 'EMAIL_ALREADY_EXISTS' | 'ACCOUNT_LIMIT_EXCEEDED';
}

export type OrganizationRecord = EntityRecord<OrganizationData>;
export type RootRecord = EntityRecord<RootData>;
export type OuRecord = EntityRecord<OuData>;
export type MemberAccountRecord = EntityRecord<MemberAccountData>;
export type PolicyRecord = EntityRecord<PolicyData>;
export type HandshakeRecord = EntityRecord<HandshakeData>;
export type CreateStatusRecord = EntityRecord<CreateStatusData>;
export type ResourcePolicyRecord = EntityRecord<ResourcePolicyData>;

// ARNs, per the Service Authorization Reference's resource types for Organizations.
const PREFIX = 'arn:aws:organizations::';

export function organizationArn(management: string, orgId: string): string {
  return `${PREFIX}${management}:organization/${orgId}`;
}
export function rootArn(management: string, orgId: string, rootId: string): string {
  return `${PREFIX}${management}:root/${orgId}/${rootId}`;
}
export function ouArn(management: string, orgId: string, ouId: string): string {
  return `${PREFIX}${management}:ou/${orgId}/${ouId}`;
}
export function accountArn(management: string, orgId: string, accountId: string): string {
  return `${PREFIX}${management}:account/${orgId}/${accountId}`;
}
export function handshakeArn(management: string, orgId: string, handshakeId: string): string {
  return `${PREFIX}${management}:handshake/${orgId}/invite/${handshakeId}`;
}
export function policyArn(management: string, orgId: string, type: GuardrailPolicyType, policyId: string): string {
  return `${PREFIX}${management}:policy/${orgId}/${type.toLowerCase()}/${policyId}`;
}
export function resourcePolicyArn(management: string, orgId: string, resourcePolicyId: string): string {
  return `${PREFIX}${management}:resourcepolicy/${orgId}/${resourcePolicyId}`;
}
export function awsManagedPolicyArn(type: GuardrailPolicyType, policyId: string): string {
  return `${PREFIX}aws:policy/${type.toLowerCase()}/${policyId}`;
}

/** The kind of target an ID names, by its shape (the model's patterns). */
export type TargetKind = 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';

export function targetKindOf(id: string): TargetKind | undefined {
  if (/^r-[0-9a-z]{4,32}$/.test(id)) return 'ROOT';
  if (/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/.test(id)) return 'ORGANIZATIONAL_UNIT';
  if (/^\d{12}$/.test(id)) return 'ACCOUNT';
  return undefined;
}
