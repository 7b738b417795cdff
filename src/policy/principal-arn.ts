// Deriving an EvaluationPrincipal from the caller's ARN (as the scenario format and the
// CLI give it).

import { parseArn } from './arn.ts';
import type { EvaluationPrincipal } from './types.ts';

/**
 * `arn:aws:iam::A:root` → root; `…:user/path/name` → user; `arn:aws:sts::A:assumed-role/R/S`
 * → role session (role ARN `arn:aws:iam::A:role/R`, path unknown); `…:role/path/R` → a
 * session of that role whose session name is unknown; `arn:aws:sts::A:federated-user/N` →
 * federated user; `…:saml-provider/X` / `…:oidc-provider/X` → identity provider; a
 * 12-digit account ID → that account's root; a bare service name such as
 * `ec2.amazonaws.com` → service; `*` or `anonymous` → anonymous. Null otherwise.
 */
export function principalFromArn(text: string): EvaluationPrincipal | null {
  if (text === '*' || text.toLowerCase() === 'anonymous') return { kind: 'anonymous' };
  if (/^\d{12}$/.test(text)) return { kind: 'root', accountId: text, arn: `arn:aws:iam::${text}:root` };
  if (!text.startsWith('arn:')) {
    return /^[a-z0-9][a-z0-9.-]*\.[a-z0-9.-]*[a-z0-9]$/i.test(text) ? { kind: 'service', serviceName: text } : null;
  }
  const arn = parseArn(text);
  if (arn === null || !/^\d{12}$/.test(arn.account)) return null;
  const base = { accountId: arn.account, partition: arn.partition };
  const lastSegment = (resource: string) => resource.slice(resource.lastIndexOf('/') + 1);
  if (arn.service === 'iam') {
    if (arn.resource === 'root') return { kind: 'root', arn: text, ...base };
    if (arn.resource.startsWith('user/') && lastSegment(arn.resource)) {
      return { kind: 'user', arn: text, name: lastSegment(arn.resource), ...base };
    }
    if (arn.resource.startsWith('role/') && lastSegment(arn.resource)) {
      return { kind: 'role-session', roleArn: text, roleName: lastSegment(arn.resource), ...base };
    }
    if (/^(saml|oidc)-provider\/.+/.test(arn.resource)) return { kind: 'web-identity', provider: text };
    return null;
  }
  if (arn.service === 'sts') {
    const session = /^assumed-role\/([^/]+)\/([^/]+)$/.exec(arn.resource);
    if (session) {
      const roleName = session[1]!;
      return {
        kind: 'role-session',
        arn: text,
        roleName,
        sessionName: session[2]!,
        roleArn: `arn:${arn.partition}:iam::${arn.account}:role/${roleName}`,
        ...base,
      };
    }
    const federated = /^federated-user\/([^/]+)$/.exec(arn.resource);
    if (federated) return { kind: 'federated-user', arn: text, name: federated[1]!, ...base };
  }
  return null;
}
