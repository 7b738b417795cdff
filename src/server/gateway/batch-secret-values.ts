// Secrets Manager's BatchGetSecretValue refused as a whole, answered secret by secret as Secrets
// Manager answers it (API Reference, BatchGetSecretValue: "If Secrets Manager encounters errors
// such as AccessDeniedException while attempting to retrieve any of the secrets, you can see the
// errors in Errors in the response"): each secret of SecretIdList decided on its own at the one
// decision point, the allowed ones asked of the upstream, an `Errors` entry
// (`AccessDeniedException`) added to its answer for each refused one. The flow around it is
// gateway-request.ts's, as delete-objects.ts is for S3's DeleteObjects.

import type { ServerResponse } from 'node:http';
import type { GatewayRequest } from '../../gateway/types.ts';
import type { RequestMapper } from '../../gateway/index.ts';
import type { Flow } from './flow.ts';
import { authorizeMapped, checkAccounts, targetSources } from './decision.ts';

export interface SecretError {
  SecretId: string;
  ErrorCode: 'AccessDeniedException';
  Message: string;
}

export interface EachSecret {
  /** The request's body with the allowed secrets only. */
  allowedBody: Buffer;
  allowed: string[];
  errors: SecretError[];
}

/**
 * BatchGetSecretValue refused as a whole: each secret of its SecretIdList decided on its own.
 * Undefined when the refusal stays the whole request's: the request names its secrets by Filters
 * (which only the upstream resolves), a mapping fails, or a secret is refused for another reason
 * than secretsmanager:GetSecretValue on it (secretsmanager:BatchGetSecretValue itself, the KMS
 * key behind it). The request's recorded decision is the last one made.
 */
export async function decideEachSecret(
  flow: Flow,
  request: { body: Buffer; mapper: RequestMapper; requestOf: (body: Buffer) => GatewayRequest; callerAccount: string; ownerAccount: string; upstream: URL; region: string; now: Date },
): Promise<EachSecret | undefined> {
  let input: unknown;
  try {
    input = JSON.parse(request.body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const fields = input as Record<string, unknown>;
  const ids = fields['SecretIdList'];
  if (fields['Filters'] !== undefined || !Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) return undefined;
  const allowed: string[] = [];
  const errors: SecretError[] = [];
  for (const id of ids as string[]) {
    const one = request.mapper.mapRequest(request.requestOf(Buffer.from(JSON.stringify({ ...fields, SecretIdList: [id] }))));
    if (one.kind !== 'mapped') return undefined;
    const accounts = await checkAccounts(flow, one, request.callerAccount, request.ownerAccount);
    const { decided } = await authorizeMapped(flow, one, targetSources(flow, 'secretsmanager', request.upstream, request.region, accounts), request.now);
    if (decided.refusal === undefined) {
      allowed.push(id);
      continue;
    }
    if (decided.refusal.code === 'InvalidClientTokenId' || flow.ctx.authorization?.action !== 'secretsmanager:GetSecretValue') return undefined;
    errors.push({ SecretId: id, ErrorCode: 'AccessDeniedException', Message: decided.refusal.message });
  }
  if (errors.length === 0) return undefined;
  return { allowedBody: Buffer.from(JSON.stringify({ ...fields, SecretIdList: allowed })), allowed, errors };
}

/** The upstream's answer with the refused secrets' errors added to its `Errors`. */
export function withSecretErrors(body: Buffer, errors: readonly SecretError[]): Buffer {
  let answer: unknown;
  try {
    answer = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return body;
  const fields = answer as Record<string, unknown>;
  const own = Array.isArray(fields['Errors']) ? fields['Errors'] : [];
  return Buffer.from(JSON.stringify({ ...fields, Errors: [...own, ...errors] }));
}

/** Every secret refused: Secrets Manager's answer with no value and an error for each, the upstream not called. */
export function answerAllRefused(flow: Flow, errors: readonly SecretError[]): void {
  const res: ServerResponse = flow.res;
  const body = Buffer.from(JSON.stringify({ SecretValues: [], Errors: errors }));
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(body.length), 'x-amzn-requestid': flow.ctx.requestId });
  res.end(body);
  flow.ctx.response = { status: 200, headers: {}, body: '' };
}
