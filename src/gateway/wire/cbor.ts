// The one CBOR document the gateway writes: a refusal to a Smithy RPC v2 CBOR client (CloudWatch's
// newest SDKs), a map of text strings (`{"__type": …, "message": …}`), in CBOR's definite-length
// encoding (RFC 8949: major type 5 for the map, 3 for each text string, lengths in the shortest
// form). The gateway reads no CBOR: such requests are refused (identify.ts).

/** A CBOR map of text keys to text values. */
export function encodeTextMap(map: Readonly<Record<string, string>>): Buffer {
  const entries = Object.entries(map);
  const parts: Buffer[] = [head(5, entries.length)];
  for (const [key, value] of entries) parts.push(text(key), text(value));
  return Buffer.concat(parts);
}

function text(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([head(3, bytes.length), bytes]);
}

/** A data item's head: its major type and its argument (a length), in the fewest bytes. */
function head(major: number, length: number): Buffer {
  const type = major << 5;
  if (length < 24) return Buffer.from([type | length]);
  if (length < 0x100) return Buffer.from([type | 24, length]);
  if (length < 0x10000) {
    const out = Buffer.alloc(3);
    out[0] = type | 25;
    out.writeUInt16BE(length, 1);
    return out;
  }
  const out = Buffer.alloc(5);
  out[0] = type | 26;
  out.writeUInt32BE(length, 1);
  return out;
}
