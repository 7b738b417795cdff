import { parseJsonRequest, parseQueryRequest } from '../../protocol/index.ts';
import type { RequestContext } from '../request-context.ts';
import { headerValue } from '../http-util.ts';

/** Wire form → typed, validated input, driven by the service model (AWS's ValidationError texts). */
export async function parse(ctx: RequestContext): Promise<void> {
  const service = ctx.service!;
  if (ctx.protocol === 'json') {
    const parsed = parseJsonRequest(service, headerValue(ctx.http.headers, 'x-amz-target') ?? '', ctx.http.body.toString('utf8'));
    ctx.operation = parsed.operation;
    ctx.input = parsed.input;
    return;
  }
  const parsed = parseQueryRequest(service, ctx.params!);
  ctx.operation = parsed.operation;
  ctx.input = parsed.input;
}
