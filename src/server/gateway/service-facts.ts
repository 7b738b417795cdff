// Facts of a request that only the upstream knows and that AWS's own decision uses, added to
// the authorizer's target after the mapping's lookups:
//
//   - Lambda's Get/Delete/UpdateEventSourceMapping name only the mapping, but AWS documents
//     lambda:FunctionArn for them (Lambda Developer Guide, "Actions, resources, and condition
//     keys for AWS Lambda"): the mapping's function, read with GetEventSourceMapping — only
//     when a policy about the action refers to the key (as tags are read).
//
// (The KMS keys services use on the caller's behalf — Secrets Manager's GetSecretValue among
// them — are service-keys.ts.)

import type { AuthorizationCheck, AuthorizationTarget } from '../../authz/target.ts';
import type { MappedRequest } from '../../gateway/index.ts';
import { readMappingFunction } from '../../gateway/upstream-reads.ts';
import type { TargetSources as TargetSourcesOf } from '../../gateway/resolve-target.ts';

const MAPPING_OPERATIONS = new Set(['GetEventSourceMapping', 'DeleteEventSourceMapping', 'UpdateEventSourceMapping']);

/** Whether the decision lacked lambda:FunctionArn for a mapping the request names only by its UUID. */
export function wantsMappingFunction(mapped: MappedRequest, missingKeys: readonly string[]): boolean {
  return mapped.service === 'lambda' && MAPPING_OPERATIONS.has(mapped.operation) && missingKeys.some((key) => key.toLowerCase() === 'lambda:functionarn');
}

/** The target with lambda:FunctionArn of the mapping's function on each check that lacks it. */
export async function withMappingFunction(mapped: MappedRequest, sources: TargetSourcesOf, resolved: AuthorizationTarget): Promise<AuthorizationTarget> {
  const main = mapped.targets[0]!;
  const marker = ':event-source-mapping:';
  const at = main.resource.indexOf(marker);
  if (at < 0) return resolved;
  const uuid = main.resource.slice(at + marker.length);
  const account = sources.accounts[0]!;
  const functionArn = await sources.cache.get('mapping-function', account, main.resource, () => readMappingFunction(uuid, sources.reads(account)));
  if (functionArn === undefined) return resolved;
  const add = <T extends { context?: AuthorizationCheck['context'] }>(check: T): T =>
    check.context?.['lambda:FunctionArn'] !== undefined ? check : { ...check, context: { ...check.context, 'lambda:FunctionArn': functionArn } };
  return { ...add(resolved), ...(resolved.also ? { also: resolved.also.map((check) => (check.action.startsWith('lambda:') ? add(check) : check)) } : {}) };
}
