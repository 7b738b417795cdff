// KMS's policy lockout safety check: a key policy written with CreateKey or PutKeyPolicy must
// still let the principal writing it call kms:PutKeyPolicy on the key afterwards, or KMS
// refuses it — "The new key policy will not allow you to update the key policy in the
// future." — unless the request sets BypassPolicyLockoutSafetyCheck (AWS KMS API Reference,
// CreateKey and PutKeyPolicy). Tessera decides that future PutKeyPolicy with the one decision
// point, the new document as the key's policy: the caller's identity policies, boundary, SCPs
// and session policy count as they would then, and the key policy must allow the caller or
// delegate to its account, as KMS requires of every key.

import type { GatewayFailure } from '../../gateway/errors.ts';
import type { MappedRequest } from '../../gateway/index.ts';
import type { Flow } from './flow.ts';

/** Where a key that does not exist yet (CreateKey) is decided: a key of the caller's account. */
const NEW_KEY_ID = '00000000-0000-0000-0000-000000000000';

export async function keyPolicyLockout(flow: Flow, mapped: MappedRequest, body: Buffer, callerAccount: string, now: Date): Promise<GatewayFailure | undefined> {
  if (mapped.service !== 'kms' || (mapped.operation !== 'CreateKey' && mapped.operation !== 'PutKeyPolicy')) return undefined;
  let input: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    input = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const policy = input['Policy'];
  if (typeof policy !== 'string' || input['BypassPolicyLockoutSafetyCheck'] === true) return undefined;
  const { ctx, deps } = flow;
  const region = ctx.region ?? 'us-east-1';
  const key = mapped.operation === 'PutKeyPolicy' ? mapped.targets[0]!.resource : `arn:aws:kms:${region}:${callerAccount}:key/${NEW_KEY_ID}`;
  const account = key.split(':')[4] ?? callerAccount;
  const future = await deps.authorizer.decide({
    principal: ctx.principal!,
    action: 'kms:PutKeyPolicy',
    target: { resource: key, resourcePolicy: { text: policy, kind: 'resource', name: key }, resourceAccount: account },
    facts: { now, sourceIp: ctx.http.remoteAddress, secureTransport: ctx.http.secure, region },
  });
  if (future.decision === 'Allowed') return undefined;
  return { code: 'MalformedPolicyDocumentException', message: 'The new key policy will not allow you to update the key policy in the future.', status: 400 };
}
