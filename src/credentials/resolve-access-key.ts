import type { Store } from '../store/types.ts';
import type { Principal } from '../kernel/principal.ts';
import type { SecretSealer } from '../kernel/operation.ts';
import { rootArn, userArn } from '../kernel/arns.ts';
import { Kind, ROOT_PARENT, type AccessKeyData, type UserData } from '../iam/records.ts';
import { tagMap } from '../iam/tags.ts';
import { isoSeconds } from '../kernel/clock.ts';

/**
 * Resolves a long-term access key ID to the principal it stands for and its secret.
 * Unknown, deleted and Inactive keys all resolve to `undefined`: AWS answers each with the
 * same InvalidClientTokenId, so a caller cannot learn which keys exist.
 */
export interface ResolvedCredentials {
  principal: Principal;
  secretAccessKey: string;
  /**
   * Last-used bookkeeping of the key (to throttle writes), as read and then as this process
   * last recorded it: a resolved key may be cached (access-key-cache.ts) and shared by many
   * requests, so it is updated in place when a use is recorded.
   */
  lastUsed?: AccessKeyData['lastUsed'];
}

export async function resolveAccessKey(store: Store, secrets: SecretSealer, accessKeyId: string): Promise<ResolvedCredentials | undefined> {
  const key = await store.get<AccessKeyData>(Kind.accessKey, accessKeyId);
  if (!key || key.data.status !== 'Active') return undefined;
  const secretAccessKey = secrets.open(key.data.sealedSecret, key.id);
  if (key.parentId === ROOT_PARENT) {
    return {
      principal: { kind: 'root', accountId: key.accountId, arn: rootArn(key.accountId), userId: key.accountId, tags: {}, accessKeyId },
      secretAccessKey,
      lastUsed: key.data.lastUsed,
    };
  }
  const user = await store.get<UserData>(Kind.user, key.parentId);
  if (!user) return undefined;
  return {
    principal: {
      kind: 'user',
      accountId: user.accountId,
      arn: userArn(user.accountId, user.path, user.name),
      userId: user.id,
      name: user.name,
      tags: tagMap(user.data.tags),
      accessKeyId,
    },
    secretAccessKey,
    lastUsed: key.data.lastUsed,
  };
}

/**
 * Whether this use of the key is to be recorded: at most once per `minIntervalSeconds` per
 * key, service and region (AWS too reports last use at a coarse granularity), so that
 * authentication stays a read on the hot path. When it is, `resolved.lastUsed` becomes this
 * use at once, so that concurrent requests with the same key do not each write it.
 */
export function keyUseToRecord(
  resolved: ResolvedCredentials,
  service: string,
  region: string,
  at: Date,
  minIntervalSeconds = 60,
): { date: string; service: string; region: string } | undefined {
  const previous = resolved.lastUsed;
  if (previous && previous.service === service && previous.region === region &&
      at.getTime() - Date.parse(previous.date) < minIntervalSeconds * 1000) {
    return undefined;
  }
  const use = { date: isoSeconds(at), service, region };
  resolved.lastUsed = use;
  return use;
}

/** Records when, where and for which service a key was last used (see keyUseToRecord). */
export async function recordKeyUse(store: Store, accessKeyId: string, use: { date: string; service: string; region: string }): Promise<void> {
  await store.transaction(async (tx) => {
    const key = await tx.get<AccessKeyData>(Kind.accessKey, accessKeyId);
    if (!key) return;
    await tx.update({ ...key, data: { ...key.data, lastUsed: use } });
  });
}
