import type { OperationContext } from '../kernel/operation.ts';
import { randomAccountId } from '../kernel/ids.ts';
import type { Operations } from '../protocol/generated/organizations.ts';
import { StoreConflictError, type StoreTx } from '../store/types.ts';
import { insertAccountRecord } from '../iam/accounts.ts';
import { Kind } from '../iam/kinds.ts';
import { createAccessRole, DEFAULT_ACCESS_ROLE, prepareAccessRole } from './access-role.ts';
import { attachDefaults, attachedPolicyIds } from './attachments.ts';
import { allOf, nowOf, write } from './context.ts';
import { claimEmail, emailOwner } from './emails.ts';
import {
  accountAlreadyClosed,
  accountNotFound,
  constraint,
  createStatusNotFound,
  destinationParentNotFound,
  duplicateAccount,
  masterCannotLeave,
  sourceParentNotFound,
} from './errors.ts';
import { newCreateRequestId } from './ids.ts';
import { LIMITS } from './limits.ts';
import { requireManagedOrganization, requireOrganization, requireParent, requireRootRecord } from './lookup.ts';
import { requireManagedOrDelegated } from './delegation.ts';
import { assertNotDelegatedAdministrator } from './delegated-administrators.ts';
import { accountOutput, createStatusOutput } from './output.ts';
import { pageArray, pageOf, pageResponse } from './paging.ts';
import { assertTags } from './tag-rules.ts';
import { OrgKind, OrgLink, type CreateStatusData, type CreateStatusRecord, type MemberAccountData, type MemberAccountRecord, type OrganizationRecord } from './records.ts';

type In<K extends keyof Operations> = Operations[K]['input'];

/**
 * Accounts of an organization: CreateAccount (a new Tessera account, with its access role),
 * its status, listing and describing accounts, moving them between parents, removing and
 * closing them, and leaving.
 */

/** A member of the organization, or AccountNotFoundException. */
async function requireMember(tx: StoreTx, org: OrganizationRecord, accountId: string): Promise<MemberAccountRecord> {
  const member = await tx.get<MemberAccountData>(OrgKind.account, accountId);
  if (!member || member.data.orgId !== org.id) throw accountNotFound();
  return member;
}

/**
 * CreateAccount makes the account at once (Tessera has no provisioning to wait for), so the
 * status it returns is already SUCCEEDED — or FAILED with EMAIL_ALREADY_EXISTS when the email
 * is another account's. The new account has no root credentials, as on AWS: it is reached
 * through its access role.
 */
async function createAccount(input: In<'CreateAccount'>, ctx: OperationContext) {
  const management = ctx.principal.accountId;
  const tags = input.Tags ?? [];
  assertTags(tags);
  await prepareAccessRole();
  const now = nowOf(ctx);
  const status = await write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, management);
    const requestId = newCreateRequestId(ctx.random);
    const base = { orgId: org.id, accountName: input.AccountName, requestedTimestamp: now, completedTimestamp: now };
    const record = (data: CreateStatusData) => tx.insert<CreateStatusData>({
      accountId: management, kind: OrgKind.createStatus, id: requestId, name: requestId, parentId: org.id, path: '/', data, createdAt: now,
    });
    if ((await emailOwner(tx, input.Email)) !== undefined) return record({ ...base, state: 'FAILED', failureReason: 'EMAIL_ALREADY_EXISTS' });
    if ((await tx.count(management, OrgKind.account)) >= LIMITS.accounts) {
      throw constraint('ACCOUNT_NUMBER_LIMIT_EXCEEDED', 'You have reached the maximum number of accounts in your organization.');
    }
    const accountId = await newAccount(tx, ctx, now);
    const root = await requireRootRecord(tx, org);
    await tx.insert<MemberAccountData>({
      accountId: management, kind: OrgKind.account, id: accountId, name: accountId, parentId: root.id, path: '/',
      data: { orgId: org.id, name: input.AccountName, email: input.Email, joinedMethod: 'CREATED', joinedTimestamp: now, status: 'ACTIVE', tags: [...tags] },
      createdAt: now,
    });
    await claimEmail(tx, input.Email, accountId, now);
    await attachDefaults(tx, root, management, accountId);
    await createAccessRole(tx, ctx.random, accountId, management, input.RoleName ?? DEFAULT_ACCESS_ROLE, now);
    return record({ ...base, state: 'SUCCEEDED', accountId });
  });
  return { CreateAccountStatus: createStatusOutput(status) };
}

/** A fresh account ID and its record (another try on the rare clash). */
async function newAccount(tx: StoreTx, ctx: OperationContext, now: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const accountId = randomAccountId(ctx.random);
    if (await tx.get(Kind.account, accountId)) continue;
    await insertAccountRecord(tx, accountId, now);
    return accountId;
  }
  throw new StoreConflictError('no free account ID after 5 tries');
}

async function describeCreateAccountStatus(input: In<'DescribeCreateAccountStatus'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'DescribeCreateAccountStatus');
  const status = await ctx.store.get<CreateStatusData>(OrgKind.createStatus, input.CreateAccountRequestId);
  if (!status || status.data.orgId !== org.id) throw createStatusNotFound();
  return { CreateAccountStatus: createStatusOutput(status) };
}

async function listCreateAccountStatus(input: In<'ListCreateAccountStatus'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'ListCreateAccountStatus');
  const states = input.States;
  const all = (await allOf<CreateStatusData>(ctx.store, org.data.managementAccountId, OrgKind.createStatus))
    .filter((s) => states === undefined || states.length === 0 || states.includes(s.data.state));
  const page = pageArray(all as CreateStatusRecord[], (s) => s.id, input.NextToken, input.MaxResults);
  return pageResponse('CreateAccountStatuses', { ...page, items: page.items.map(createStatusOutput) });
}

