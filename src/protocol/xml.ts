// A small XML writer for AWS Query responses. AWS indents its documents by two
// spaces, one element per line, and ends them with a newline; this does the same.

export interface XmlElement {
  readonly name: string;
  readonly attributes?: Readonly<Record<string, string>>;
  /** Text content; an empty string renders as a self-closed element. */
  readonly text?: string;
  readonly children?: readonly XmlElement[];
}

// Characters XML 1.0 cannot carry at all (C0 controls other than tab/LF/CR,
// U+FFFE/U+FFFF, unpaired surrogates) become U+FFFD so the document stays parseable.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// Text is escaped as AWS's XML writer escapes it (&, <, >; quotes stay as they
// are); a literal CR is written as a reference because any XML parser would
// otherwise turn it into LF.
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\r': '&#xD;',
};

// Anything either replacement above could change (every surrogate, paired or not): text
// without one — nearly all of it — is returned as it is, without two passes of replace.
const MAY_NEED_ESCAPING = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF&<>\r]/;

export function escapeXml(text: string): string {
  if (!MAY_NEED_ESCAPING.test(text)) return text;
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>\r]/g, (ch) => ESCAPES[ch] ?? ch);
}

function escapeAttribute(text: string): string {
  return escapeXml(text).replace(/"/g, ESCAPES['"'] ?? '"');
}

/** Built as one string, element by element (each line ends with a newline, the last too). */
export function renderXmlDocument(root: XmlElement): string {
  return renderElement(root, 0, '');
}

const INDENTS: string[] = [];

function indentOf(depth: number): string {
  return (INDENTS[depth] ??= '  '.repeat(depth));
}

function renderElement(element: XmlElement, depth: number, out: string): string {
  const indent = indentOf(depth);
  let open = element.name;
  const attributes = element.attributes;
  if (attributes !== undefined) {
    for (const [name, value] of Object.entries(attributes)) open += ` ${name}="${escapeAttribute(value)}"`;
  }
  if (element.children !== undefined && element.children.length > 0) {
    out += `${indent}<${open}>\n`;
    for (const child of element.children) out = renderElement(child, depth + 1, out);
    return `${out}${indent}</${element.name}>\n`;
  }
  if (element.text !== undefined && element.text !== '') return `${out}${indent}<${open}>${escapeXml(element.text)}</${element.name}>\n`;
  return `${out}${indent}<${open}/>\n`;
}
