import type { ContextValue, EvaluationPrincipal } from '../../policy/index.ts';
import { principalFromArn } from '../../policy/index.ts';
import type { ContextEntry, EvaluationResult, SimulatePolicyResponse } from '../../protocol/generated/iam.ts';
import type { StoreTx } from '../../store/types.ts';
import { userArn } from '../../kernel/arns.ts';
import { Kind } from '../kinds.ts';
import { pageArray } from '../paging.ts';
import type { UserData, UserRecord } from '../records.ts';
import type { RoleRecord } from '../roles/records.ts';
import { roleArn } from '../roles/records.ts';
import { tagMap } from '../tags.ts';
import { contextFromEntries } from './context-entries.ts';
import { callerNotUser, invalidActionName, invalidResourceNames, invalidResourceOwner } from './errors.ts';

/** The parts of a simulation request both Simulate* operations read alike. */

/** Action names need a service prefix and name one action: AWS takes no wildcards here. */
export function checkActionNames(actions: readonly string[]): void {
  for (const action of actions) {
    const colon = action.indexOf(':');
    if (colon <= 0 || colon === action.length - 1 || action.indexOf(':', colon + 1) !== -1 || /[*?]/.test(action)) {
      throw invalidActionName(action);
    }
  }
}

/**
 * ResourceArns, with an empty list meaning none were given (every resource, "*"). Each must
 * be "*" or an ARN (`arn:partition:service:region:account:resource`, region and account may
 * be empty); AWS refuses anything else, a bare key ID or bucket name, with InvalidInput.
 */
export function resourceList(resources: readonly string[] | undefined): readonly string[] | undefined {
  if (resources === undefined || resources.length === 0) return undefined;
  const invalid = resources.filter((resource) => resource !== '*' && !isArn(resource));
  if (invalid.length > 0) throw invalidResourceNames(invalid);
  return resources;
}

function isArn(text: string): boolean {
  const parts = text.split(':');
  return parts.length >= 6 && parts[0] === 'arn' && parts[1] !== '' && parts[2] !== '' && parts.slice(5).join(':') !== '';
}

/** ResourceOwner (`arn:aws:iam::<account>:root`, or the bare account ID) as an account ID. */
export function resourceOwnerAccount(owner: string | undefined): string | undefined {
  if (owner === undefined) return undefined;
  const match = /^(?:arn:aws:iam::(\d{12}):root|(\d{12}))$/.exec(owner);
  if (!match) throw invalidResourceOwner(owner);
  return match[1] ?? match[2];
}

/**
 * The request context: the ContextEntries, plus aws:CurrentTime and aws:EpochTime from the
 * server's clock unless the entries give them (a live request always carries both).
 */
export function simulationContext(entries: readonly ContextEntry[] | undefined, now: Date): Record<string, ContextValue> {
  const context = contextFromEntries(entries);
  const given = new Set(Object.keys(context).map((key) => key.toLowerCase()));
  if (!given.has('aws:currenttime')) context['aws:CurrentTime'] = now.toISOString();
  if (!given.has('aws:epochtime')) context['aws:EpochTime'] = Math.floor(now.getTime() / 1000);
  return context;
}

/** An IAM user as the simulated caller: its ARN, unique ID and tags (aws:PrincipalTag/…). */
export function userCaller(user: UserRecord): EvaluationPrincipal {
  return {
    kind: 'user',
    accountId: user.accountId,
    arn: userArn(user.accountId, user.path, user.name),
    name: user.name,
    userId: user.id,
    uniqueId: user.id,
    tags: tagMap(user.data.tags),
  };
}

/** A session of a role as the simulated caller; the session's own name is unknown. */
export function roleCaller(role: RoleRecord): EvaluationPrincipal {
  return {
    kind: 'role-session',
    accountId: role.accountId,
    roleArn: roleArn(role.accountId, role.path, role.name),
    roleName: role.name,
    uniqueId: role.id,
    tags: tagMap(role.data.tags),
  };
}

/** No CallerArn and no user to stand in: an unnamed IAM user of the account. */
export function unnamedCaller(accountId: string): EvaluationPrincipal {
  return { kind: 'user', accountId };
}

/**
 * CallerArn: only an IAM user's ARN, as AWS documents. A user of the caller's own account
 * that exists is simulated with its unique ID and tags; any other user by its ARN alone.
 */
export async function callerFromArn(tx: StoreTx, accountId: string, callerArn: string): Promise<EvaluationPrincipal> {
  const principal = principalFromArn(callerArn);
  if (principal === null || principal.kind !== 'user' || principal.name === undefined) throw callerNotUser(callerArn);
  if (principal.accountId === accountId) {
    const user = await tx.getByName<UserData>(accountId, Kind.user, principal.name);
    if (user) return userCaller(user);
  }
  return principal;
}

/** One page of results; the marker is the position of the last result returned. */
export function pageResults(results: readonly EvaluationResult[], marker: string | undefined, maxItems: number | undefined): SimulatePolicyResponse {
  const indexed = results.map((result, index) => ({ result, key: String(index).padStart(10, '0') }));
  const page = pageArray(indexed, (item) => item.key, marker, maxItems);
  return {
    EvaluationResults: page.items.map((item) => item.result),
    IsTruncated: page.isTruncated,
    ...(page.marker ? { Marker: page.marker } : {}),
  };
}
