/**
 * Whether an XML text's elements nest deeper than `limit`, judged by a scan of its characters
 * before any parser sees it: `<name` opens, `</` and `/>` close, `<!…` and `<?…` do neither.
 * A 10,000-deep document cost the DOM parser 70-275 ms to refuse; this scan costs a fraction
 * of a millisecond. It only refuses early what the parser would refuse or choke on: a `/>`
 * inside an attribute value can make it count too shallow, never too deep, and the parser
 * still decides everything else.
 */
export function xmlNestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at + 1)) {
    const next = text.charCodeAt(at + 1);
    if (next === 0x2f /* / */) {
      depth--;
    } else if (next !== 0x21 /* ! */ && next !== 0x3f /* ? */) {
      const end = text.indexOf('>', at + 1);
      if (end === -1) return false;
      if (text.charCodeAt(end - 1) !== 0x2f /* / */ && ++depth > limit) return true;
    }
  }
  return false;
}
