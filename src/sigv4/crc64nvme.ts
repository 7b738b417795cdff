/**
 * CRC-64/NVME, as S3's flexible checksums use it (`x-amz-checksum-crc64nvme`, S3's default
 * full-object checksum): reflected polynomial 0x9A6C9329AC4BC9B5, initial value and final XOR
 * all ones (NVM Express Command Set Specification, "64b CRC"). Node has no built-in for it.
 * JavaScript numbers hold 53 bits, so the register is two 32-bit halves; table-driven, eight
 * bytes a step ("slicing-by-8"). Check value: CRC-64/NVME("123456789") = 0xAE8B14860A799888.
 */

const POLYNOMIAL_HI = 0x9a6c9329;
const POLYNOMIAL_LO = 0xac4bc9b5;

/** LO/HI[k * 256 + n]: the CRC of byte n followed by k zero bytes, as two halves. */
const [LO, HI] = buildTables();

function buildTables(): [Uint32Array, Uint32Array] {
  const lo = new Uint32Array(8 * 256);
  const hi = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let crcLo = n;
    let crcHi = 0;
    for (let bit = 0; bit < 8; bit++) {
      const carry = crcLo & 1;
      crcLo = (crcLo >>> 1) | ((crcHi & 1) << 31);
      crcHi = crcHi >>> 1;
      if (carry) {
        crcLo ^= POLYNOMIAL_LO;
        crcHi ^= POLYNOMIAL_HI;
      }
    }
    lo[n] = crcLo >>> 0;
    hi[n] = crcHi >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const previousLo = lo[(k - 1) * 256 + n]!;
      const previousHi = hi[(k - 1) * 256 + n]!;
      const index = previousLo & 0xff;
      // (previous >>> 8) ^ T0[previous & 0xff], on two halves.
      lo[k * 256 + n] = (((previousLo >>> 8) | (previousHi << 24)) ^ lo[index]!) >>> 0;
      hi[k * 256 + n] = ((previousHi >>> 8) ^ hi[index]!) >>> 0;
    }
  }
  return [lo, hi];
}

/** Incremental CRC-64/NVME. */
export class Crc64Nvme {
  #lo = 0xffffffff;
  #hi = 0xffffffff;

  update(data: Uint8Array): this {
    let lo = this.#lo;
    let hi = this.#hi;
    let i = 0;
    const end8 = data.length - (data.length % 8);
    while (i < end8) {
      // XOR eight input bytes into the 64-bit register, then look each byte up in its table.
      const a = lo ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
      const b = hi ^ (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24));
      const i7 = 7 * 256 + (a & 0xff);
      const i6 = 6 * 256 + ((a >>> 8) & 0xff);
      const i5 = 5 * 256 + ((a >>> 16) & 0xff);
      const i4 = 4 * 256 + (a >>> 24);
      const i3 = 3 * 256 + (b & 0xff);
      const i2 = 2 * 256 + ((b >>> 8) & 0xff);
      const i1 = 256 + ((b >>> 16) & 0xff);
      const i0 = b >>> 24;
      lo = LO[i7]! ^ LO[i6]! ^ LO[i5]! ^ LO[i4]! ^ LO[i3]! ^ LO[i2]! ^ LO[i1]! ^ LO[i0]!;
      hi = HI[i7]! ^ HI[i6]! ^ HI[i5]! ^ HI[i4]! ^ HI[i3]! ^ HI[i2]! ^ HI[i1]! ^ HI[i0]!;
      i += 8;
    }
    for (; i < data.length; i++) {
      const index = (lo ^ data[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ LO[index]!;
      hi = (hi >>> 8) ^ HI[index]!;
    }
    this.#lo = lo >>> 0;
    this.#hi = hi >>> 0;
    return this;
  }

  /** The CRC as 8 big-endian bytes. */
  digest(): Uint8Array {
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, (this.#hi ^ 0xffffffff) >>> 0);
    view.setUint32(4, (this.#lo ^ 0xffffffff) >>> 0);
    return out;
  }
}

export function crc64nvme(data: Uint8Array): Uint8Array {
  return new Crc64Nvme().update(data).digest();
}
