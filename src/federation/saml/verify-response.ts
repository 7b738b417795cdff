import { SAML } from '@node-saml/node-saml';
import { DOMParser, type Document, type Node } from '@xmldom/xmldom';
import { ServiceError } from '../../protocol/errors.ts';
import { xmlNestingExceeds } from '../../kernel/xml-nesting.ts';
import { invalidSamlResponse, responseSignatureInvalid } from './errors.ts';
import { readAssertion, type VerifiedAssertion } from './verified-assertion.ts';

/** A verified response: its one assertion as signed, and the Response's own IssueInstant. */
export interface VerifiedResponse {
  assertion: VerifiedAssertion;
  /**
   * The Response's own IssueInstant. Unsigned when only the assertion is signed, so it serves
   * only to refuse (a stale one), never to accept.
   */
  issueInstant: Date;
}

/**
 * Checks a base64 SAML Response's signature with the provider's metadata certificates only
 * (a certificate carried in the message is never trusted) and returns its one assertion as
 * signed. Either the Response or the Assertion may carry the signature; node-saml verifies
 * it with xml-crypto and hands back only the content the signature covers, refusing more
 * than one assertion, more than one signature on an element, and references to anything but
 * the enveloping element — which is what defeats signature wrapping.
 *
 * Times, audience and recipient are NOT checked here (node-saml would read the system clock):
 * the caller checks them against the injected clock.
 *
 * Everything before the signature check depends on the message alone, never on the provider:
 * called with no certificates (a provider that does not exist), every message gets the answer
 * a provider whose keys do not match would give.
 */
export async function verifySamlResponse(base64Response: string, signingCertificates: readonly string[]): Promise<VerifiedResponse> {
  const xml = decodeBase64(base64Response);
  const issueInstant = responseIssueInstant(refuseHiddenContent(xml));
  if (signingCertificates.length === 0) throw responseSignatureInvalid();

  const saml = new SAML({
    idpCert: [...signingCertificates],
    // Required by node-saml for making requests; unused when only validating responses.
    issuer: 'urn:amazon:webservices',
    callbackUrl: 'https://signin.aws.amazon.com/saml',
    audience: false,
    wantAuthnResponseSigned: false,
    wantAssertionsSigned: false,
    acceptedClockSkewMs: -1,
  });
  let assertionXml: string;
  try {
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: Buffer.from(xml, 'utf8').toString('base64') });
    if (!profile?.getAssertionXml) throw invalidSamlResponse();
    assertionXml = profile.getAssertionXml();
  } catch (err) {
    if (err instanceof ServiceError) throw err;
    throw responseSignatureInvalid();
  }
  const assertion = readAssertion(assertionXml);
  if (!assertion) throw invalidSamlResponse();
  return { assertion, issueInstant };
}

/** SAML core requires IssueInstant on a Response; one missing or unreadable is not a SAML response. */
function responseIssueInstant(doc: Document): Date {
  const text = doc.documentElement!.getAttribute('IssueInstant');
  const at = text ? new Date(Date.parse(text)) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw invalidSamlResponse();
  return at;
}

function decodeBase64(value: string): string {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length === 0) throw invalidSamlResponse();
  return Buffer.from(compact, 'base64').toString('utf8');
}

/**
 * Comments and processing instructions are dropped by exclusive canonicalization, so they can
 * sit inside signed text without breaking the signature — the classic trick of splitting a
 * NameID ("admin@corp.example<!---->.evil.example") so a lax reader sees another subject. A
 * SAML response has no reason to carry either, nor a DOCTYPE (entity expansion): refuse them.
 */
function refuseHiddenContent(xml: string): Document {
  // A response nests about ten levels (Response › Assertion › Signature › SignedInfo › …):
  // a deeper one is refused before the DOM parser spends on it.
  if (xmlNestingExceeds(xml, 64)) throw invalidSamlResponse();
  let failed = false;
  let doc: Document | undefined;
  try {
    doc = new DOMParser({ onError: (level) => { if (level !== 'warning') failed = true; } }).parseFromString(xml, 'text/xml');
  } catch {
    failed = true;
  }
  if (failed || !doc?.documentElement || doc.documentElement.localName !== 'Response') throw invalidSamlResponse();
  const stack: Node[] = [doc];
  while (stack.length > 0) {
    const node = stack.pop()!;
    // 7 processing instruction, 8 comment, 10 document type.
    if (node.nodeType === 7 || node.nodeType === 8 || node.nodeType === 10) throw responseSignatureInvalid();
    for (let child = node.firstChild; child; child = child.nextSibling) stack.push(child);
  }
  return doc;
}
