import type { EntityRecord } from '../../store/types.ts';
import { iamArn } from '../../kernel/arns.ts';
import type { Tag } from '../tags.ts';

/**
 * The policies module's records.
 *
 *   policy          customer managed policy: id ANPA…, parent '', name and path in columns;
 *   policy-version  one version of it: parent = the policy id, name 'v1', 'v2', …;
 *   user-inline-policy / group-inline-policy / role-inline-policy
 *                   an inline policy: parent = the user/group/role id, name = policy name;
 *   user-policy / group-policy / role-policy links
 *                   managed policy attachments: entity id → the policy's ARN (as spelled in
 *                   the policy's own ARN, so every attachment of one policy links to one string).
 *
 * Documents are stored exactly as the caller sent them (JSON text, URL-decoded by the protocol
 * layer) and returned percent-encoded, as IAM returns them.
 */

export interface PolicyData {
  /** Omitted when the policy has no description. */
  description?: string;
  defaultVersionId: string;
  /**
   * The default version's document, also stored on its version record. Kept here so that
   * evaluating a principal's policies reads one record per attached policy; both are always
   * written in the same transaction.
   */
  document: string;
  /** The highest version number issued so far: version IDs keep counting up, never reused. */
  lastVersionNumber: number;
  /** When the newest version was created (AWS's UpdateDate). */
  updatedAt: string;
  /** Sorted by lower-cased key (see ../tags.ts). */
  tags: Tag[];
}

export interface PolicyVersionData {
  document: string;
}

export interface InlinePolicyData {
  document: string;
}

export type PolicyRecord = EntityRecord<PolicyData>;
export type PolicyVersionRecord = EntityRecord<PolicyVersionData>;
export type InlinePolicyRecord = EntityRecord<InlinePolicyData>;

/** A version record's id: unique because the policy id is. */
export function policyVersionId(policyId: string, versionId: string): string {
  return `${policyId}/${versionId}`;
}

export function policyArn(accountId: string, path: string, name: string): string {
  return iamArn(accountId, 'policy', path, name);
}

/** The ARN of a customer managed policy record. */
export function arnOfPolicy(policy: PolicyRecord): string {
  return policyArn(policy.accountId, policy.path, policy.name);
}

const POLICY_ARN = /^arn:aws:iam::(\d{12}|aws):policy(\/(?:[^/]+\/)*)([^/]+)$/;

export interface ParsedPolicyArn {
  /** A 12-digit account ID, or 'aws' for AWS managed policies. */
  owner: string;
  path: string;
  name: string;
}

/** The owner, path and name a managed policy ARN names, or undefined for anything else. */
export function parsePolicyArn(arn: string): ParsedPolicyArn | undefined {
  const match = POLICY_ARN.exec(arn);
  if (!match) return undefined;
  return { owner: match[1]!, path: match[2]!, name: match[3]! };
}

/** An AWS managed policy's ARN (arn:aws:iam::aws:policy/…), whether or not AWS has such a policy. */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return parsePolicyArn(arn)?.owner === 'aws';
}

/**
 * What an authorization target adds for a resource ARN: `awsOwned` when it names an AWS
 * managed policy. Such a policy belongs to no customer account, yet every principal whose own
 * policies allow may read it (GetPolicy, GetPolicyVersion, ListPolicyVersions,
 * ListEntitiesForPolicy, ListPolicyTags, GenerateServiceLastAccessedDetails…): the engine
 * decides it as the caller's own account's resource (identity policies alone suffice) without
 * rewriting its ARN or its account (authz/target.ts explains why not the caller's account).
 */
export function awsOwnership(arn: string): { awsOwned?: true } {
  return isAwsManagedPolicyArn(arn) ? { awsOwned: true } : {};
}
