import type { SecretSealer } from '../../kernel/operation.ts';
import type { WorkloadGrant } from '../../kernel/workload.ts';

/**
 * A workload grant travels as the server's sealed JSON (authenticated encryption under the
 * master key, with its own context, so no other sealed value — an encoded authorization
 * message, a stored secret — passes for a grant, nor a grant for them). Only a server of the
 * same store can make or read one; it is never stored. Tampered, truncated, forged or sealed
 * under a retired master key: invalid; past its expiry: expired.
 */
const SEAL_CONTEXT = 'tessera:workload-grant';

export function sealGrant(secrets: SecretSealer, grant: WorkloadGrant): string {
  return secrets.seal(JSON.stringify(grant), SEAL_CONTEXT);
}

export type OpenedGrant = { ok: true; grant: WorkloadGrant } | { ok: false; reason: 'invalid' | 'expired' };

export function openGrant(secrets: SecretSealer, sealed: string, now: Date): OpenedGrant {
  let grant: WorkloadGrant | undefined;
  try {
    grant = asGrant(JSON.parse(secrets.open(sealed.trim(), SEAL_CONTEXT)));
  } catch {
    grant = undefined;
  }
  if (grant === undefined) return { ok: false, reason: 'invalid' };
  if (Date.parse(grant.expiresAt) <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, grant };
}

const SERVICES: ReadonlySet<string> = new Set(['ec2.amazonaws.com', 'ecs-tasks.amazonaws.com']);

/** The grant, when the JSON has its shape (a grant of another version is refused, not guessed at). */
function asGrant(value: unknown): WorkloadGrant | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const g = value as Partial<WorkloadGrant>;
  const strings = [g.accountId, g.region, g.workloadId, g.workloadArn, g.issuedAt, g.expiresAt, g.role?.id, g.role?.arn, g.role?.name];
  if (g.v !== 1 || !SERVICES.has(String(g.service)) || strings.some((s) => typeof s !== 'string')) return undefined;
  if (typeof g.durationSeconds !== 'number' || Number.isNaN(Date.parse(g.expiresAt!))) return undefined;
  if (g.service === 'ec2.amazonaws.com' && (typeof g.instanceProfile?.id !== 'string' || (g.httpTokens !== 'required' && g.httpTokens !== 'optional'))) return undefined;
  return g as WorkloadGrant;
}
