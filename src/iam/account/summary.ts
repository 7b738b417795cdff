import type { OperationContext } from '../../kernel/operation.ts';
import type { Store } from '../../store/types.ts';
import type { summaryKeyType } from '../../protocol/generated/iam.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { Kind, Link } from '../kinds.ts';
import { ROOT_PARENT } from '../records.ts';
import { summaryQuotas } from './summary-quotas.ts';

/**
 * GetAccountSummary: real counts from the store beside the account's quotas. Entities owned by
 * other modules are counted by their kind (../kinds.ts), so the summary is right as soon as a
 * module stores them. The root user's credentials are children of 'root' (as its access keys
 * are): AccountMFAEnabled, AccountAccessKeysPresent, AccountSigningCertificatesPresent and
 * AccountPasswordPresent read them. Tessera's root users have no console password of their
 * own, so the last is 0 unless a module stores one.
 *
 * GlobalEndpointTokenVersion is 1: STS tokens from the global endpoint are valid only in
 * regions enabled by default, AWS's default setting.
 */

const PAGE = 1000;

/**
 * PolicyVersionsInUse: the managed policies attached to users, groups and roles, counted
 * attachment by attachment, as the quota of the same name limits them.
 */
async function attachedPolicies(store: Store, accountId: string): Promise<number> {
  let total = 0;
  for (const [kind, link] of [[Kind.user, Link.userPolicy], [Kind.group, Link.groupPolicy], [Kind.role, Link.rolePolicy]] as const) {
    let after: string | undefined;
    for (;;) {
      const holders = await store.list(accountId, kind, { after, limit: PAGE });
      for (const holder of holders) total += await store.countLinksFrom(link, holder.id);
      if (holders.length < PAGE) break;
      after = holders[holders.length - 1]!.name;
    }
  }
  return total;
}

const flag = (n: number): number => (n > 0 ? 1 : 0);

async function getAccountSummary(_input: IamOperations['GetAccountSummary']['input'], ctx: OperationContext) {
  const store = ctx.store;
  const accountId = ctx.principal.accountId;
  const count = (kind: string, parentId?: string) => store.count(accountId, kind, parentId === undefined ? undefined : { parentId });
  const [users, groups, roles, policies, instanceProfiles, serverCertificates, oidc, saml, mfaDevices, unassigned, rootMfa, rootKeys, rootCertificates, rootPassword, inUse] =
    await Promise.all([
      count(Kind.user), count(Kind.group), count(Kind.role), count(Kind.policy), count(Kind.instanceProfile), count(Kind.serverCertificate),
      count(Kind.oidcProvider), count(Kind.samlProvider), count(Kind.mfaDevice), count(Kind.mfaDevice, ''), count(Kind.mfaDevice, ROOT_PARENT),
      count(Kind.accessKey, ROOT_PARENT), count(Kind.signingCertificate, ROOT_PARENT), count(Kind.loginProfile, ROOT_PARENT), attachedPolicies(store, accountId),
    ]);
  const summary: Partial<Record<summaryKeyType, number>> = {
    ...summaryQuotas(ctx.quotas),
    Users: users,
    Groups: groups,
    Roles: roles,
    Policies: policies,
    PolicyVersionsInUse: inUse,
    InstanceProfiles: instanceProfiles,
    ServerCertificates: serverCertificates,
    Providers: oidc + saml,
    MFADevices: mfaDevices,
    MFADevicesInUse: mfaDevices - unassigned,
    AccountMFAEnabled: flag(rootMfa),
    AccountAccessKeysPresent: flag(rootKeys),
    AccountSigningCertificatesPresent: flag(rootCertificates),
    AccountPasswordPresent: flag(rootPassword),
    GlobalEndpointTokenVersion: 1,
  };
  return { SummaryMap: summary };
}

export const summaryHandlers = {
  GetAccountSummary: getAccountSummary,
} satisfies IamHandlerTable;
