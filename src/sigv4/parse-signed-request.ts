/**
 * Entry point of authentication: which form the request is signed in, and what it claims.
 * Nothing here is cryptographic and nothing throws: the server looks up the access key
 * from the result, then calls verifySignedRequest.
 */

import { parseAuthorizationHeader } from './authorization-header.ts';
import { bothHeaderAndQueryAuth, missingAuthenticationToken } from './errors.ts';
import { indexHeaders } from './header-index.ts';
import { hasPresignedParameters, parsePresignedQuery, PRESIGNED_PARAMETERS } from './presigned-query.ts';
import { parseQueryParameters } from './query-parameters.ts';
import type { ParseResult, SigningRequest } from './types.ts';

export function parseSignedRequest(req: SigningRequest): ParseResult {
  const headers = req.headerIndex ?? indexHeaders(req.headers);
  const parameters = parseQueryParameters(req.query);
  const authorization = headers.get('authorization')?.join(', ');

  if (authorization !== undefined && authorization.trim() !== '') {
    if (parameters.some(({ name }) => name === PRESIGNED_PARAMETERS.algorithm)) {
      return { ok: false, error: bothHeaderAndQueryAuth() };
    }
    return parseAuthorizationHeader(authorization, headers);
  }
  if (hasPresignedParameters(parameters)) return parsePresignedQuery(parameters);
  return { ok: false, error: missingAuthenticationToken() };
}
