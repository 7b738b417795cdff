import { PROTECTED_RESOURCES, type ProtectedResource } from './service-rules.ts';

/** The protection rule (service-rules.ts) an action on a resource ARN meets, if any. */
export function protectionFor(action: string, resource: string): { rule: ProtectedResource; message: string } | undefined {
  const parts = arnParts(resource);
  if (!parts) return undefined;
  const rule = PROTECTED_RESOURCES.find((candidate) =>
    candidate.service === parts.service
    && (candidate.account === '*' || candidate.account === parts.account)
    && parts.resource.startsWith(candidate.resourcePrefix)
    && candidate.actions.includes(action));
  if (!rule) return undefined;
  const name = parts.resource.slice(parts.resource.lastIndexOf('/') + 1);
  return { rule, message: rule.error.message.replaceAll('{name}', name).replaceAll('{arn}', resource) };
}

/** arn:partition:service:region:account:resource — the resource part may hold colons. */
function arnParts(arn: string): { service: string; account: string; resource: string } | undefined {
  if (!arn.startsWith('arn:')) return undefined;
  const fields: string[] = [];
  let from = 4;
  for (let i = 0; i < 4; i++) {
    const at = arn.indexOf(':', from);
    if (at < 0) return undefined;
    fields.push(arn.slice(from, at));
    from = at + 1;
  }
  return { service: fields[1]!, account: fields[3]!, resource: arn.slice(from) };
}
