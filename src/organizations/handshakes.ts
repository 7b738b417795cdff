import type { OperationContext } from '../kernel/operation.ts';
import { isoSeconds } from '../kernel/clock.ts';
import type { Operations } from '../protocol/generated/organizations.ts';
import type { StoreTx } from '../store/types.ts';
import { Kind } from '../iam/kinds.ts';
import { attachDefaults } from './attachments.ts';
import { allOf, nowOf, write } from './context.ts';
import { claimEmail, emailOwner, syntheticEmail } from './emails.ts';
import {
  accountNotFound,
  duplicateHandshake,
  handshakeAlreadyInState,
  handshakeConstraint,
  handshakeNotFound,
  invalidEmailTarget,
  invalidHandshakeTransition,
  invalidInput,
  notManagementAccount,
} from './errors.ts';
import { newHandshakeId } from './ids.ts';
import { LIMITS } from './limits.ts';
import { organizationOf, requireManagedOrganization, requireRootRecord } from './lookup.ts';
import { requireManagedOrDelegated } from './delegation.ts';
import { handshakeOutput } from './output.ts';
import { pageArray, pageResponse } from './paging.ts';
import { assertTags } from './tag-rules.ts';
import { OrgKind, OrgLink, type HandshakeData, type HandshakeRecord, type MemberAccountData, type OrganizationRecord } from './records.ts';

type In<K extends keyof Operations> = Operations[K]['input'];

/**
 * Invitations of existing accounts: InviteAccountToOrganization (by account ID, or by email),
 * then AcceptHandshake / DeclineHandshake by the invited account, CancelHandshake by the
 * management account; DescribeHandshake and the two lists. An invitation stays open for 15
 * days (the request's clock decides when it has expired).
 *
 * An invitation by email never tells which account holds the address, nor whether one does:
 * its party is the email (output.ts), an unknown email gets the same answer as a known one, and
 * an account already in an organization is found out only when it accepts. An email no account
 * holds invites nobody: the handshake is the management account's to see and cancel, until it
 * expires.
 */

/** The model's Email shape: 6 to 64 characters, `[^\s@]+@[^\s@]+\.[^\s@]+` (Java's \s: ASCII whitespace). */
const EMAIL = /^[^ \t\n\x0B\f\r@]+@[^ \t\n\x0B\f\r@]+\.[^ \t\n\x0B\f\r@]+$/;

function assertInviteTarget(target: In<'InviteAccountToOrganization'>['Target']): void {
  if (target.Type === 'EMAIL') {
    if (target.Id.length < 6 || target.Id.length > 64 || !EMAIL.test(target.Id)) throw invalidEmailTarget();
    return;
  }
  if (target.Type !== 'ACCOUNT') throw invalidInput('INVALID_PARTY_TYPE_TARGET', 'You specified the wrong type for the handshake party.');
}

async function inviteAccount(input: In<'InviteAccountToOrganization'>, ctx: OperationContext) {
  const management = ctx.principal.accountId;
  assertInviteTarget(input.Target);
  assertTags(input.Tags ?? []);
  const now = ctx.clock.now();
  const result = await write(ctx, async (tx) => {
    const org = await requireManagedOrganization(tx, management);
    const invitee = await invitedParty(tx, input.Target);
    if (invitee.type === 'ACCOUNT' && (invitee.accountId === management || (await organizationOf(tx, invitee.accountId)))) {
      throw handshakeConstraint('ALREADY_IN_AN_ORGANIZATION', 'The account is already a member of an organization.');
    }
    if ((await tx.count(management, OrgKind.account)) >= LIMITS.accounts) {
      throw handshakeConstraint('ACCOUNT_NUMBER_LIMIT_EXCEEDED', 'You have reached the maximum number of accounts in your organization.');
    }
    if ((await openInvitations(tx, org, invitee, now)).length > 0) throw duplicateHandshake();
    const id = newHandshakeId(ctx.random);
    const handshake = await tx.insert<HandshakeData>({
      accountId: management, kind: OrgKind.handshake, id, name: id, parentId: org.id, path: '/',
      data: {
        orgId: org.id,
        ...(invitee.accountId !== undefined ? { targetAccountId: invitee.accountId } : {}),
        ...(invitee.type === 'EMAIL' ? { targetEmail: invitee.email } : {}),
        state: 'OPEN', requestedTimestamp: isoSeconds(now),
        expirationTimestamp: isoSeconds(new Date(now.getTime() + LIMITS.handshakeDays * 86_400_000)),
        ...(input.Notes !== undefined ? { notes: input.Notes } : {}), tags: [...(input.Tags ?? [])],
      },
      createdAt: isoSeconds(now),
    });
    if (invitee.accountId !== undefined) await tx.link(OrgLink.handshakeParty, management, invitee.accountId, id);
    return handshakeOutput(org, handshake);
  });
  return { Handshake: result };
}

