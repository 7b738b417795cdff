import type { OperationContext } from '../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from './handler.ts';
import type { AccessKey } from '../protocol/generated/iam.ts';
import { isoSeconds } from '../kernel/clock.ts';
import { accessKeyId as newAccessKeyId, secretAccessKey } from '../kernel/ids.ts';
import type { StoreTx } from '../store/types.ts';
import { StoreConflictError } from '../store/types.ts';
import { serviceError } from '../protocol/errors.ts';
import { noSuchAccessKey, quotaExceeded } from './errors.ts';
import { pageOf } from './paging.ts';
import { Kind, ROOT_PARENT, type AccessKeyData, type AccessKeyRecord, type UserData } from './records.ts';
import { resolveTargetUser, type TargetUser } from './user-lookup.ts';

/** Long-term access keys: create, list, activate/deactivate, delete, last-used. */


function parentIdOf(target: TargetUser): string {
  return target.kind === 'root' ? ROOT_PARENT : target.record.id;
}

/** The root user's keys carry no user name in IAM's responses. */
function userNameOf(target: TargetUser): { UserName?: string } {
  return target.kind === 'root' ? {} : { UserName: target.record.name };
}

/** The key with this ID that belongs to `target`, or NoSuchEntity (never another user's key). */
async function requireKeyOf(tx: StoreTx, ctx: OperationContext, target: TargetUser, keyId: string): Promise<AccessKeyRecord> {
  const key = await tx.get<AccessKeyData>(Kind.accessKey, keyId);
  if (!key || key.accountId !== ctx.principal.accountId || key.parentId !== parentIdOf(target)) throw noSuchAccessKey(keyId);
  return key;
}

async function createAccessKey(input: IamOperations['CreateAccessKey']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const secret = secretAccessKey(ctx.random);
  return ctx.store.transaction(async (tx) => {
    const target = await resolveTargetUser(tx, ctx, input.UserName);
    const parentId = parentIdOf(target);
    if ((await tx.count(accountId, Kind.accessKey, { parentId })) >= ctx.quotas.accessKeysPerUser) {
      throw quotaExceeded('AccessKeysPerUser', ctx.quotas.accessKeysPerUser);
    }
    const createdAt = isoSeconds(ctx.clock.now());
    // 40 random bits make a clash unlikely, not impossible: the store's uniqueness decides.
    for (let attempt = 0; ; attempt++) {
      const id = newAccessKeyId(ctx.random, 'AKIA', accountId);
      try {
        await tx.insert<AccessKeyData>({
          accountId,
          kind: Kind.accessKey,
          id,
          name: id,
          parentId,
          path: '/',
          data: { status: 'Active', sealedSecret: ctx.secrets.seal(secret, id) },
          createdAt,
        });
        return {
          // AWS omits UserName for the root user's keys although the model marks it required.
          AccessKey: { ...userNameOf(target), AccessKeyId: id, Status: 'Active', SecretAccessKey: secret, CreateDate: new Date(createdAt) } as AccessKey,
        };
      } catch (err) {
        if (!(err instanceof StoreConflictError) || attempt >= 5) throw err;
      }
    }
  });
}

async function listAccessKeys(input: IamOperations['ListAccessKeys']['input'], ctx: OperationContext) {
  const target = await resolveTargetUser(ctx.store, ctx, input.UserName);
  const page = await pageOf(
    (after, limit) => ctx.store.list<AccessKeyData>(ctx.principal.accountId, Kind.accessKey, { parentId: parentIdOf(target), after, limit }),
    (key) => key.name.toLowerCase(),
    input.Marker,
    input.MaxItems,
  );
  return {
    AccessKeyMetadata: page.items.map((key) => ({
      ...userNameOf(target),
      AccessKeyId: key.id,
      Status: key.data.status,
      CreateDate: new Date(key.createdAt),
    })),
    IsTruncated: page.isTruncated,
    ...(page.marker ? { Marker: page.marker } : {}),
  };
}

async function updateAccessKey(input: IamOperations['UpdateAccessKey']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const target = await resolveTargetUser(tx, ctx, input.UserName);
    const key = await requireKeyOf(tx, ctx, target, input.AccessKeyId);
    if (key.data.status !== input.Status) await tx.update({ ...key, data: { ...key.data, status: input.Status } });
  });
  return {};
}

async function deleteAccessKey(input: IamOperations['DeleteAccessKey']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const target = await resolveTargetUser(tx, ctx, input.UserName);
    const key = await requireKeyOf(tx, ctx, target, input.AccessKeyId);
    await tx.delete(Kind.accessKey, key.id);
  });
  return {};
}

/**
 * Any key of the caller's account. The model declares no errors for this operation: for a key
 * that does not exist in the account AWS answers AccessDenied, and so does Tessera.
 */
async function getAccessKeyLastUsed(input: IamOperations['GetAccessKeyLastUsed']['input'], ctx: OperationContext) {
  const key = await ctx.store.get<AccessKeyData>(Kind.accessKey, input.AccessKeyId);
  if (!key || key.accountId !== ctx.principal.accountId) {
    throw serviceError('iam', 'AccessDenied', `User: ${ctx.principal.arn} is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key ${input.AccessKeyId}`);
  }
  const owner = key.parentId === ROOT_PARENT ? undefined : await ctx.store.get<UserData>(Kind.user, key.parentId);
  const lastUsed = key.data.lastUsed;
  return {
    ...(owner ? { UserName: owner.name } : {}),
    AccessKeyLastUsed: lastUsed
      ? { LastUsedDate: new Date(lastUsed.date), ServiceName: lastUsed.service, Region: lastUsed.region }
      : { ServiceName: 'N/A', Region: 'N/A' },
  };
}

export const accessKeyHandlers = {
  CreateAccessKey: createAccessKey,
  ListAccessKeys: listAccessKeys,
  UpdateAccessKey: updateAccessKey,
  DeleteAccessKey: deleteAccessKey,
  GetAccessKeyLastUsed: getAccessKeyLastUsed,
} satisfies IamHandlerTable;
