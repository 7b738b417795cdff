import type { EvaluationPrincipal } from '../../policy/index.ts';
import type { Principal } from '../../kernel/principal.ts';

/** The engine's view of an authenticated caller. */
export function evaluationPrincipal(principal: Principal): EvaluationPrincipal {
  return {
    kind: principal.kind,
    arn: principal.arn,
    accountId: principal.accountId,
    userId: principal.userId,
    tags: principal.tags,
    ...(principal.name !== undefined ? { name: principal.name } : {}),
  };
}
