import { validatePolicy, type Diagnostic } from '../policy/index.ts';
import type { Store, StoredAuditEvent } from '../store/types.ts';
import { accountOfArn } from './event-kinds.ts';
import { dataEventsOf, PRINCIPAL_KEY, type AuditData } from './record.ts';

/**
 * IAM Access Analyzer's "generate policy", from Tessera's own audit log: the least-privilege
 * identity policy that allows exactly what a principal was allowed to do — every action and
 * resource ARN its requests needed (the main authorization and the further ones such as
 * iam:PassRole or sts:TagSession), resources with the same actions grouped in one statement —
 * and, apart, what it was denied. A role or IAM user ARN covers every session of the role and
 * every federated user of the IAM user; a session ARN only that session. Requests that need no
 * permission (sts:GetCallerIdentity) add nothing. The policy is validated as IAM validates an
 * identity policy.
 */
export interface GeneratedPolicy {
  policy: { Version: '2012-10-17'; Statement: Array<{ Sid: string; Effect: 'Allow'; Action: string | string[]; Resource: string | string[] }> };
  denied: Array<{ action: string; resource: string; count: number; errorCode?: string }>;
  /** How many of the principal's events were read. */
  events: number;
  diagnostics: Diagnostic[];
}

const PAGE = 1_000;
/** The most events read for one policy; older ones are left out (the policy says how many it read). */
const MAX_EVENTS = 1_000_000;

export async function generatePolicy(store: Store, principalArn: string, options: { since?: Date; until?: Date } = {}): Promise<GeneratedPolicy> {
  const accountId = accountOfArn(principalArn) ?? '';
  const allowed = new Map<string, Set<string>>();
  const denied = new Map<string, GeneratedPolicy['denied'][number]>();
  let read = 0;
  // Management events, then data events (S3 object operations), kept apart (record.ts).
  for (const stream of [accountId, dataEventsOf(accountId)]) {
    let before: { time: string; seq: number } | undefined;
    while (read < MAX_EVENTS) {
      const page = await store.queryAudit({
        accountId: stream,
        attribute: { attr: PRINCIPAL_KEY, value: principalArn },
        ...(options.since ? { startTime: options.since.toISOString() } : {}),
        ...(options.until ? { endTime: options.until.toISOString() } : {}),
        ...(before ? { before } : {}),
        limit: Math.min(PAGE, MAX_EVENTS - read),
      });
      for (const event of page) collect(event, allowed, denied);
      read += page.length;
      if (page.length < PAGE) break;
      const last = page.at(-1)!;
      before = { time: last.time, seq: last.seq };
    }
  }
  const policy = policyOf(allowed);
  return {
    policy,
    denied: [...denied.values()].sort((a, b) => a.action.localeCompare(b.action) || a.resource.localeCompare(b.resource)),
    events: read,
    diagnostics: policy.Statement.length > 0 ? validatePolicy(JSON.stringify(policy), 'identity') : [],
  };
}

function collect(event: StoredAuditEvent, allowed: Map<string, Set<string>>, denied: Map<string, GeneratedPolicy['denied'][number]>): void {
  const { decision, record } = event.data as unknown as Partial<AuditData>;
  if (!decision) return;
  if (decision.decision === 'Allowed') {
    // A rule that needs no permission (sts:GetCallerIdentity) grants nothing to copy.
    if (decision.evidence === undefined) return;
    for (const check of decision.checks ?? [{ action: decision.action, resource: decision.resource }]) {
      const actions = allowed.get(check.resource) ?? new Set<string>();
      actions.add(check.action);
      allowed.set(check.resource, actions);
    }
    return;
  }
  const key = `${decision.action}\n${decision.resource}`;
  const entry = denied.get(key) ?? { action: decision.action, resource: decision.resource, count: 0, ...(typeof record?.['errorCode'] === 'string' ? { errorCode: record['errorCode'] as string } : {}) };
  entry.count += 1;
  denied.set(key, entry);
}

/** Resources with the same set of actions share a statement; lists sorted, so the same activity gives the same policy. */
function policyOf(allowed: Map<string, Set<string>>): GeneratedPolicy['policy'] {
  const byActions = new Map<string, { actions: string[]; resources: string[] }>();
  for (const [resource, actions] of allowed) {
    const sorted = [...actions].sort();
    const key = sorted.join(',');
    const group = byActions.get(key) ?? { actions: sorted, resources: [] };
    group.resources.push(resource);
    byActions.set(key, group);
  }
  const groups = [...byActions.values()].map((g) => ({ actions: g.actions, resources: g.resources.sort() }));
  groups.sort((a, b) => a.actions.join(',').localeCompare(b.actions.join(',')) || a.resources.join(',').localeCompare(b.resources.join(',')));
  const one = (list: string[]) => (list.length === 1 ? list[0]! : list);
  return {
    Version: '2012-10-17',
    Statement: groups.map((g, i) => ({ Sid: `Generated${i + 1}`, Effect: 'Allow', Action: one(g.actions), Resource: one(g.resources) })),
  };
}
