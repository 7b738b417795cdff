import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import { otpauthUri, qrCodePng } from './mfa-qr.ts';

test("the otpauth URI has AWS's documented form, names percent-encoded", () => {
  assert.equal(otpauthUri('alice-phone', 'example-corp', 'JBSWY3DPEHPK3PXP'), 'otpauth://totp/alice-phone@example-corp?secret=JBSWY3DPEHPK3PXP');
  assert.equal(otpauthUri('a@b', '123456789012', 'ABC'), 'otpauth://totp/a%40b@123456789012?secret=ABC');
});

test('the PNG decodes to the QR code modules of exactly that text', async () => {
  const text = 'otpauth://totp/alice-phone@example-corp?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const image = decodePng(Buffer.from(await qrCodePng(text)));
  const modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  // The image is the module grid plus a quiet zone, every module a square of `scale` pixels.
  const scale = image.width / (modules.size + 8);
  assert.ok(Number.isInteger(scale) && scale >= 1 && image.width === image.height, `${image.width}x${image.height}`);
  let dark = 0;
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      const x = (col + 4) * scale + Math.floor(scale / 2);
      const y = (row + 4) * scale + Math.floor(scale / 2);
      const isDark = image.pixel(x, y) < 128;
      assert.equal(isDark, Boolean(modules.get(row, col)), `module ${row},${col}`);
      if (isDark) dark++;
    }
  }
  assert.ok(dark > modules.size * 4, 'a real code, not a blank image');
  // Another text gives another image.
  assert.notDeepEqual(await qrCodePng(text), await qrCodePng(text.replace('alice', 'bob')));
});

/** A minimal PNG reader (8-bit greyscale/RGB/RGBA, non-interlaced): enough to read a QR code back. */
function decodePng(png: Buffer): { width: number; height: number; pixel(x: number, y: number): number } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.subarray(offset + 4, offset + 8).toString('latin1');
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      assert.equal(body[8], 8, 'bit depth');
      assert.equal(body[12], 0, 'not interlaced');
      channels = ({ 0: 1, 2: 3, 6: 4 } as Record<number, number>)[body[9]!] ?? 0;
      assert.ok(channels > 0, `colour type ${body[9]}`);
    } else if (type === 'IDAT') {
      idat.push(body);
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const value = raw[y * (stride + 1) + 1 + i]!;
      const left = i >= channels ? out[y * stride + i - channels]! : 0;
      const up = y > 0 ? out[(y - 1) * stride + i]! : 0;
      const upLeft = y > 0 && i >= channels ? out[(y - 1) * stride + i - channels]! : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      assert.ok(predictor !== undefined, `filter ${filter}`);
      out[y * stride + i] = (value + predictor) & 255;
    }
  }
  return { width, height, pixel: (x, y) => out[y * stride + x * channels]! };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