/** Whom an invitation names: an account (by ID), or an email and the account holding it, if any. */
type Invitee = { type: 'ACCOUNT'; accountId: string } | { type: 'EMAIL'; email: string; accountId?: string };

async function invitedParty(tx: StoreTx, target: In<'InviteAccountToOrganization'>['Target']): Promise<Invitee> {
  if (target.Type === 'EMAIL') {
    const owner = await emailOwner(tx, target.Id);
    return { type: 'EMAIL', email: target.Id, ...(owner !== undefined ? { accountId: owner } : {}) };
  }
  if (!/^\d{12}$/.test(target.Id) || !(await tx.get(Kind.account, target.Id))) throw accountNotFound();
  return { type: 'ACCOUNT', accountId: target.Id };
}

/**
 * The organization's open invitations of the same party (DuplicateHandshakeException): of the
 * same account by ID, or of the same email — an invitation by email and one by account ID are
 * never duplicates of each other, which would tell who holds the email.
 */
async function openInvitations(tx: StoreTx, org: OrganizationRecord, invitee: Invitee, now: Date): Promise<HandshakeRecord[]> {
  const isOpen = (h: HandshakeRecord | undefined): h is HandshakeRecord => !!h && h.data.orgId === org.id && h.data.state === 'OPEN' && !expired(h, now);
  if (invitee.type === 'EMAIL') {
    const email = invitee.email.toLowerCase();
    return (await allOf<HandshakeData>(tx, org.data.managementAccountId, OrgKind.handshake))
      .filter((h) => isOpen(h) && h.data.targetEmail?.toLowerCase() === email);
  }
  const found: HandshakeRecord[] = [];
  for (const id of await tx.linksFrom(OrgLink.handshakeParty, invitee.accountId, { limit: 10_000 })) {
    const handshake = await tx.get<HandshakeData>(OrgKind.handshake, id);
    if (isOpen(handshake) && handshake.data.targetEmail === undefined) found.push(handshake);
  }
  return found;
}

function expired(handshake: HandshakeRecord, now: Date): boolean {
  return now.getTime() > new Date(handshake.data.expirationTimestamp).getTime();
}

/** A handshake the caller is a party to: the invited account, or the inviting organization's management account. */
async function partyHandshake(tx: StoreTx, id: string, caller: string): Promise<{ handshake: HandshakeRecord; org: OrganizationRecord }> {
  const handshake = await tx.get<HandshakeData>(OrgKind.handshake, id);
  const org = handshake ? await tx.get<OrganizationRecord['data']>(OrgKind.organization, handshake.data.orgId) : undefined;
  if (!handshake || !org || (handshake.data.targetAccountId !== caller && org.data.managementAccountId !== caller)) throw handshakeNotFound();
  return { handshake, org };
}

/** Moves an open handshake to `state`; the rules of AWS's handshake states. */
function assertOpen(handshake: HandshakeRecord, state: HandshakeData['state'], now: Date): void {
  if (handshake.data.state === state) throw handshakeAlreadyInState(state);
  if (handshake.data.state !== 'OPEN' || expired(handshake, now)) throw invalidHandshakeTransition();
}

async function acceptHandshake(input: In<'AcceptHandshake'>, ctx: OperationContext) {
  const caller = ctx.principal.accountId;
  const now = ctx.clock.now();
  const result = await write(ctx, async (tx) => {
    const { handshake, org } = await partyHandshake(tx, input.HandshakeId, caller);
    if (handshake.data.targetAccountId !== caller) throw notManagementAccount();
    assertOpen(handshake, 'ACCEPTED', now);
    if (await organizationOf(tx, caller)) throw handshakeConstraint('ALREADY_IN_AN_ORGANIZATION', 'The account is already a member of an organization.');
    const management = org.data.managementAccountId;
    if ((await tx.count(management, OrgKind.account)) >= LIMITS.accounts) {
      throw handshakeConstraint('ACCOUNT_NUMBER_LIMIT_EXCEEDED', 'You have reached the maximum number of accounts in your organization.');
    }
    const root = await requireRootRecord(tx, org);
    const email = syntheticEmail(caller);
    await tx.insert<MemberAccountData>({
      accountId: management, kind: OrgKind.account, id: caller, name: caller, parentId: root.id, path: '/',
      data: { orgId: org.id, name: caller, email, joinedMethod: 'INVITED', joinedTimestamp: nowOf(ctx), status: 'ACTIVE', tags: [] },
      createdAt: nowOf(ctx),
    });
    await claimEmail(tx, email, caller, nowOf(ctx));
    await attachDefaults(tx, root, management, caller);
    return handshakeOutput(org, await tx.update({ ...handshake, data: { ...handshake.data, state: 'ACCEPTED' } }));
  });
  return { Handshake: result };
}

