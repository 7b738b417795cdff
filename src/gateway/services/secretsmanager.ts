// Secrets Manager. A secret named by its name rather than its ARN is authorized on the ARN the
// upstream knows (it ends in a random six-character suffix): until resolved, the stand-in ARN
// `…:secret:<name>` matches no `<name>-??????` policy resource, so nothing is allowed by it. A
// partial ARN (the ARN without its suffix, which Secrets Manager accepts) is resolved the same
// way: authorized as written, a Deny on `<name>-??????` would not apply to it. So is an ARN that
// looks whole (`…:secret:db-backup` is the partial ARN of the secret `db-backup`, and has the
// form of the full ARN of a secret `db`): it is resolved as the upstream resolves it, as a whole
// — authorized as written, `db-??????` allowed it and the upstream answered with `db-backup`.

import type { IdentifiedRequest } from '../identify.ts';
import type { ExpandedCheck, RuleContext, ServiceRules } from '../rules.ts';
import { rolesInMembers } from '../passed-roles.ts';
import { strings } from '../resources.ts';
import { wholeList } from '../wire/limits.ts';

/**
 * BatchGetSecretValue needs secretsmanager:GetSecretValue on each secret it returns besides its
 * own action on `*` (Secrets Manager API Reference, BatchGetSecretValue: "you must have
 * secretsmanager:GetSecretValue permissions for each secret"). By SecretIdList: each secret;
 * by Filters the secrets are known only to the upstream: checked as every secret of the
 * account (`…:secret:*`, so only a grant on all of them allows it).
 */
function batchGet(request: IdentifiedRequest, context: RuleContext): ExpandedCheck[] | undefined {
  const ids = strings(request.input.get('SecretIdList'), 'SecretIdList');
  const checks: ExpandedCheck[] = [{ action: 'BatchGetSecretValue', resources: ['*'] }];
  if (ids.length > 0) {
    for (const id of ids) checks.push({ action: 'GetSecretValue', input: new Map<string, unknown>([['SecretId', id]]) });
  } else if (request.input.get('Filters') !== undefined) {
    checks.push({ action: 'GetSecretValue', resources: [`arn:aws:secretsmanager:${context.region}:${context.ownerAccountId}:secret:*`] });
  } else {
    return undefined;
  }
  return checks;
}

export const SECRETSMANAGER_RULES: ServiceRules = {
  passedRoles: (request) => rolesInMembers(request, ['ExternalSecretRotationRoleArn']),
  resources: {
    variables: { SecretId: [{ member: 'SecretId' }, { member: 'Name' }] },
    arnMembers: ['SecretId'],
  },
  operations: {
    BatchGetSecretValue: { expand: batchGet, expandDoc: 'secretsmanager:BatchGetSecretValue on `*`, and secretsmanager:GetSecretValue on each secret of SecretIdList (by Filters: on `secret:*`)' },
  },
  refused: {},
  conditions: {
    // The regions of AddReplicaRegions (a list of {Region, KmsKeyId}).
    'secretsmanager:AddReplicaRegions': (request) => {
      const replicas = request.input.get('AddReplicaRegions');
      if (!Array.isArray(replicas)) return undefined;
      const regions = wholeList(replicas, 'AddReplicaRegions').flatMap((item) => (typeof item === 'object' && item !== null && typeof (item as Record<string, unknown>)['Region'] === 'string' ? [(item as Record<string, string>)['Region']!] : []));
      return { 'secretsmanager:AddReplicaRegions': regions };
    },
  },
  lookups: (request, check) => {
    const id = request.input.get('SecretId');
    if (typeof id !== 'string' || id === '' || !check.resource.includes(':secret:')) return [];
    // Every SecretId, also one with the form of a full ARN: a name may end in `-` and six
    // characters, so the form does not tell a full ARN from a partial one (docs/gateway.md,
    // "Ambiguous requests"). An ARN is resolved whole, as the upstream reads it; a name by itself.
    // A refusal names the secret as given (AWS: "…perform: secretsmanager:GetSecretValue on
    // resource: foo"), never the ARN it resolved to: that would tell a caller who may not use
    // the secret that it exists, and its full ARN.
    return [{ kind: 'resolve-resource', check: check.index, resource: check.resource, how: id.startsWith('arn:') && check.resource === id ? 'secret-arn' : 'secret-name', given: id }];
  },
  policyHolders: (type, arn) => (type === 'secret' ? arn : undefined),
};
