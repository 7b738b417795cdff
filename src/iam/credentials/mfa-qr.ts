import QRCode from 'qrcode';

/**
 * What CreateVirtualMFADevice hands out for an authenticator app to scan. AWS documents the
 * QR code's content as `otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String`,
 * AccountName being the account's alias when it has one, else its ID. The two names are
 * percent-encoded (a device name may itself contain '@').
 */
export function otpauthUri(deviceName: string, accountName: string, seed: string): string {
  return `otpauth://totp/${encodeURIComponent(deviceName)}@${encodeURIComponent(accountName)}?secret=${seed}`;
}

/** The QR code of `text` as PNG bytes (error correction M, the library's default). */
export async function qrCodePng(text: string): Promise<Uint8Array> {
  const png = await QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M' });
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
