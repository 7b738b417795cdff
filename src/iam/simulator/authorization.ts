import type { AuthorizationTarget, TargetContext, TargetResolver, TargetTable } from '../authorization/target.ts';
import { tagMap } from '../tags.ts';
import { findSourceEntity, parseSourceArn, sourceEntityArn } from './policy-source.ts';
import { UNSUPPORTED_OPERATIONS, type UnsupportedOperationName } from './unsupported.ts';

/**
 * How each operation of the simulator module is authorized (see ../authorization/target.ts),
 * per AWS's Service Authorization Reference: SimulatePrincipalPolicy and
 * GetContextKeysForPrincipalPolicy on the user, group or role whose policies they read
 * (with its tags, for iam:ResourceTag/…); SimulateCustomPolicy and
 * GetContextKeysForCustomPolicy read nothing stored and are authorized on "*".
 */

/** The PolicySourceArn entity: its stored ARN and tags, or the ARN as given when unknown. */
async function policySourceTarget(ctx: TargetContext, arn: string): Promise<AuthorizationTarget> {
  const source = parseSourceArn(arn);
  const entity = source === undefined ? undefined : await findSourceEntity(ctx.tx, ctx.accountId, source);
  if (entity === undefined) return { resource: arn };
  const tags = entity.type === 'group' ? undefined : entity.record.data.tags;
  return { resource: sourceEntityArn(entity), ...(tags ? { resourceTags: tagMap(tags) } : {}) };
}

const anyResource = async (): Promise<AuthorizationTarget> => ({ resource: '*' });

/**
 * Operations Tessera refuses are still authorized first, as on AWS, so a caller without
 * permission learns nothing more than AccessDenied. Where the reference names a resource
 * the input identifies, it is used; otherwise "*".
 */
const unsupportedTargets = {
  ...(Object.fromEntries((Object.keys(UNSUPPORTED_OPERATIONS) as UnsupportedOperationName[]).map((op) => [op, anyResource])) as Record<string, unknown> as { readonly [K in UnsupportedOperationName]: TargetResolver<K> }),
  GenerateOrganizationsAccessReport: async (input, ctx) => ({ resource: `arn:aws:iam::${ctx.accountId}:access-report/${input.EntityPath}` }),
} satisfies TargetTable;

export const targets = {
  ...unsupportedTargets,
  SimulateCustomPolicy: anyResource,
  GetContextKeysForCustomPolicy: anyResource,
  SimulatePrincipalPolicy: (input, ctx) => policySourceTarget(ctx, input.PolicySourceArn),
  GetContextKeysForPrincipalPolicy: (input, ctx) => policySourceTarget(ctx, input.PolicySourceArn),
} satisfies TargetTable;
