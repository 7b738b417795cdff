import { parseJsonRequest, parseQueryRequest } from '../../protocol/index.ts';
import { serviceError } from '../../protocol/errors.ts';
import type { RequestContext } from '../request-context.ts';
import type { ServerDeps } from '../deps.ts';
import { headerValue } from '../http-util.ts';

const SERVICE_TITLE = { iam: 'IAM', sts: 'STS', organizations: 'Organizations', cloudtrail: 'CloudTrail', tessera: 'Tessera' } as const;

/**
 * Wire form → typed, validated input, driven by the service model (AWS's ValidationError
 * texts); then the operation's declaration. An operation of the model that Tessera does not
 * serve says so plainly, before anything is authorized or run.
 */
export async function parse(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const service = ctx.service!;
  const parsed = ctx.protocol === 'json'
    ? parseJsonRequest(service, headerValue(ctx.http.headers, 'x-amz-target') ?? '', ctx.http.body.toString('utf8'))
    : parseQueryRequest(service, ctx.params!);
  ctx.operation = parsed.operation;
  ctx.input = parsed.input;
  const declaration = deps.operations.get(service, parsed.operation);
  if (!declaration) {
    throw serviceError(service, 'NotImplemented', `Tessera does not implement the ${SERVICE_TITLE[service]} operation ${parsed.operation} yet.`);
  }
  ctx.declaration = declaration;
}
