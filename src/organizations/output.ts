import type {
  Account,
  CreateAccountStatus,
  Handshake,
  Organization,
  OrganizationalUnit,
  PolicySummary,
  Root,
} from '../protocol/generated/organizations.ts';
import type { AwsManagedGuardrail } from './aws-managed.ts';
import {
  accountArn,
  handshakeArn,
  organizationArn,
  ouArn,
  policyArn,
  rootArn,
  type CreateStatusRecord,
  type HandshakeRecord,
  type MemberAccountRecord,
  type OrganizationRecord,
  type OuRecord,
  type PolicyRecord,
  type RootRecord,
} from './records.ts';

/** Organizations' response shapes, built from the records in one place. */

export function organizationOutput(org: OrganizationRecord, root: RootRecord): Organization {
  const management = org.data.managementAccountId;
  return {
    Id: org.id,
    Arn: organizationArn(management, org.id),
    FeatureSet: org.data.featureSet,
    MasterAccountArn: accountArn(management, org.id, management),
    MasterAccountId: management,
    MasterAccountEmail: org.data.managementAccountEmail,
    // Deprecated by AWS ("doesn't provide complete information"); the root's types are the truth.
    AvailablePolicyTypes: root.data.policyTypes.map((Type) => ({ Type, Status: 'ENABLED' })),
  };
}

export function rootOutput(org: OrganizationRecord, root: RootRecord): Root {
  return {
    Id: root.id,
    Arn: rootArn(org.data.managementAccountId, org.id, root.id),
    Name: root.name,
    PolicyTypes: root.data.policyTypes.map((Type) => ({ Type, Status: 'ENABLED' })),
  };
}

export function ouOutput(org: OrganizationRecord, ou: OuRecord): OrganizationalUnit {
  return { Id: ou.id, Arn: ouArn(org.data.managementAccountId, org.id, ou.id), Name: ou.name };
}

export function accountOutput(org: OrganizationRecord, account: MemberAccountRecord): Account {
  const closed = account.data.status === 'SUSPENDED';
  return {
    Id: account.id,
    Arn: accountArn(org.data.managementAccountId, org.id, account.id),
    Email: account.data.email,
    Name: account.data.name,
    Status: account.data.status,
    State: closed ? 'SUSPENDED' : 'ACTIVE',
    JoinedMethod: account.data.joinedMethod,
    JoinedTimestamp: new Date(account.data.joinedTimestamp),
  };
}

export function policySummary(org: OrganizationRecord, policy: PolicyRecord): PolicySummary {
  return {
    Id: policy.id,
    Arn: policyArn(org.data.managementAccountId, org.id, policy.data.type, policy.id),
    Name: policy.name,
    Description: policy.data.description,
    Type: policy.data.type,
    AwsManaged: false,
  };
}

export function managedSummary(policy: AwsManagedGuardrail): PolicySummary {
  return { Id: policy.id, Arn: policy.arn, Name: policy.name, Description: policy.description, Type: policy.type, AwsManaged: true };
}

/**
 * An invitation by email names the email as its party and resource (AWS's example answer of
 * InviteAccountToOrganization), for every viewer: never the account that holds it. The
 * organization party is its ID as written everywhere else, `o-…` (AWS's examples of
 * AcceptHandshake and DescribeHandshake).
 */
export function handshakeOutput(org: OrganizationRecord, handshake: HandshakeRecord): Handshake {
  const data = handshake.data;
  const invitee = data.targetEmail !== undefined
    ? { Id: data.targetEmail, Type: 'EMAIL' as const }
    : { Id: data.targetAccountId ?? '', Type: 'ACCOUNT' as const };
  return {
    Id: handshake.id,
    Arn: handshakeArn(org.data.managementAccountId, org.id, handshake.id),
    Parties: [
      { Id: org.id, Type: 'ORGANIZATION' },
      invitee,
    ],
    State: data.state,
    RequestedTimestamp: new Date(data.requestedTimestamp),
    ExpirationTimestamp: new Date(data.expirationTimestamp),
    Action: 'INVITE',
    Resources: [
      {
        Type: 'ORGANIZATION',
        Value: org.id,
        Resources: [
          { Type: 'MASTER_EMAIL', Value: org.data.managementAccountEmail },
          { Type: 'MASTER_NAME', Value: org.data.managementAccountId },
          { Type: 'ORGANIZATION_FEATURE_SET', Value: org.data.featureSet },
        ],
      },
      { Type: invitee.Type, Value: invitee.Id },
      ...(data.notes !== undefined ? [{ Type: 'NOTES' as const, Value: data.notes }] : []),
    ],
  };
}

export function createStatusOutput(status: CreateStatusRecord): CreateAccountStatus {
  const data = status.data;
  return {
    Id: status.id,
    AccountName: data.accountName,
    State: data.state,
    RequestedTimestamp: new Date(data.requestedTimestamp),
    CompletedTimestamp: new Date(data.completedTimestamp),
    ...(data.accountId !== undefined ? { AccountId: data.accountId } : {}),
    ...(data.failureReason !== undefined ? { FailureReason: data.failureReason } : {}),
  };
}
