import type { RequestContext } from '../request-context.ts';
import type { ServerDeps } from '../deps.ts';
import { epochBumpingStore } from '../../iam/authorization-epoch.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { headerValue } from '../http-util.ts';

/** Runs the declared operation's handler — reached only once the authorize stage allowed it. */
export async function invoke(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const declaration = ctx.declaration!;
  // A write to authorization state moves the account's authorization epoch in the same
  // transaction, so every node's cached policy sets for the account are known stale at once.
  const store = declaration.writesAuthorizationState
    ? epochBumpingStore(deps.store, ctx.principal!.accountId, () => isoSeconds(deps.clock.now()))
    : deps.store;
  ctx.output = await declaration.handler(ctx.input ?? {}, {
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
    organizationPolicies: deps.organizationPolicies,
    organizations: deps.organizations,
    ...(deps.trailDestinations ? { trailDestinations: deps.trailDestinations } : {}),
    endpoint: requestEndpoint(ctx, deps),
  });
}

function requestEndpoint(ctx: RequestContext, deps: ServerDeps) {
  const host = headerValue(ctx.http.headers, 'host');
  return { secure: ctx.http.secure, ...(host !== undefined ? { host } : {}), ...(deps.publicUrl !== undefined ? { publicUrl: deps.publicUrl } : {}) };
}
