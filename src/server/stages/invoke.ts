import { serviceError } from '../../protocol/errors.ts';
import type { RequestContext } from '../request-context.ts';
import type { ServerDeps } from '../deps.ts';
import { epochBumpingStore, isReadOnlyIamOperation } from '../../iam/authorization-epoch.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { handlerFor } from '../../kernel/operation.ts';

const SERVICE_TITLE = { iam: 'IAM', sts: 'STS', organizations: 'Organizations' } as const;

/** Runs the operation's handler; an operation of the model with no handler says so plainly. */
export async function invoke(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const service = ctx.service!;
  const handler = handlerFor(deps.handlers[service], ctx.operation!);
  if (!handler) {
    throw serviceError(service, 'NotImplemented', `Tessera does not implement the ${SERVICE_TITLE[service]} operation ${ctx.operation} yet.`);
  }
  // A write to IAM state moves the account's authorization epoch in the same transaction, so
  // every node's cached policy sets for the account are known stale at once.
  const store = service === 'iam' && !isReadOnlyIamOperation(ctx.operation!)
    ? epochBumpingStore(deps.store, ctx.principal!.accountId, () => isoSeconds(deps.clock.now()))
    : deps.store;
  ctx.output = await handler(ctx.input ?? {}, {
    store,
    secrets: deps.secrets,
    clock: deps.clock,
    random: deps.random,
    quotas: deps.quotas,
    policyCache: deps.policyCache,
    sessions: deps.sessions,
    principal: ctx.principal!,
    requestId: ctx.requestId,
    region: ctx.region ?? 'us-east-1',
  });
}
