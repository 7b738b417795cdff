import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import type { ServiceSpecificCredential, ServiceSpecificCredentialMetadata } from '../../protocol/generated/iam.ts';
import type { StoreTx } from '../../store/types.ts';
import type { UserRecord } from '../records.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { uniqueId } from '../../kernel/ids.ts';
import { quotaExceeded } from '../errors.ts';
import { Kind } from '../kinds.ts';
import { pageArray } from '../paging.ts';
import { listAll } from '../store-scan.ts';
import { requireUser } from '../user-lookup.ts';
import { allUsersWithUserName, credentialAgeNotSupported, noSuchServiceCredential, serviceNotSupported } from './messages.ts';
import { settableStatus } from './owners.ts';
import type { ServiceSpecificCredentialData, ServiceSpecificCredentialRecord } from './records.ts';
import { apiKeySecret, credentialStyle, servicePassword, serviceUserName } from './service-credential-values.ts';

/**
 * Service-specific credentials (CodeCommit Git passwords, Keyspaces passwords, Bedrock API
 * keys): at most two per user and service. The password or secret is shown once, when it is
 * created or reset, and sealed at rest (context: the credential's id).
 */

const MS_PER_DAY = 86_400_000;

function status(record: ServiceSpecificCredentialRecord, now: Date): 'Active' | 'Inactive' | 'Expired' {
  if (record.data.expiresAt !== undefined && new Date(record.data.expiresAt).getTime() <= now.getTime()) return 'Expired';
  return record.data.status;
}

function metadata(userName: string, record: ServiceSpecificCredentialRecord, now: Date): ServiceSpecificCredentialMetadata {
  const { data } = record;
  return {
    UserName: userName,
    Status: status(record, now),
    ...(data.serviceUserName !== undefined ? { ServiceUserName: data.serviceUserName } : {}),
    ...(data.serviceCredentialAlias !== undefined ? { ServiceCredentialAlias: data.serviceCredentialAlias } : {}),
    CreateDate: new Date(record.createdAt),
    ...(data.expiresAt !== undefined ? { ExpirationDate: new Date(data.expiresAt) } : {}),
    ServiceSpecificCredentialId: record.id,
    ServiceName: data.serviceName,
  };
}

/** The full credential, with the password or secret in the clear (Create and Reset only). */
function withSecret(userName: string, record: ServiceSpecificCredentialRecord, secret: string, now: Date): ServiceSpecificCredential {
  const base = metadata(userName, record, now);
  return record.data.serviceUserName !== undefined ? { ...base, ServicePassword: secret } : { ...base, ServiceCredentialSecret: secret };
}

/** New sealed secret data for a credential of `serviceName`, and the secret itself. */
function freshSecret(ctx: OperationContext, id: string, serviceName: string): { secret: string; sealed: Partial<ServiceSpecificCredentialData> } {
  if (credentialStyle(serviceName) === 'api-key') {
    const secret = apiKeySecret(ctx.random);
    return { secret, sealed: { sealedSecret: ctx.secrets.seal(secret, id) } };
  }
  const secret = servicePassword(ctx.random);
  return { secret, sealed: { sealedPassword: ctx.secrets.seal(secret, id) } };
}

/** The user a request names, or the calling user when it names none. */
async function targetUser(tx: StoreTx, ctx: OperationContext, userName: string | undefined): Promise<UserRecord | undefined> {
  const name = userName ?? (ctx.principal.kind === 'user' ? ctx.principal.name : undefined);
  return name === undefined ? undefined : requireUser(tx, ctx.principal.accountId, name);
}

async function requireCredentialOf(tx: StoreTx, ctx: OperationContext, userName: string | undefined, id: string): Promise<{ user: UserRecord; record: ServiceSpecificCredentialRecord }> {
  const user = await targetUser(tx, ctx, userName);
  const record = await tx.get<ServiceSpecificCredentialData>(Kind.serviceSpecificCredential, id);
  if (!user || !record || record.parentId !== user.id) throw noSuchServiceCredential(id);
  return { user, record };
}

