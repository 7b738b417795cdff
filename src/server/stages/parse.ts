import { parseJsonRequest, parseQueryRequest } from '../../protocol/index.ts';
import type { RequestContext } from '../request-context.ts';

/** Wire form → typed, validated input, driven by the service model (AWS's ValidationError texts). */
export async function parse(ctx: RequestContext): Promise<void> {
  const service = ctx.service!;
  if (ctx.protocol === 'json') {
    const parsed = parseJsonRequest(service, ctx.action ?? '', ctx.http.body.toString('utf8'));
    ctx.operation = parsed.operation;
    ctx.input = parsed.input;
    return;
  }
  const parsed = parseQueryRequest(service, ctx.params!);
  ctx.operation = parsed.operation;
  ctx.input = parsed.input;
}
