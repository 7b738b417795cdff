// Secrets Manager. A secret named by its name rather than its ARN is authorized on the ARN the
// upstream knows (it ends in a random six-character suffix): until resolved, the stand-in ARN
// `…:secret:<name>` matches no `<name>-??????` policy resource, so nothing is allowed by it.

import type { ServiceRules } from '../rules.ts';
import { rolesInMembers } from '../passed-roles.ts';

export const SECRETSMANAGER_RULES: ServiceRules = {
  passedRoles: (request) => rolesInMembers(request, ['ExternalSecretRotationRoleArn']),
  resources: {
    variables: { SecretId: [{ member: 'SecretId' }, { member: 'Name' }] },
    arnMembers: ['SecretId'],
  },
  operations: {},
  refused: {},
  conditions: {},
  lookups: (request, check) => {
    const id = request.input.get('SecretId');
    return typeof id === 'string' && !id.startsWith('arn:') && check.resource.includes(':secret:')
      ? [{ kind: 'resolve-resource', check: check.index, resource: check.resource, how: 'secret-name' }]
      : [];
  },
  policyHolders: (type, arn) => (type === 'secret' ? arn : undefined),
};
