/**
 * Parsing the presigned (query string) form:
 *
 *   ?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fsts%2Faws4_request
 *    &X-Amz-Date=20150830T123600Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host
 *    [&X-Amz-Security-Token=…]&X-Amz-Signature=<64 hex digits>
 *
 * Checks run in AWS's order: required parameters (reported together), the date format, the
 * algorithm, the credential's shape, then X-Amz-Expires.
 */

import { parseAmzDate } from './amz-date.ts';
import { parseSignedHeaderList } from './authorization-header.ts';
import { parseCredential } from './credential.ts';
import {
  dateNotBasicFormat,
  expiresNegative,
  expiresNotANumber,
  expiresTooLarge,
  queryParametersIncomplete,
  repeatedAuthParameter,
  unsupportedAlgorithm,
} from './errors.ts';
import { firstParameter, type QueryParameter } from './query-parameters.ts';
import { SIGV4_ALGORITHM } from './string-to-sign.ts';
import type { ParseResult, SigV4Failure } from './types.ts';

/** A presigned request may live at most a week: the signing key is only valid that long. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604800;

export const PRESIGNED_PARAMETERS = {
  algorithm: 'X-Amz-Algorithm',
  credential: 'X-Amz-Credential',
  date: 'X-Amz-Date',
  expires: 'X-Amz-Expires',
  signedHeaders: 'X-Amz-SignedHeaders',
  securityToken: 'X-Amz-Security-Token',
  signature: 'X-Amz-Signature',
} as const;

const REQUIRED = [
  PRESIGNED_PARAMETERS.algorithm,
  PRESIGNED_PARAMETERS.credential,
  PRESIGNED_PARAMETERS.signature,
  PRESIGNED_PARAMETERS.signedHeaders,
  PRESIGNED_PARAMETERS.date,
] as const;

/** Whether the query carries any of the parameters that make a request presigned. */
export function hasPresignedParameters(parameters: readonly QueryParameter[]): boolean {
  return parameters.some(
    ({ name }) =>
      name === PRESIGNED_PARAMETERS.algorithm ||
      name === PRESIGNED_PARAMETERS.credential ||
      name === PRESIGNED_PARAMETERS.signature,
  );
}

function parseExpires(value: string): { ok: true; seconds: number } | { ok: false; error: SigV4Failure } {
  if (/^-\d+$/.test(value)) return { ok: false, error: expiresNegative() };
  if (!/^\d+$/.test(value)) return { ok: false, error: expiresNotANumber() };
  const seconds = Number(value);
  if (seconds > MAX_PRESIGNED_EXPIRES_SECONDS) return { ok: false, error: expiresTooLarge() };
  return { ok: true, seconds };
}

const ALL_PRESIGNED_NAMES = new Set<string>(Object.values(PRESIGNED_PARAMETERS));

export function parsePresignedQuery(parameters: readonly QueryParameter[]): ParseResult {
  const seen = new Set<string>();
  for (const { name } of parameters) {
    if (!ALL_PRESIGNED_NAMES.has(name)) continue;
    if (seen.has(name)) return { ok: false, error: repeatedAuthParameter(name) };
    seen.add(name);
  }
  const read = (name: string): string => firstParameter(parameters, name) ?? '';
  const missing = REQUIRED.filter((name) => read(name) === '');
  if (missing.length > 0) return { ok: false, error: queryParametersIncomplete(missing) };

  const amzDate = read(PRESIGNED_PARAMETERS.date);
  const date = parseAmzDate(amzDate);
  if (!date) return { ok: false, error: dateNotBasicFormat(amzDate) };

  const algorithm = read(PRESIGNED_PARAMETERS.algorithm);
  if (algorithm !== SIGV4_ALGORITHM) return { ok: false, error: unsupportedAlgorithm(algorithm) };

  const parsedCredential = parseCredential(read(PRESIGNED_PARAMETERS.credential));
  if (!parsedCredential.ok) return parsedCredential;
  const { credential } = parsedCredential;

  let expiresSeconds: number | undefined;
  const expiresText = firstParameter(parameters, PRESIGNED_PARAMETERS.expires);
  if (expiresText !== undefined) {
    const expires = parseExpires(expiresText);
    if (!expires.ok) return expires;
    expiresSeconds = expires.seconds;
  }

  const securityToken = read(PRESIGNED_PARAMETERS.securityToken);
  return {
    ok: true,
    auth: {
      form: 'query',
      accessKeyId: credential.accessKeyId,
      date,
      amzDate,
      credentialDate: credential.credentialDate,
      region: credential.region,
      service: credential.service,
      terminator: credential.terminator,
      signedHeaders: parseSignedHeaderList(read(PRESIGNED_PARAMETERS.signedHeaders)),
      signature: read(PRESIGNED_PARAMETERS.signature),
      ...(securityToken !== '' ? { securityToken } : {}),
      ...(expiresSeconds !== undefined ? { expiresSeconds } : {}),
    },
  };
}