async function declineHandshake(input: In<'DeclineHandshake'>, ctx: OperationContext) {
  const caller = ctx.principal.accountId;
  const now = ctx.clock.now();
  const result = await write(ctx, async (tx) => {
    const { handshake, org } = await partyHandshake(tx, input.HandshakeId, caller);
    if (handshake.data.targetAccountId !== caller) throw notManagementAccount();
    assertOpen(handshake, 'DECLINED', now);
    return handshakeOutput(org, await tx.update({ ...handshake, data: { ...handshake.data, state: 'DECLINED' } }));
  });
  return { Handshake: result };
}

async function cancelHandshake(input: In<'CancelHandshake'>, ctx: OperationContext) {
  const caller = ctx.principal.accountId;
  const now = ctx.clock.now();
  const result = await write(ctx, async (tx) => {
    const { handshake, org } = await partyHandshake(tx, input.HandshakeId, caller);
    if (org.data.managementAccountId !== caller) throw notManagementAccount();
    assertOpen(handshake, 'CANCELED', now);
    return handshakeOutput(org, await tx.update({ ...handshake, data: { ...handshake.data, state: 'CANCELED' } }));
  });
  return { Handshake: result };
}

async function describeHandshake(input: In<'DescribeHandshake'>, ctx: OperationContext) {
  const { handshake, org } = await partyHandshake(ctx.store, input.HandshakeId, ctx.principal.accountId);
  return { Handshake: handshakeOutput(org, withExpiry(handshake, ctx.clock.now())) };
}

/** An open handshake past its expiry reads as EXPIRED. */
function withExpiry(handshake: HandshakeRecord, now: Date): HandshakeRecord {
  return handshake.data.state === 'OPEN' && expired(handshake, now) ? { ...handshake, data: { ...handshake.data, state: 'EXPIRED' } } : handshake;
}

/** Every handshake is an invitation without a parent: only the filter decides. */
function matchesFilter(filter: In<'ListHandshakesForAccount'>['Filter']): boolean {
  if (filter?.ActionType !== undefined && filter.ActionType !== 'INVITE') return false;
  return filter?.ParentHandshakeId === undefined;
}

async function listHandshakesForAccount(input: In<'ListHandshakesForAccount'>, ctx: OperationContext) {
  const caller = ctx.principal.accountId;
  const now = ctx.clock.now();
  const items: Array<{ handshake: HandshakeRecord; org: OrganizationRecord }> = [];
  for (const id of await ctx.store.linksFrom(OrgLink.handshakeParty, caller, { limit: 10_000 })) {
    const found = await partyHandshake(ctx.store, id, caller).catch(() => undefined);
    if (found && matchesFilter(input.Filter)) items.push(found);
  }
  const page = pageArray(items, (i) => i.handshake.id, input.NextToken, input.MaxResults);
  return pageResponse('Handshakes', { ...page, items: page.items.map((i) => handshakeOutput(i.org, withExpiry(i.handshake, now))) });
}

async function listHandshakesForOrganization(input: In<'ListHandshakesForOrganization'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'ListHandshakesForOrganization');
  const now = ctx.clock.now();
  const all = (await allOf<HandshakeData>(ctx.store, org.data.managementAccountId, OrgKind.handshake)).filter(() => matchesFilter(input.Filter));
  const page = pageArray(all, (h) => h.id, input.NextToken, input.MaxResults);
  return pageResponse('Handshakes', { ...page, items: page.items.map((h) => handshakeOutput(org, withExpiry(h, now))) });
}

export const handshakeHandlers = {
  InviteAccountToOrganization: inviteAccount,
  AcceptHandshake: acceptHandshake,
  DeclineHandshake: declineHandshake,
  CancelHandshake: cancelHandshake,
  DescribeHandshake: describeHandshake,
  ListHandshakesForAccount: listHandshakesForAccount,
  ListHandshakesForOrganization: listHandshakesForOrganization,
};
