import { SignedXml } from 'xml-crypto';
import type { SamlSigningKey } from './saml-keys.ts';
import { samlInstant, xmlEscape } from './saml-xml.ts';

/** What the test IdP puts in a SAML Response for AWS. */
export interface SamlResponseOptions {
  issuer: string;
  /** "<role ARN>,<provider ARN>" pairs for the Role attribute. */
  rolePairs: readonly string[];
  sessionName?: string;
  subject: string;
  subjectFormat?: string;
  /** Further attributes by Name (the AWS ones or any other, e.g. eduPerson OIDs). */
  attributes?: Readonly<Record<string, string | readonly string[]>>;
  /** Session tags: PrincipalTag:<key> attributes. */
  tags?: Readonly<Record<string, string>>;
  transitiveTagKeys?: readonly string[];
  sessionDuration?: number;
  sourceIdentity?: string;
  /** When the response is issued, and how long the assertion stays valid. */
  issuedAt: Date;
  lifetimeSeconds: number;
  /** The Response's own IssueInstant, when it should differ from the assertion's (`issuedAt`). */
  responseIssuedAt?: Date;
  /** SessionNotOnOrAfter on the AuthnStatement: when the IdP's session ends (none by default). */
  sessionNotOnOrAfter?: Date;
  audience?: string;
  recipient?: string;
  /** IDs (random in production use; given by tests that need them fixed). */
  responseId: string;
  assertionId: string;
}

const AWS = 'https://aws.amazon.com/SAML/Attributes/';
const SIGNIN = 'https://signin.aws.amazon.com/saml';

/** The unsigned Response XML, one Assertion inside. */
export function samlResponseXml(o: SamlResponseOptions): string {
  const issued = samlInstant(o.issuedAt);
  const until = samlInstant(new Date(o.issuedAt.getTime() + o.lifetimeSeconds * 1000));
  const recipient = o.recipient ?? SIGNIN;
  const sessionEnd = o.sessionNotOnOrAfter ? ` SessionNotOnOrAfter="${samlInstant(o.sessionNotOnOrAfter)}"` : '';
  const attributes: Array<[string, readonly string[]]> = [[`${AWS}Role`, o.rolePairs]];
  if (o.sessionName !== undefined) attributes.push([`${AWS}RoleSessionName`, [o.sessionName]]);
  if (o.sessionDuration !== undefined) attributes.push([`${AWS}SessionDuration`, [String(o.sessionDuration)]]);
  if (o.sourceIdentity !== undefined) attributes.push([`${AWS}SourceIdentity`, [o.sourceIdentity]]);
  for (const [key, value] of Object.entries(o.tags ?? {})) attributes.push([`${AWS}PrincipalTag:${key}`, [value]]);
  if (o.transitiveTagKeys && o.transitiveTagKeys.length > 0) attributes.push([`${AWS}TransitiveTagKeys`, o.transitiveTagKeys]);
  for (const [name, value] of Object.entries(o.attributes ?? {})) attributes.push([name, typeof value === 'string' ? [value] : value]);

  const attributeXml = attributes
    .map(([name, values]) => `<saml:Attribute Name="${xmlEscape(name)}">${values.map((v) => `<saml:AttributeValue>${xmlEscape(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`)
    .join('');
  return `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${o.responseId}" Version="2.0" IssueInstant="${samlInstant(o.responseIssuedAt ?? o.issuedAt)}" Destination="${xmlEscape(recipient)}">`
    + `<saml:Issuer>${xmlEscape(o.issuer)}</saml:Issuer>`
    + `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>`
    + `<saml:Assertion ID="${o.assertionId}" Version="2.0" IssueInstant="${issued}">`
    + `<saml:Issuer>${xmlEscape(o.issuer)}</saml:Issuer>`
    + `<saml:Subject><saml:NameID Format="${xmlEscape(o.subjectFormat ?? 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent')}">${xmlEscape(o.subject)}</saml:NameID>`
    + `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${until}" Recipient="${xmlEscape(recipient)}"/></saml:SubjectConfirmation></saml:Subject>`
    + `<saml:Conditions NotBefore="${issued}" NotOnOrAfter="${until}"><saml:AudienceRestriction><saml:Audience>${xmlEscape(o.audience ?? SIGNIN)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>`
    + `<saml:AuthnStatement AuthnInstant="${issued}" SessionIndex="${o.assertionId}"${sessionEnd}><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`
    + `<saml:AttributeStatement>${attributeXml}</saml:AttributeStatement>`
    + `</saml:Assertion></samlp:Response>`;
}

/**
 * Signs the element with the given ID (enveloped RSA-SHA256 signature, exclusive c14n),
 * placed right after that element's Issuer as SAML requires; the certificate goes in KeyInfo.
 */
export function signSamlElement(xml: string, elementId: string, key: SamlSigningKey): string {
  const sig = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certificatePem,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    xpath: `//*[@ID='${elementId}']`,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  sig.computeSignature(xml, { location: { reference: `//*[@ID='${elementId}']/*[local-name()='Issuer']`, action: 'after' } });
  return sig.getSignedXml();
}
