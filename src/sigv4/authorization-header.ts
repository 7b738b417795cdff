/**
 * Parsing the header form:
 *
 *   Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request,
 *                  SignedHeaders=host;x-amz-date, Signature=<64 hex digits>
 *
 * Checks run in AWS's order so the first complaint is the one AWS would make: key=value
 * syntax, then the required parameters and a date header (reported together), the date
 * format, the algorithm, and the credential's shape.
 */

import { formatAmzDate, parseAmzDate, parseHttpDate } from './amz-date.ts';
import { parseCredential } from './credential.ts';
import {
  authorizationHeaderIncomplete,
  dateNotBasicFormat,
  notAKeyValuePair,
  repeatedAuthParameter,
  unsupportedAlgorithm,
} from './errors.ts';
import { firstHeader, type HeaderIndex } from './header-index.ts';
import { SIGV4_ALGORITHM } from './string-to-sign.ts';
import type { ParseResult, SigV4Failure } from './types.ts';

const REQUIRED_PARAMETERS = ['Credential', 'Signature', 'SignedHeaders'] as const;

/** Splits 'SignedHeaders=host;x-amz-date' style lists; names are lower-cased. */
export function parseSignedHeaderList(value: string): string[] {
  return value
    .split(';')
    .filter((name) => name !== '')
    .map((name) => name.toLowerCase());
}

/** The Authorization header's parameters; undefined plus a failure when one is not key=value. */
function readParameters(scheme: string, rest: string, authorization: string) {
  const parameters = new Map<string, string>();
  // Other schemes (Basic, Bearer, SigV2's 'AWS') carry no SigV4 parameters at all, and AWS
  // answers them with the list of what is missing.
  if (!scheme.startsWith('AWS4-')) return { parameters };
  // AWS splits on commas and on whitespace alike: 'Credential= AKID/…' makes 'AKID/…' a bad pair.
  for (const token of rest.split(/[\s,]+/)) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    if (eq < 0) {
      if (scheme === SIGV4_ALGORITHM) return { parameters, error: notAKeyValuePair(token, authorization) };
      continue;
    }
    const key = token.slice(0, eq);
    if (!parameters.has(key)) parameters.set(key, token.slice(eq + 1));
  }
  return { parameters };
}

/**
 * The header's scheme and its parameters (first occurrence of each wins), stopping at the
 * first token that is not key=value under the SigV4 scheme (reported as `error`).
 */
export function readAuthorizationParameters(authorization: string): {
  scheme: string;
  parameters: ReadonlyMap<string, string>;
  error?: SigV4Failure;
} {
  const trimmed = authorization.trim();
  const schemeEnd = trimmed.search(/\s/);
  const scheme = schemeEnd < 0 ? trimmed : trimmed.slice(0, schemeEnd);
  const rest = schemeEnd < 0 ? '' : trimmed.slice(schemeEnd + 1);
  return { scheme, ...readParameters(scheme, rest, authorization) };
}

export function parseAuthorizationHeader(authorization: string, headers: HeaderIndex): ParseResult {
  const { scheme, parameters, error } = readAuthorizationParameters(authorization);
  if (error) return { ok: false, error };

  const xAmzDate = firstHeader(headers, 'x-amz-date');
  const httpDate = firstHeader(headers, 'date');
  const missing = REQUIRED_PARAMETERS.filter((name) => !parameters.get(name));
  const missingDate = xAmzDate === undefined && httpDate === undefined;
  if (missing.length > 0 || missingDate) {
    return { ok: false, error: authorizationHeaderIncomplete(missing, missingDate, authorization) };
  }

  // X-Amz-Date wins over Date when both are present.
  const dateText = (xAmzDate ?? httpDate ?? '').trim();
  const date = xAmzDate !== undefined ? parseAmzDate(dateText) : parseHttpDate(dateText);
  if (!date) return { ok: false, error: dateNotBasicFormat(dateText) };

  if (scheme !== SIGV4_ALGORITHM) return { ok: false, error: unsupportedAlgorithm(scheme) };

  const parsedCredential = parseCredential(parameters.get('Credential') as string);
  if (!parsedCredential.ok) return parsedCredential;
  const { credential } = parsedCredential;

  const securityTokens = headers.get('x-amz-security-token') ?? [];
  if (securityTokens.length > 1) return { ok: false, error: repeatedAuthParameter('X-Amz-Security-Token') };
  const securityToken = securityTokens[0];
  return {
    ok: true,
    auth: {
      form: 'header',
      accessKeyId: credential.accessKeyId,
      date,
      // A valid X-Amz-Date is already in basic format (parseAmzDate accepts nothing else).
      amzDate: xAmzDate !== undefined ? dateText : formatAmzDate(date),
      credentialDate: credential.credentialDate,
      region: credential.region,
      service: credential.service,
      terminator: credential.terminator,
      signedHeaders: parseSignedHeaderList(parameters.get('SignedHeaders') as string),
      signature: parameters.get('Signature') as string,
      ...(securityToken !== undefined && securityToken !== '' ? { securityToken: securityToken.trim() } : {}),
    },
  };
}
