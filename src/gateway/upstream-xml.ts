import { DOMParser, type Element } from '@xmldom/xmldom';

/**
 * Reading the XML the upstream answers the gateway's own reads with (S3, SQS, SNS, EC2): no
 * document type declarations (no entity expansion), malformed XML refused, elements found by
 * their local name.
 */
export class UpstreamReadError extends Error {
  override readonly name = 'UpstreamReadError';
}

export function xmlRoot(body: Buffer): Element {
  const text = body.toString('utf8');
  if (text.includes('<!DOCTYPE') || text.includes('<!ENTITY')) throw new UpstreamReadError('the upstream answered with a document type declaration');
  const document = new DOMParser({ onError: (level) => {
    if (level !== 'warning') throw new UpstreamReadError('the upstream answered with malformed XML');
  } }).parseFromString(text, 'application/xml');
  if (document.documentElement === null) throw new UpstreamReadError('the upstream answered with an empty XML document');
  return document.documentElement;
}

export function descendants(element: Element, name: string): Element[] {
  return Array.from(element.getElementsByTagName(name)) as Element[];
}

export function childText(element: Element, name: string): string | undefined {
  for (let node = element.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).localName === name) return node.textContent ?? '';
  }
  return undefined;
}
