import type { RandomSource } from '../../kernel/random.ts';

/**
 * What each service that takes service-specific credentials gets. CodeCommit (HTTPS Git) and
 * Amazon Keyspaces take a user name and password; Bedrock takes an API key (alias and secret)
 * that may expire. The user name is AWS's `<user>-at-<account>`.
 */

export type CredentialStyle = 'password' | 'api-key';

const SERVICES: Readonly<Record<string, CredentialStyle>> = {
  'codecommit.amazonaws.com': 'password',
  'cassandra.amazonaws.com': 'password',
  'bedrock.amazonaws.com': 'api-key',
};

export function credentialStyle(serviceName: string): CredentialStyle | undefined {
  return Object.hasOwn(SERVICES, serviceName) ? SERVICES[serviceName] : undefined;
}

export function serviceUserName(userName: string, accountId: string): string {
  return `${userName}-at-${accountId}`;
}

/** A password as AWS issues them: the base64 of 32 random bytes (44 characters). */
export function servicePassword(random: RandomSource): string {
  return Buffer.from(random.bytes(32)).toString('base64');
}

/** A Bedrock-style API key secret: a recognizable prefix and 48 random bytes of base64. */
export function apiKeySecret(random: RandomSource): string {
  return `ABSK${Buffer.from(random.bytes(48)).toString('base64')}`;
}
