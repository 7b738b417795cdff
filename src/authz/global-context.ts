import type { ContextValue } from '../policy/index.ts';

/**
 * What the transport tells about a request, for the aws:* global condition keys. The server
 * fills it from the HTTP request; authz/ never sees HTTP.
 */
export interface RequestFacts {
  now: Date;
  /** The client's address as the socket reports it. */
  sourceIp: string;
  secureTransport: boolean;
  userAgent?: string;
  /** The region of the signature's credential scope. */
  region?: string;
}

/**
 * The aws:* global condition keys taken from the real request — the same for every caller,
 * signed or federated. Keys describing the caller (aws:PrincipalArn, aws:PrincipalAccount,
 * aws:PrincipalType, aws:PrincipalTag/…, aws:username, aws:userid) are derived by the engine
 * from the principal.
 *
 * aws:MultiFactorAuthPresent is absent for long-term access keys, as AWS documents (a
 * `BoolIfExists` condition is how policies handle that); sessions set it (session-context.ts).
 */
export function globalContext(facts: RequestFacts): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {
    'aws:CurrentTime': facts.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(facts.now.getTime() / 1000)),
    'aws:SecureTransport': facts.secureTransport ? 'true' : 'false',
    'aws:SourceIp': sourceIp(facts.sourceIp),
    'aws:ViaAWSService': 'false',
    'aws:PrincipalIsAWSService': 'false',
  };
  if (facts.userAgent !== undefined) context['aws:UserAgent'] = facts.userAgent;
  if (facts.region !== undefined) context['aws:RequestedRegion'] = facts.region;
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
