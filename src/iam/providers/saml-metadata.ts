import { X509Certificate } from 'node:crypto';
import { DOMParser, onErrorStopParsing, type Element } from '@xmldom/xmldom';
import { xmlNestingExceeds } from '../../kernel/xml-nesting.ts';
import { unparsableSamlMetadata } from './messages.ts';

/**
 * The parts of a SAML 2.0 metadata document IAM relies on: an EntityDescriptor (its entityID
 * is the IdP's issuer name) with an IDPSSODescriptor for the SAML 2.0 protocol that names at
 * least one certificate for signing. Anything else is AWS's InvalidInput "Could not parse
 * metadata". The XML is only read, never fetched from or expanded (no external entities).
 */

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';

export interface SamlMetadata {
  entityId: string;
  /** Signing certificates as PEM, in document order, each once. */
  signingCertificates: string[];
  /** The document's validUntil (EntityDescriptor, else IDPSSODescriptor), if it has one. */
  validUntil?: Date;
}

/** Metadata nests a handful of levels (EntityDescriptor › IDPSSODescriptor › KeyDescriptor › KeyInfo › X509Data › X509Certificate). */
const MAX_NESTING = 64;

export function parseSamlMetadata(document: string): SamlMetadata {
  if (xmlNestingExceeds(document, MAX_NESTING)) throw unparsableSamlMetadata();
  let root: Element | null;
  try {
    root = new DOMParser({ onError: onErrorStopParsing }).parseFromString(document, 'text/xml').documentElement;
  } catch {
    throw unparsableSamlMetadata();
  }
  if (!root || root.namespaceURI !== MD || root.localName !== 'EntityDescriptor') throw unparsableSamlMetadata();
  const entityId = root.getAttribute('entityID');
  if (!entityId) throw unparsableSamlMetadata();

  const idp = childElements(root, MD, 'IDPSSODescriptor').find((d) =>
    (d.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML2_PROTOCOL),
  );
  if (!idp) throw unparsableSamlMetadata();

  const signingCertificates: string[] = [];
  for (const descriptor of childElements(idp, MD, 'KeyDescriptor')) {
    // A KeyDescriptor without `use` serves both signing and encryption (SAML metadata §2.4.1.1).
    const use = descriptor.getAttribute('use');
    if (use && use !== 'signing') continue;
    for (const element of Array.from(descriptor.getElementsByTagNameNS(DS, 'X509Certificate'))) {
      const pem = certificatePem(element.textContent ?? '');
      if (!signingCertificates.includes(pem)) signingCertificates.push(pem);
    }
  }
  if (signingCertificates.length === 0) throw unparsableSamlMetadata();

  const validUntil = validUntilOf(root) ?? validUntilOf(idp);
  return { entityId, signingCertificates, ...(validUntil ? { validUntil } : {}) };
}

function childElements(parent: Element, namespace: string, localName: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (node): node is Element => node.nodeType === 1 && (node as Element).namespaceURI === namespace && (node as Element).localName === localName,
  );
}

/** The base64 DER of ds:X509Certificate as a PEM certificate, or InvalidInput if it is none. */
function certificatePem(base64: string): string {
  const compact = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw unparsableSamlMetadata();
  try {
    return new X509Certificate(Buffer.from(compact, 'base64')).toString();
  } catch {
    throw unparsableSamlMetadata();
  }
}

function validUntilOf(element: Element): Date | undefined {
  const value = element.getAttribute('validUntil');
  if (!value) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw unparsableSamlMetadata();
  return date;
}