async function listAccounts(input: In<'ListAccounts'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'ListAccounts');
  const page = await pageOf(
    (after, limit) => ctx.store.list<MemberAccountData>(org.data.managementAccountId, OrgKind.account, { after, limit }),
    (a) => a.name.toLowerCase(), input.NextToken, input.MaxResults,
  );
  return pageResponse('Accounts', { ...page, items: page.items.map((a) => accountOutput(org, a)) });
}

async function listAccountsForParent(input: In<'ListAccountsForParent'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'ListAccountsForParent');
  await requireParent(ctx.store, org, input.ParentId);
  const page = await pageOf(
    (after, limit) => ctx.store.list<MemberAccountData>(org.data.managementAccountId, OrgKind.account, { parentId: input.ParentId, after, limit }),
    (a) => a.name.toLowerCase(), input.NextToken, input.MaxResults,
  );
  return pageResponse('Accounts', { ...page, items: page.items.map((a) => accountOutput(org, a)) });
}

async function describeAccount(input: In<'DescribeAccount'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'DescribeAccount');
  return { Account: accountOutput(org, await requireMember(ctx.store, org, input.AccountId)) };
}

async function moveAccount(input: In<'MoveAccount'>, ctx: OperationContext) {
  await write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, ctx.principal.accountId);
    const member = await requireMember(tx, org, input.AccountId);
    await requireParent(tx, org, input.SourceParentId, sourceParentNotFound);
    await requireParent(tx, org, input.DestinationParentId, destinationParentNotFound);
    if (member.parentId !== input.SourceParentId) throw accountNotFound();
    if (input.SourceParentId === input.DestinationParentId) throw duplicateAccount();
    await reparent(tx, member, input.DestinationParentId, org.data.managementAccountId);
  });
  return {};
}

/** The account leaves: its membership and attachments go, its invitations stay on record. */
async function removeMember(tx: StoreTx, member: MemberAccountRecord, management: string): Promise<void> {
  const handshakes = await tx.linksFrom(OrgLink.handshakeParty, member.id, { limit: 10_000 });
  await tx.delete(OrgKind.account, member.id);
  for (const handshakeId of handshakes) await tx.link(OrgLink.handshakeParty, management, member.id, handshakeId);
}

/**
 * The store keeps a record's parent fixed (only name, path and data update), so a move is the
 * record written again under its new parent — in the same transaction, with the policies
 * attached to the account and its invitations linked again (deleting a record deletes every
 * link from or to its ID).
 */
async function reparent(tx: StoreTx, member: MemberAccountRecord, parentId: string, management: string): Promise<void> {
  const attached = await attachedPolicyIds(tx, member.id);
  const handshakes = await tx.linksFrom(OrgLink.handshakeParty, member.id, { limit: 10_000 });
  await tx.delete(OrgKind.account, member.id);
  const { version: _version, ...rest } = member;
  await tx.insert<MemberAccountData>({ ...rest, parentId });
  for (const policyId of attached) await tx.link(OrgLink.attachment, management, member.id, policyId);
  for (const handshakeId of handshakes) await tx.link(OrgLink.handshakeParty, management, member.id, handshakeId);
}

/** The account leaves (its attachments with it); the management account cannot, nor a delegated administrator. */
async function removeAccountFromOrganization(input: In<'RemoveAccountFromOrganization'>, ctx: OperationContext) {
  await write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, ctx.principal.accountId);
    const member = await requireMember(tx, org, input.AccountId);
    if (member.id === org.data.managementAccountId) throw masterCannotLeave();
    assertNotDelegatedAdministrator(org, member.id);
    await removeMember(tx, member, org.data.managementAccountId);
  });
  return {};
}

async function leaveOrganization(_input: In<'LeaveOrganization'>, ctx: OperationContext) {
  await write(ctx, async (tx) => {
    const { org, member } = await requireOrganization(tx, ctx.principal.accountId);
    if (member.id === org.data.managementAccountId) throw masterCannotLeave();
    assertNotDelegatedAdministrator(org, member.id);
    await removeMember(tx, member, org.data.managementAccountId);
  });
  return {};
}

/**
 * Closing suspends the account: it stays in the organization (as AWS keeps it for 90 days)
 * and no credential of it is accepted any more (authz/organization-policies.ts).
 */
async function closeAccount(input: In<'CloseAccount'>, ctx: OperationContext) {
  await write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, ctx.principal.accountId);
    const member = await requireMember(tx, org, input.AccountId);
    if (member.id === org.data.managementAccountId) {
      throw constraint('CANNOT_CLOSE_MANAGEMENT_ACCOUNT', "You can't close the management account with the CloseAccount operation.");
    }
    if (member.data.status === 'SUSPENDED') throw accountAlreadyClosed();
    await tx.update({ ...member, data: { ...member.data, status: 'SUSPENDED' } });
  });
  return {};
}

export const accountHandlers = {
  CreateAccount: createAccount,
  DescribeCreateAccountStatus: describeCreateAccountStatus,
  ListCreateAccountStatus: listCreateAccountStatus,
  ListAccounts: listAccounts,
  ListAccountsForParent: listAccountsForParent,
  DescribeAccount: describeAccount,
  MoveAccount: moveAccount,
  RemoveAccountFromOrganization: removeAccountFromOrganization,
  LeaveOrganization: leaveOrganization,
  CloseAccount: closeAccount,
};

export { requireMember };
