// Conversions of scalar values between their wire text and JavaScript, shared
// by the Query and JSON codecs.

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** ISO 8601 with a zone (as the SDKs send timestamps), or epoch seconds. */
export function parseTimestamp(raw: string): Date | undefined {
  if (/^\d+(\.\d+)?$/.test(raw)) {
    const epoch = new Date(Number(raw) * 1000);
    return Number.isNaN(epoch.getTime()) ? undefined : epoch;
  }
  if (!ISO_8601.test(raw)) return undefined;
  const date = new Date(raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function toDate(value: unknown): Date {
  const date = value instanceof Date ? value : new Date(value as string | number);
  if (Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${String(value)}`);
  return date;
}

/** `2024-01-02T03:04:05Z`, with milliseconds only when there are some (as STS's Expiration has). */
export function formatIsoTimestamp(value: unknown): string {
  const iso = toDate(value).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** Epoch seconds, fractional when the time has milliseconds (JSON protocols). */
export function toEpochSeconds(value: unknown): number {
  return toDate(value).getTime() / 1000;
}

export function toBase64(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return Buffer.from(String(value), 'utf8').toString('base64');
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}
