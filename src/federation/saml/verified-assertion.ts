import { DOMParser, type Element, type Node } from '@xmldom/xmldom';

/**
 * What a signature-checked SAML assertion says, read from the assertion's own signed XML
 * (never from the unsigned parts of the response around it).
 */
export interface VerifiedAssertion {
  id: string;
  issuer: string;
  /** When the IdP issued the assertion (required by SAML core; AWS redeems it for 5 minutes). */
  issueInstant: Date;
  nameId?: string;
  nameIdFormat?: string;
  nameQualifier?: string;
  /** Every Audience of every AudienceRestriction. */
  audiences: string[];
  /** Bearer SubjectConfirmationData Recipients. */
  recipients: string[];
  notBefore?: Date;
  /** The earliest NotOnOrAfter of the Conditions and the subject confirmations. */
  notOnOrAfter?: Date;
  /** The earliest SessionNotOnOrAfter of the AuthnStatements: when the IdP's session ends. */
  sessionNotOnOrAfter?: Date;
  /** Attribute values by attribute Name, in document order. */
  attributes: ReadonlyMap<string, readonly string[]>;
}

const ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';

/** Reads the assertion XML (already verified); undefined when it is not an Assertion with an ID, IssueInstant and Issuer. */
export function readAssertion(xml: string): VerifiedAssertion | undefined {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (!root || root.localName !== 'Assertion' || root.namespaceURI !== ASSERTION_NS) return undefined;
  const id = root.getAttribute('ID');
  const issuer = childText(root, 'Issuer');
  if (!id || issuer === undefined) return undefined;

  const subject = children(root, 'Subject')[0];
  const nameIdElement = subject ? children(subject, 'NameID')[0] : undefined;
  const conditions = children(root, 'Conditions')[0];
  const audiences = conditions
    ? children(conditions, 'AudienceRestriction').flatMap((r) => children(r, 'Audience').map((a) => text(a)))
    : [];
  const confirmations = subject
    ? children(subject, 'SubjectConfirmation')
      .filter((c) => c.getAttribute('Method') === 'urn:oasis:names:tc:SAML:2.0:cm:bearer')
      .flatMap((c) => children(c, 'SubjectConfirmationData'))
    : [];
  const recipients = confirmations.map((d) => d.getAttribute('Recipient') ?? '').filter((r) => r !== '');
  const endTexts = [conditions?.getAttribute('NotOnOrAfter'), ...confirmations.map((d) => d.getAttribute('NotOnOrAfter'))].filter((v): v is string => !!v);
  const ends = endTexts.map(instant);
  const notBefore = conditions?.getAttribute('NotBefore') ? instant(conditions.getAttribute('NotBefore')!) : undefined;
  const issueInstantText = root.getAttribute('IssueInstant');
  if (!issueInstantText) return undefined;
  const issueInstant = instant(issueInstantText);
  const sessionEnds = children(root, 'AuthnStatement')
    .map((s) => s.getAttribute('SessionNotOnOrAfter'))
    .filter((v): v is string => !!v)
    .map(instant);
  // A time that cannot be read makes the whole assertion unreadable (never "no limit").
  if ([...ends, ...sessionEnds, notBefore, issueInstant].some((d) => d !== undefined && Number.isNaN(d.getTime()))) return undefined;

  const attributes = new Map<string, string[]>();
  for (const statement of children(root, 'AttributeStatement')) {
    for (const attribute of children(statement, 'Attribute')) {
      const name = attribute.getAttribute('Name');
      if (!name) continue;
      const values = attributes.get(name) ?? [];
      values.push(...children(attribute, 'AttributeValue').map((v) => text(v)));
      attributes.set(name, values);
    }
  }

  return {
    id,
    issuer,
    issueInstant,
    ...(nameIdElement ? { nameId: text(nameIdElement) } : {}),
    ...(nameIdElement?.getAttribute('Format') ? { nameIdFormat: nameIdElement.getAttribute('Format')! } : {}),
    ...(nameIdElement?.getAttribute('NameQualifier') ? { nameQualifier: nameIdElement.getAttribute('NameQualifier')! } : {}),
    audiences,
    recipients,
    ...(notBefore ? { notBefore } : {}),
    ...(ends.length > 0 ? { notOnOrAfter: earliest(ends) } : {}),
    ...(sessionEnds.length > 0 ? { sessionNotOnOrAfter: earliest(sessionEnds) } : {}),
    attributes,
  };
}

function earliest(dates: readonly Date[]): Date {
  return new Date(Math.min(...dates.map((d) => d.getTime())));
}

/** An xs:dateTime (an Invalid Date when unreadable, refused by the caller). */
function instant(value: string): Date {
  return new Date(Date.parse(value));
}

function children(parent: Element, localName: string): Element[] {
  const found: Element[] = [];
  for (let node: Node | null = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).localName === localName && (node as Element).namespaceURI === ASSERTION_NS) found.push(node as Element);
  }
  return found;
}

function childText(parent: Element, localName: string): string | undefined {
  const child = children(parent, localName)[0];
  return child ? text(child) : undefined;
}

function text(element: Element): string {
  return (element.textContent ?? '').trim();
}
