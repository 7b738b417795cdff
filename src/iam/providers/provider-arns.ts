import { iamArn } from '../../kernel/arns.ts';

/**
 * Provider ARNs: `arn:aws:iam::<account>:oidc-provider/<url without https://>` and
 * `arn:aws:iam::<account>:saml-provider/<name>`. Providers have no path: everything after the
 * first slash is the name (an OIDC name may itself contain slashes).
 */

export type ProviderType = 'oidc-provider' | 'saml-provider';

export function providerArn(accountId: string, type: ProviderType, name: string): string {
  return iamArn(accountId, type, '/', name);
}

/** The account and name an ARN of `type` names, or undefined when it is not such an ARN. */
export function parseProviderArn(arn: string, type: ProviderType): { accountId: string; name: string } | undefined {
  const match = /^arn:aws:iam::(\d{12}):([a-z-]+)\/(.+)$/.exec(arn);
  if (!match || match[2] !== type) return undefined;
  return { accountId: match[1]!, name: match[3]! };
}
