import type { ContextValue } from '../../policy/index.ts';
import type { RequestContext } from '../request-context.ts';
import { headerValue } from '../http-util.ts';

/**
 * The aws:* global condition keys taken from the real request. Keys describing the caller
 * (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:PrincipalTag/…,
 * aws:username, aws:userid) are derived by the engine from the principal.
 *
 * aws:MultiFactorAuthPresent is absent for long-term access keys, as AWS documents (a
 * `BoolIfExists` condition is how policies handle that); it is set for temporary
 * credentials once sessions exist.
 */
export function globalContext(ctx: RequestContext, now: Date): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:SecureTransport': ctx.http.secure ? 'true' : 'false',
    'aws:SourceIp': sourceIp(ctx.http.remoteAddress),
    'aws:ViaAWSService': 'false',
    'aws:PrincipalIsAWSService': 'false',
  };
  const userAgent = headerValue(ctx.http.headers, 'user-agent');
  if (userAgent !== undefined) context['aws:UserAgent'] = userAgent;
  if (ctx.region !== undefined) context['aws:RequestedRegion'] = ctx.region;
  return context;
}

/** IPv4 clients arrive on a dual-stack socket as ::ffff:a.b.c.d; AWS reports a.b.c.d. */
function sourceIp(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** aws:ResourceTag/<key> (and IAM's own iam:ResourceTag/<key>) for the target's tags. */
export function resourceTagContext(tags: Readonly<Record<string, string>> | undefined): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {};
  for (const [key, value] of Object.entries(tags ?? {})) {
    context[`aws:ResourceTag/${key}`] = value;
    context[`iam:ResourceTag/${key}`] = value;
  }
  return context;
}
