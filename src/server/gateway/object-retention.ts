// S3 Object Lock: a version's retention may be extended by anyone allowed
// s3:PutObjectRetention, but not weakened. A GOVERNANCE retention is shortened or removed only
// with `x-amz-bypass-governance-retention: true` (which the mapping then decides as
// s3:BypassGovernanceRetention too); a COMPLIANCE retention is never shortened, removed or
// turned into GOVERNANCE while it runs, by anyone (S3 User Guide, "Object Lock": retention
// modes). moto's PutObjectRetention replaces any retention with no check — a caller allowed
// only s3:PutObjectRetention moved a GOVERNANCE date into the past and then deleted the
// version. So before forwarding one, the gateway reads the version's retention (its HEAD, with
// the gateway's own credentials) and refuses a weakening as S3 does: 403 AccessDenied.
//
// moto's DeleteObject also takes the mere presence of `x-amz-bypass-governance-retention` for a
// bypass, where S3 (and the mapping) read the boolean: a header saying anything but `true` is
// not forwarded (`forwardedBypassHeaders`).

import type { GatewayFailure } from '../../gateway/errors.ts';
import { readObjectRetention, type ReadContext } from '../../gateway/upstream-reads.ts';
import { objectLockMembers } from '../../gateway/services/s3-body.ts';

const ACCESS_DENIED: GatewayFailure = { code: 'AccessDenied', message: 'Access Denied', status: 403 };
const BYPASS_HEADER = 'x-amz-bypass-governance-retention';

/** Whether the request asks for a governance bypass, as S3 (and the mapping) read the header: its one value says `true`. */
export function asksBypass(headers: Readonly<Record<string, string | readonly string[] | undefined>>): boolean {
  const value = headers[BYPASS_HEADER];
  const only = typeof value === 'string' ? value : value?.length === 1 ? value[0] : undefined;
  return only !== undefined && only.trim().toLowerCase() === 'true';
}

/** The request's headers as forwarded: a bypass header that does not say `true` is left out. */
export function forwardedBypassHeaders<H extends Readonly<Record<string, string | readonly string[] | undefined>>>(headers: H): H {
  if (headers[BYPASS_HEADER] === undefined || asksBypass(headers)) return headers;
  const { [BYPASS_HEADER]: _dropped, ...rest } = headers;
  return rest as H;
}

/**
 * Why a PutObjectRetention must not be forwarded: it weakens a running retention without the
 * bypass (GOVERNANCE) or at all (COMPLIANCE). 503 when the version's retention cannot be read.
 */
export async function retentionWeakening(
  reads: ReadContext,
  request: { operation: string; bucket: string; key: string; query: string; body: Buffer | undefined; bypass: boolean; now: Date },
): Promise<GatewayFailure | undefined> {
  if (request.operation !== 'PutObjectRetention' || request.body === undefined) return undefined;
  const versionId = new URLSearchParams(request.query).get('versionId') ?? undefined;
  let current;
  try {
    current = await readObjectRetention(request.bucket, request.key, versionId, reads);
  } catch {
    return { code: 'ServiceUnavailable', message: `Tessera could not read the retention of ${request.bucket}/${request.key} from the s3 upstream; the request was not forwarded.`, status: 503 };
  }
  // No retention: anything may be set.
  if (current === undefined) return undefined;
  const currentUntil = Date.parse(current.until);
  // A retention whose date cannot be read is taken as running, whatever its date: the
  // gateway refuses what it cannot check rather than let it weaken a lock.
  if (Number.isNaN(currentUntil) && !request.bypass) return ACCESS_DENIED;
  // One that has run out: anything may be set.
  if (currentUntil <= request.now.getTime()) return undefined;
  const members = objectLockMembers(request.body, 'PutObjectRetention');
  // (A malformed document was refused by the mapping.)
  if (typeof members === 'string') return ACCESS_DENIED;
  const asked = new Map(members);
  const mode = asked.get('ObjectLockMode')?.toUpperCase();
  const until = Date.parse(asked.get('ObjectLockRetainUntilDate') ?? '');
  const shortened = mode === undefined || !(until >= currentUntil);
  if (current.mode.toUpperCase() === 'COMPLIANCE') return mode !== 'COMPLIANCE' || shortened ? ACCESS_DENIED : undefined;
  // GOVERNANCE: to COMPLIANCE or later is a strengthening; earlier, or none, needs the bypass.
  return shortened && !request.bypass ? ACCESS_DENIED : undefined;
}
