/**
 * CRC-32C (Castagnoli), as S3's flexible checksums use it (`x-amz-checksum-crc32c`):
 * reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF (RFC 3720 §B.4).
 * Node has no built-in for it. Table-driven, eight bytes a step ("slicing-by-8").
 * Check value: CRC-32C("123456789") = 0xE3069283.
 */

const POLYNOMIAL = 0x82f63b78;

/** TABLES[k * 256 + n]: the CRC of byte n followed by k zero bytes. */
const TABLES = buildTables();

function buildTables(): Uint32Array {
  const tables = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let crc = n;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
    tables[n] = crc >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const previous = tables[(k - 1) * 256 + n]!;
      tables[k * 256 + n] = (previous >>> 8) ^ tables[previous & 0xff]!;
    }
  }
  return tables;
}

/** Continues a CRC-32C register (pre-inverted) over `data`. */
function updateRegister(register: number, data: Uint8Array): number {
  const t = TABLES;
  let crc = register;
  let i = 0;
  const end8 = data.length - (data.length % 8);
  while (i < end8) {
    const a = crc ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    crc =
      t[7 * 256 + (a & 0xff)]! ^
      t[6 * 256 + ((a >>> 8) & 0xff)]! ^
      t[5 * 256 + ((a >>> 16) & 0xff)]! ^
      t[4 * 256 + (a >>> 24)]! ^
      t[3 * 256 + data[i + 4]!]! ^
      t[2 * 256 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
    i += 8;
  }
  for (; i < data.length; i++) crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return crc >>> 0;
}

/** Incremental CRC-32C. */
export class Crc32c {
  #register = 0xffffffff;

  update(data: Uint8Array): this {
    this.#register = updateRegister(this.#register, data);
    return this;
  }

  /** The CRC as an unsigned 32-bit number. */
  value(): number {
    return (this.#register ^ 0xffffffff) >>> 0;
  }
}

export function crc32c(data: Uint8Array): number {
  return new Crc32c().update(data).value();
}
