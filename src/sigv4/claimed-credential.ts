/**
 * The credential a request claims, read exactly as parseSignedRequest reads it (the same
 * header tokenizer, the same query parameters, the same precedence of header over query),
 * but without requiring the rest of the signature to be well formed. A server that serves
 * several services on one endpoint uses it to answer even a malformed request in the
 * dialect of the service it was signed for. Nothing here is checked: not the date, not the
 * region, not the signature. Linear in the size of the header and the query.
 */

import { readAuthorizationParameters } from './authorization-header.ts';
import { parseCredential, type Credential } from './credential.ts';
import { headerValues } from './header-index.ts';
import { PRESIGNED_PARAMETERS } from './presigned-query.ts';
import { firstParameter, parseQueryParameters } from './query-parameters.ts';
import type { SigningRequest } from './types.ts';

export type { Credential } from './credential.ts';

export function claimedCredential(req: Pick<SigningRequest, 'headers' | 'query'>): Credential | undefined {
  const authorization = headerValues(req.headers, 'authorization')?.join(', ');
  const value =
    authorization !== undefined && authorization.trim() !== ''
      ? readAuthorizationParameters(authorization).parameters.get('Credential')
      : firstParameter(parseQueryParameters(req.query), PRESIGNED_PARAMETERS.credential);
  if (value === undefined || value === '') return undefined;
  const parsed = parseCredential(value);
  return parsed.ok ? parsed.credential : undefined;
}
