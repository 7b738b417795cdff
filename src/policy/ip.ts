// IPv4 / IPv6 addresses and CIDR blocks for the IpAddress / NotIpAddress operators.
//
// Addresses are held as BigInt so both families share one comparison. An IPv4 block
// matches only IPv4 addresses and an IPv6 block only IPv6 addresses (an IPv4-mapped IPv6
// address such as ::ffff:10.0.0.1 is an IPv6 address here; AWS's docs are silent on it).

export interface IpAddress {
  readonly version: 4 | 6;
  readonly value: bigint;
}

export interface IpBlock {
  readonly version: 4 | 6;
  /** The network address (host bits cleared). */
  readonly network: bigint;
  readonly prefix: number;
}

export function parseIp(text: string): IpAddress | null {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const value = parseIpv6(trimmed);
    return value === null ? null : { version: 6, value };
  }
  const value = parseIpv4(trimmed);
  return value === null ? null : { version: 4, value };
}

/** Parses `a.b.c.d/n`, `x::y/n`, or a bare address (a /32 or /128 block). */
export function parseIpBlock(text: string): IpBlock | null {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const addressText = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const address = parseIp(addressText);
  if (address === null) return null;
  const bits = address.version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash !== -1) {
    const prefixText = trimmed.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (prefix > bits) return null;
  }
  return { version: address.version, network: address.value & blockMask(bits, prefix), prefix };
}

export function ipInBlock(address: IpAddress, block: IpBlock): boolean {
  if (address.version !== block.version) return false;
  const bits = address.version === 4 ? 32 : 128;
  return (address.value & blockMask(bits, block.prefix)) === block.network;
}

function blockMask(bits: number, prefix: number): bigint {
  if (prefix === 0) return 0n;
  const all = (1n << BigInt(bits)) - 1n;
  return (all >> BigInt(bits - prefix)) << BigInt(bits - prefix);
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    // Decimal octets only; leading zeros are refused because some parsers read them as octal.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  if (text.length === 0 || text.length > 45) return null;
  const doubleColon = text.indexOf('::');
  if (doubleColon !== -1 && text.indexOf('::', doubleColon + 1) !== -1) return null;

  const groups: number[] = [];
  const parseSide = (side: string, allowTrailingIpv4: boolean): number[] | null => {
    if (side === '') return [];
    const pieces = side.split(':');
    const out: number[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (allowTrailingIpv4 && i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === null) return null;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return null;
      out.push(parseInt(piece, 16));
    }
    return out;
  };

  if (doubleColon === -1) {
    const all = parseSide(text, true);
    if (all === null || all.length !== 8) return null;
    groups.push(...all);
  } else {
    const head = parseSide(text.slice(0, doubleColon), false);
    const tail = parseSide(text.slice(doubleColon + 2), true);
    if (head === null || tail === null) return null;
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups.push(...head, ...new Array<number>(missing).fill(0), ...tail);
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}
