export { issuerKey } from '../../federation/oidc/issuer.ts';
import { invalidOidcUrl } from './messages.ts';

/**
 * An OIDC provider URL as IAM registers it: AWS requires `https://`, allows a path, refuses a
 * query, and stores (and returns, and puts in the ARN) the URL without its scheme. Nothing
 * else is rewritten: a trailing slash or a different path makes a different provider, since
 * the URL must equal the `iss` claim of the provider's tokens. A port is accepted (AWS
 * advises against one but local identity providers often listen on one).
 */
export function registeredOidcUrl(url: string): string {
  if (!/^https:\/\//i.test(url)) throw invalidOidcUrl();
  const rest = url.slice('https://'.length);
  let parsed: URL;
  try {
    parsed = new URL(`https://${rest}`);
  } catch {
    throw invalidOidcUrl();
  }
  if (parsed.hostname === '' || parsed.username !== '' || parsed.password !== '' || rest.includes('?') || rest.includes('#')) {
    throw invalidOidcUrl();
  }
  if (/\s/.test(rest) || rest.startsWith('/')) throw invalidOidcUrl();
  return rest;
}
