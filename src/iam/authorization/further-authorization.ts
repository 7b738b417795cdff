import type { ContextValue } from '../../policy/index.ts';
import type { AuthorizationTarget } from './target.ts';

export type FurtherAuthorization = NonNullable<AuthorizationTarget['also']>[number];

/**
 * A further authorization on an existing entity (its own ARN, or the ARN a rename gives it),
 * decided with the entity's tags as aws:ResourceTag/… and iam:ResourceTag/… — the keys the
 * main authorization gets from `resourceTags`, which a further one does not carry.
 */
export function furtherAuthorization(action: string, resource: string, resourceTags?: Readonly<Record<string, string>>): FurtherAuthorization {
  const context: Record<string, ContextValue> = {};
  for (const [key, value] of Object.entries(resourceTags ?? {})) {
    context[`aws:ResourceTag/${key}`] = value;
    context[`iam:ResourceTag/${key}`] = value;
  }
  return { action, resource, context };
}
