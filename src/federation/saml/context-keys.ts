import { createHash } from 'node:crypto';
import type { ContextValue } from '../../policy/index.ts';
import type { VerifiedAssertion } from './verified-assertion.ts';

/**
 * The saml:* condition keys a trust policy can test ("Available keys for SAML-based AWS STS
 * federation"), from a verified assertion and the provider it was checked against.
 */

/** Standard attribute OIDs AWS exposes as saml:<name>; `multi` ones are multi-valued keys. */
const OID_KEYS: ReadonlyArray<{ oid: string; key: string; multi: boolean }> = [
  { oid: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1', key: 'saml:edupersonaffiliation', multi: true },
  { oid: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.2', key: 'saml:edupersonnickname', multi: true },
  { oid: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.3', key: 'saml:edupersonorgdn', multi: false },
  { oid: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.4', key: 'saml:edupersonorgunitdn', multi: true },
  { oid: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.5', key: 'saml:edupersonprimaryaffiliation', multi: false },
  { oid: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6', key: 'saml:edupersonprincipalname', multi: false },
  { oid: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.7', key: 'saml:edupersonentitlement', multi: true },
  { oid: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.8', key: 'saml:edupersonprimaryorgunitdn', multi: false },
  { oid: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.9', key: 'saml:edupersonscopedaffiliation', multi: true },
  { oid: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.10', key: 'saml:edupersontargetedid', multi: true },
  { oid: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.11', key: 'saml:edupersonassurance', multi: true },
  { oid: 'urn:oid:1.3.6.1.4.1.5923.1.2.1.2', key: 'saml:eduorghomepageuri', multi: true },
  { oid: 'urn:oid:2.5.4.3', key: 'saml:cn', multi: true },
  { oid: 'urn:oid:2.5.4.4', key: 'saml:sn', multi: true },
  { oid: 'urn:oid:2.5.4.42', key: 'saml:givenName', multi: true },
  { oid: 'urn:oid:2.5.4.10', key: 'saml:o', multi: true },
  { oid: 'urn:oid:2.5.4.11', key: 'saml:ou', multi: true },
  { oid: 'urn:oid:0.9.2342.19200300.100.1.1', key: 'saml:uid', multi: true },
  { oid: 'urn:oid:0.9.2342.19200300.100.1.3', key: 'saml:mail', multi: true },
  { oid: 'urn:oid:2.16.840.1.113730.3.1.241', key: 'saml:displayName', multi: false },
];

const NAME_ID_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:';

/** saml:sub_type: "persistent", "transient", or the full Format URI of any other NameID. */
export function subjectType(format: string | undefined): string {
  if (format === `${NAME_ID_FORMAT}persistent`) return 'persistent';
  if (format === `${NAME_ID_FORMAT}transient`) return 'transient';
  return format ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
}

/** saml:namequalifier, as AWS documents it: BASE64(SHA1(issuer + account ID + "/" + provider name)). */
export function nameQualifier(issuer: string, accountId: string, providerName: string): string {
  return createHash('sha1').update(`${issuer}${accountId}/${providerName}`, 'utf8').digest('base64');
}

export function samlContextKeys(
  assertion: VerifiedAssertion,
  recipient: string,
  provider: { accountId: string; name: string },
): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {
    'saml:aud': recipient,
    'saml:iss': assertion.issuer,
    'saml:sub_type': subjectType(assertion.nameIdFormat),
    'saml:namequalifier': nameQualifier(assertion.issuer, provider.accountId, provider.name),
  };
  if (assertion.nameId !== undefined) context['saml:sub'] = assertion.nameId;
  for (const { oid, key, multi } of OID_KEYS) {
    const values = assertion.attributes.get(oid);
    if (!values || values.length === 0) continue;
    context[key] = multi ? [...values] : values[0]!;
  }
  return context;
}