async function createServiceSpecificCredential(input: IamOperations['CreateServiceSpecificCredential']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const style = credentialStyle(input.ServiceName);
  if (!style) throw serviceNotSupported(input.ServiceName);
  if (input.CredentialAgeDays !== undefined && style !== 'api-key') throw credentialAgeNotSupported(input.ServiceName);
  const now = ctx.clock.now();
  const id = uniqueId(ctx.random, 'ACCA');
  const { secret, sealed } = freshSecret(ctx, id, input.ServiceName);
  return ctx.store.transaction(async (tx) => {
    const user = await requireUser(tx, accountId, input.UserName);
    const existing = await listAll<ServiceSpecificCredentialData>(tx, accountId, Kind.serviceSpecificCredential, { parentId: user.id });
    if (existing.filter((c) => c.data.serviceName === input.ServiceName).length >= ctx.quotas.serviceSpecificCredentialsPerUserPerService) {
      throw quotaExceeded('ServiceSpecificCredentialsPerUserPerService', ctx.quotas.serviceSpecificCredentialsPerUserPerService);
    }
    const name = serviceUserName(user.name, accountId);
    const data: ServiceSpecificCredentialData = {
      serviceName: input.ServiceName,
      status: 'Active',
      ...(style === 'password' ? { serviceUserName: name } : { serviceCredentialAlias: name }),
      ...sealed,
      ...(input.CredentialAgeDays !== undefined ? { expiresAt: isoSeconds(new Date(now.getTime() + input.CredentialAgeDays * MS_PER_DAY)) } : {}),
    };
    const record = await tx.insert<ServiceSpecificCredentialData>({
      accountId, kind: Kind.serviceSpecificCredential, id, name: id, parentId: user.id, path: '/', data, createdAt: isoSeconds(now),
    });
    return { ServiceSpecificCredential: withSecret(user.name, record, secret, now) };
  });
}

async function listServiceSpecificCredentials(input: IamOperations['ListServiceSpecificCredentials']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  if (input.AllUsers === true && input.UserName !== undefined) throw allUsersWithUserName();
  if (input.ServiceName !== undefined && !credentialStyle(input.ServiceName)) throw serviceNotSupported(input.ServiceName);
  const now = ctx.clock.now();
  // A user holds a handful of these (two per service), so the whole set is read and paged in
  // memory; the service filter then cannot cut a page short.
  const entries = await ctx.store.transaction(async (tx) => {
    if (input.AllUsers === true) {
      const all = await listAll<ServiceSpecificCredentialData>(tx, accountId, Kind.serviceSpecificCredential);
      const names = new Map<string, string>();
      for (const parentId of new Set(all.map((c) => c.parentId))) names.set(parentId, (await tx.get<unknown>(Kind.user, parentId))?.name ?? '');
      return all.map((record) => ({ userName: names.get(record.parentId) ?? '', record }));
    }
    const user = await targetUser(tx, ctx, input.UserName);
    if (!user) return [];
    const records = await listAll<ServiceSpecificCredentialData>(tx, accountId, Kind.serviceSpecificCredential, { parentId: user.id });
    return records.map((record) => ({ userName: user.name, record }));
  });
  const matching = entries.filter((e) => input.ServiceName === undefined || e.record.data.serviceName === input.ServiceName);
  const page = pageArray(matching, (e) => e.record.name.toLowerCase(), input.Marker, input.MaxItems);
  // AWS's answer has no IsTruncated (recorded); one appears only with a Marker for the next page.
  return {
    ServiceSpecificCredentials: page.items.map((e) => metadata(e.userName, e.record, now)),
    ...(page.isTruncated ? { IsTruncated: true } : {}),
    ...(page.marker ? { Marker: page.marker } : {}),
  };
}

async function updateServiceSpecificCredential(input: IamOperations['UpdateServiceSpecificCredential']['input'], ctx: OperationContext) {
  const newStatus = settableStatus(input.Status);
  await ctx.store.transaction(async (tx) => {
    const { record } = await requireCredentialOf(tx, ctx, input.UserName, input.ServiceSpecificCredentialId);
    if (record.data.status !== newStatus) await tx.update({ ...record, data: { ...record.data, status: newStatus } });
  });
  return {};
}

async function deleteServiceSpecificCredential(input: IamOperations['DeleteServiceSpecificCredential']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const { record } = await requireCredentialOf(tx, ctx, input.UserName, input.ServiceSpecificCredentialId);
    await tx.delete(Kind.serviceSpecificCredential, record.id);
  });
  return {};
}

async function resetServiceSpecificCredential(input: IamOperations['ResetServiceSpecificCredential']['input'], ctx: OperationContext) {
  const now = ctx.clock.now();
  return ctx.store.transaction(async (tx) => {
    const { user, record } = await requireCredentialOf(tx, ctx, input.UserName, input.ServiceSpecificCredentialId);
    const { secret, sealed } = freshSecret(ctx, record.id, record.data.serviceName);
    const updated = await tx.update({ ...record, data: { ...record.data, ...sealed } });
    return { ServiceSpecificCredential: withSecret(user.name, updated, secret, now) };
  });
}

export const serviceCredentialHandlers = {
  CreateServiceSpecificCredential: createServiceSpecificCredential,
  ListServiceSpecificCredentials: listServiceSpecificCredentials,
  UpdateServiceSpecificCredential: updateServiceSpecificCredential,
  DeleteServiceSpecificCredential: deleteServiceSpecificCredential,
  ResetServiceSpecificCredential: resetServiceSpecificCredential,
} satisfies IamHandlerTable;
