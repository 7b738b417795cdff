import type { AuthorizationTarget } from '../authz/target.ts';
import type { MappedRequest } from './types.ts';

/** A mapped request as the authorizer's target: the first check is the main one, the others `also`. */
export function toAuthorizationTarget(mapped: MappedRequest): AuthorizationTarget {
  const [main, ...also] = mapped.targets;
  return { action: main!.action, resource: main!.resource, ...(main!.context ? { context: main!.context } : {}), ...(also.length > 0 ? { also } : {}) };
}
