import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import type { StoreTx } from '../../store/types.ts';
import type { UserRecord } from '../records.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { StoreConflictError } from '../../store/types.ts';
import { quotaExceeded } from '../errors.ts';
import { Kind } from '../kinds.ts';
import { pageOf } from '../paging.ts';
import { requireUser } from '../user-lookup.ts';
import { derivedId } from './derived-ids.ts';
import { duplicateSshPublicKey, noSuchSshPublicKey } from './messages.ts';
import { settableStatus } from './owners.ts';
import type { SshPublicKeyData, SshPublicKeyRecord } from './records.ts';
import { parseSshPublicKey } from './ssh-key.ts';

/** SSH public keys of IAM users (for CodeCommit): at most five per user, each once. */

async function requireKeyOf(tx: StoreTx, user: UserRecord, id: string): Promise<SshPublicKeyRecord> {
  const record = await tx.get<SshPublicKeyData>(Kind.sshPublicKey, id);
  if (!record || record.parentId !== user.id) throw noSuchSshPublicKey(id);
  return record;
}

function fullKey(user: UserRecord, record: SshPublicKeyRecord, encoding: 'SSH' | 'PEM') {
  return {
    UserName: user.name,
    SSHPublicKeyId: record.id,
    Fingerprint: record.data.fingerprint,
    SSHPublicKeyBody: encoding === 'PEM' ? record.data.pemBody : record.data.sshBody,
    Status: record.data.status,
    UploadDate: new Date(record.createdAt),
  };
}

async function uploadSSHPublicKey(input: IamOperations['UploadSSHPublicKey']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const key = parseSshPublicKey(input.SSHPublicKeyBody);
  return ctx.store.transaction(async (tx) => {
    const user = await requireUser(tx, accountId, input.UserName);
    if ((await tx.count(accountId, Kind.sshPublicKey, { parentId: user.id })) >= ctx.quotas.sshPublicKeysPerUser) {
      throw quotaExceeded('SSHPublicKeysPerUser', ctx.quotas.sshPublicKeysPerUser);
    }
    // Derived from the user and the key: the same key twice for one user collides on the id.
    const id = derivedId('APKA', 16, user.id, key.wire);
    try {
      const record = await tx.insert<SshPublicKeyData>({
        accountId, kind: Kind.sshPublicKey, id, name: id, parentId: user.id, path: '/',
        data: { sshBody: key.ssh, pemBody: key.pem, fingerprint: key.fingerprint, status: 'Active' },
        createdAt: isoSeconds(ctx.clock.now()),
      });
      return { SSHPublicKey: fullKey(user, record, 'SSH') };
    } catch (err) {
      if (err instanceof StoreConflictError) throw duplicateSshPublicKey();
      throw err;
    }
  });
}

async function getSSHPublicKey(input: IamOperations['GetSSHPublicKey']['input'], ctx: OperationContext) {
  return ctx.store.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.principal.accountId, input.UserName);
    return { SSHPublicKey: fullKey(user, await requireKeyOf(tx, user, input.SSHPublicKeyId), input.Encoding) };
  });
}

async function listSSHPublicKeys(input: IamOperations['ListSSHPublicKeys']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  // UserName may be omitted: the calling user's keys (the root user has none).
  const userName = input.UserName ?? (ctx.principal.kind === 'user' ? ctx.principal.name : undefined);
  if (userName === undefined) return { SSHPublicKeys: [], IsTruncated: false };
  const user = await requireUser(ctx.store, accountId, userName);
  const page = await pageOf(
    (after, limit) => ctx.store.list<SshPublicKeyData>(accountId, Kind.sshPublicKey, { parentId: user.id, after, limit }),
    (record) => record.name.toLowerCase(),
    input.Marker,
    input.MaxItems,
  );
  return {
    SSHPublicKeys: page.items.map((record) => ({ UserName: user.name, SSHPublicKeyId: record.id, Status: record.data.status, UploadDate: new Date(record.createdAt) })),
    IsTruncated: page.isTruncated,
    ...(page.marker ? { Marker: page.marker } : {}),
  };
}

async function updateSSHPublicKey(input: IamOperations['UpdateSSHPublicKey']['input'], ctx: OperationContext) {
  const status = settableStatus(input.Status);
  await ctx.store.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.principal.accountId, input.UserName);
    const record = await requireKeyOf(tx, user, input.SSHPublicKeyId);
    if (record.data.status !== status) await tx.update({ ...record, data: { ...record.data, status } });
  });
  return {};
}

async function deleteSSHPublicKey(input: IamOperations['DeleteSSHPublicKey']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.principal.accountId, input.UserName);
    const record = await requireKeyOf(tx, user, input.SSHPublicKeyId);
    await tx.delete(Kind.sshPublicKey, record.id);
  });
  return {};
}

export const sshPublicKeyHandlers = {
  UploadSSHPublicKey: uploadSSHPublicKey,
  GetSSHPublicKey: getSSHPublicKey,
  ListSSHPublicKeys: listSSHPublicKeys,
  UpdateSSHPublicKey: updateSSHPublicKey,
  DeleteSSHPublicKey: deleteSSHPublicKey,
} satisfies IamHandlerTable;
