import { signRequest, type SigningCredentials } from '../sigv4/index.ts';
import type { Clock } from '../kernel/clock.ts';

/**
 * The two calls a workload's launcher and credential endpoint make to the Tessera server, in
 * the JSON 1.1 protocol of Tessera's own API (models/tessera): LaunchWorkload, signed with
 * the caller's credentials, and GetWorkloadCredentials, which carries the launch's grant
 * instead of a signature. A workload process never holds the server's keys: it can only ask.
 */
const TARGET_PREFIX = 'Tessera_20250101';
const TIMEOUT_MS = 15_000;
/** The server's answers are small; a larger one is not the server. */
const MAX_RESPONSE_BYTES = 256 * 1024;

export class TesseraApiError extends Error {
  override readonly name = 'TesseraApiError';
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export interface LaunchRequest {
  InstanceProfileName?: string;
  TaskRoleArn?: string;
  MetadataHttpTokens?: 'required' | 'optional';
  DurationSeconds?: number;
  GrantDurationSeconds?: number;
}

export interface LaunchedWorkload {
  WorkloadId: string;
  WorkloadArn: string;
  AccountId: string;
  Region: string;
  RoleArn: string;
  RoleName: string;
  InstanceProfileArn?: string;
  InstanceProfileId?: string;
  MetadataHttpTokens?: 'required' | 'optional';
  LaunchTime: Date;
  Grant: string;
  GrantExpiration: Date;
}

export interface WorkloadCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
  RoleArn: string;
  AssumedRoleArn: string;
}

export interface Signer {
  credentials: SigningCredentials;
  region: string;
  clock: Clock;
}

export async function launchWorkload(endpoint: string, signer: Signer, request: LaunchRequest): Promise<LaunchedWorkload> {
  const out = await call(endpoint, 'LaunchWorkload', request, signer);
  return { ...(out as unknown as LaunchedWorkload), LaunchTime: epoch(out['LaunchTime']), GrantExpiration: epoch(out['GrantExpiration']) };
}

export async function getWorkloadCredentials(endpoint: string, grant: string, roleDelivery?: '1.0' | '2.0'): Promise<WorkloadCredentials> {
  const out = await call(endpoint, 'GetWorkloadCredentials', { Grant: grant, ...(roleDelivery ? { RoleDelivery: roleDelivery } : {}) });
  return { ...(out as unknown as WorkloadCredentials), Expiration: epoch(out['Expiration']) };
}

function epoch(value: unknown): Date {
  return new Date(Number(value) * 1000);
}

async function call(endpoint: string, operation: string, input: object, signer?: Signer): Promise<Record<string, unknown>> {
  const url = new URL(endpoint);
  const body = JSON.stringify(input);
  let headers: Record<string, string | string[]> = {
    host: url.host,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `${TARGET_PREFIX}.${operation}`,
  };
  if (signer) {
    const signed = signRequest({ method: 'POST', path: url.pathname || '/', query: '', headers, body }, signer.credentials, {
      region: signer.region, service: 'tessera', date: signer.clock.now(),
    });
    headers = signed.headers;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'host').map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value])),
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new TesseraApiError('EndpointUnreachable', `cannot reach the Tessera server at ${endpoint} (--endpoint-url): ${err instanceof Error ? (err.cause as Error | undefined)?.message ?? err.message : String(err)}`, 0);
  }
  const text = await boundedText(response);
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new TesseraApiError('InvalidResponse', `the server at ${endpoint} did not answer as Tessera does (HTTP ${response.status})`, response.status);
  }
  if (!response.ok) {
    const type = String(document['__type'] ?? 'UnknownError');
    throw new TesseraApiError(type.slice(type.lastIndexOf('#') + 1), String(document['Message'] ?? document['message'] ?? ''), response.status);
  }
  return document;
}

async function boundedText(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new TesseraApiError('InvalidResponse', 'the server\'s answer is too large', response.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
