/**
 * What a trail's status says of a failed delivery: S3's error code, as CloudTrail's
 * `LatestDeliveryError` does (`NoSuchBucket`, `AccessDenied`), never the failure's own text —
 * a local folder's path, an upstream's address — which is for the server's log.
 */

/** A delivery the destination refused before anything was written (its bucket policy no longer lets CloudTrail in). */
export class DeliveryRefused extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const NO_SUCH_BUCKET: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR']);
const ACCESS_DENIED: ReadonlySet<string> = new Set(['EACCES', 'EPERM', 'EROFS']);

export function deliveryErrorCode(err: unknown): string {
  if (err instanceof DeliveryRefused) return err.code;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NO_SUCH_BUCKET.has(code)) return 'NoSuchBucket';
  if (typeof code === 'string' && ACCESS_DENIED.has(code)) return 'AccessDenied';
  const status = (err as { status?: unknown } | null)?.status;
  if (status === 404) return 'NoSuchBucket';
  if (status === 403) return 'AccessDenied';
  return 'InternalError';
}
