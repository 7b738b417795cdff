// How much an S3 refusal says. S3 explains an access denied error ("User: … is not authorized
// to perform: … because …") only for a request made within the bucket owner's AWS account or
// its AWS Organizations organization; anyone else reads "Access Denied" and nothing more
// (Amazon S3 User Guide, "Troubleshoot access denied (403 Forbidden) errors": "Amazon S3 now
// includes additional context in access denied errors for requests made to resources within
// the same AWS account or same organization in AWS Organizations").

import type { ServerDeps } from '../deps.ts';

/** Whether S3 would explain its refusal to a caller of `callerAccount` about a resource of `ownerAccount`. */
export async function s3ExplainsRefusal(deps: Pick<ServerDeps, 'store' | 'organizations'>, callerAccount: string | undefined, ownerAccount: string | undefined): Promise<boolean> {
  if (callerAccount === undefined || callerAccount === '') return false;
  if (ownerAccount === undefined || ownerAccount === callerAccount) return true;
  const [caller, owner] = await Promise.all([deps.organizations(deps.store, callerAccount), deps.organizations(deps.store, ownerAccount)]);
  return caller !== undefined && owner !== undefined && caller.orgId === owner.orgId;
}
