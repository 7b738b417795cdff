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

export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>\r]/g, (ch) => ESCAPES[ch] ?? ch);
}

function escapeAttribute(text: string): string {
  return escapeXml(text).replace(/"/g, ESCAPES['"'] ?? '"');
}

export function renderXmlDocument(root: XmlElement): string {
  const lines: string[] = [];
  renderElement(root, 0, lines);
  return `${lines.join('\n')}\n`;
}

function renderElement(element: XmlElement, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  const attributes = Object.entries(element.attributes ?? {})
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join('');
  const open = `${element.name}${attributes}`;
  if (element.children !== undefined && element.children.length > 0) {
    lines.push(`${indent}<${open}>`);
    for (const child of element.children) renderElement(child, depth + 1, lines);
    lines.push(`${indent}</${element.name}>`);
  } else if (element.text !== undefined && element.text !== '') {
    lines.push(`${indent}<${open}>${escapeXml(element.text)}</${element.name}>`);
  } else {
    lines.push(`${indent}<${open}/>`);
  }
}
