import type { IncomingMessage } from 'node:http';
import { isoSeconds, type Clock } from '../kernel/clock.ts';
import type { RandomSource } from '../kernel/random.ts';
import { ImdsTokens, MAX_TOKEN_TTL_SECONDS } from './imds-tokens.ts';
import { headerOf, startPlainServer, type PlainResponse, type RunningServer } from './loopback-server.ts';
import type { Delivery, RefreshingCredentials } from './refreshing-credentials.ts';

/**
 * An instance metadata service for one launched instance, answering as EC2's does:
 *
 *   PUT /latest/api/token   X-aws-ec2-metadata-token-ttl-seconds: 1–21600 → an IMDSv2 token
 *                           (400 without a valid TTL, 403 with X-Forwarded-For, 405 for other methods)
 *   GET /latest/meta-data/…  with X-aws-ec2-metadata-token (401 when missing — unless IMDSv1 is
 *                           allowed — invalid or expired), 404 for what is not there, 405 for
 *                           methods other than GET and HEAD
 *
 * and the paths the SDKs and tools read: iam/info, iam/security-credentials/ and /<role>,
 * instance-id, placement/region and availability-zone, dynamic/instance-identity/document.
 * Credentials fetched with a token are delivered as 2.0 (ec2:RoleDelivery), without one as 1.0.
 */
export interface InstanceMetadata {
  instanceId: string;
  accountId: string;
  region: string;
  roleName: string;
  instanceProfileArn: string;
  instanceProfileId: string;
  launchTime: Date;
}

export interface ImdsOptions {
  host?: string;
  port?: number;
  instance: InstanceMetadata;
  credentials: RefreshingCredentials;
  /** Answer requests without an IMDSv2 token (HttpTokens optional). */
  allowV1: boolean;
  clock: Clock;
  random: RandomSource;
  onError?: (err: unknown) => void;
}

const TOKEN_PATH = '/latest/api/token';
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';
const TOKEN_HEADER = 'x-aws-ec2-metadata-token';

export async function startImds(options: ImdsOptions): Promise<RunningServer> {
  const tokens = new ImdsTokens(options.random, options.clock);
  return startPlainServer(options.host ?? '127.0.0.1', options.port ?? 0, (req) => answer(req, options, tokens), options.onError ?? (() => undefined));
}

async function answer(req: IncomingMessage, options: ImdsOptions, tokens: ImdsTokens): Promise<PlainResponse> {
  const path = (req.url ?? '/').split('?', 1)[0]!;
  if (path === TOKEN_PATH) return req.method === 'PUT' ? issueToken(req, tokens) : plain(405, 'Method Not Allowed');
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(405, 'Method Not Allowed');
  const token = headerOf(req, TOKEN_HEADER);
  let delivery: Delivery;
  const headers: Record<string, string> = {};
  if (token !== undefined) {
    const remaining = tokens.remainingSeconds(token);
    if (remaining === undefined) return plain(401, 'Unauthorized');
    headers['X-Aws-Ec2-Metadata-Token-Ttl-Seconds'] = String(remaining);
    delivery = '2.0';
  } else {
    if (!options.allowV1) return plain(401, 'Unauthorized');
    delivery = '1.0';
  }
  const found = await metadata(path, delivery, options);
  if (found === undefined) return notFound();
  return { ...found, headers: { ...headers, ...found.headers, Server: 'EC2ws' } };
}

function issueToken(req: IncomingMessage, tokens: ImdsTokens): PlainResponse {
  // EC2 refuses token requests that went through a proxy.
  if (headerOf(req, 'x-forwarded-for') !== undefined) return plain(403, 'Forbidden');
  const ttlText = headerOf(req, TTL_HEADER);
  const ttl = ttlText !== undefined && /^\d{1,5}$/.test(ttlText.trim()) ? Number(ttlText.trim()) : NaN;
  if (!(ttl >= 1 && ttl <= MAX_TOKEN_TTL_SECONDS)) return plain(400, 'Bad Request');
  return { status: 200, headers: { 'X-Aws-Ec2-Metadata-Token-Ttl-Seconds': String(ttl), Server: 'EC2ws' }, body: tokens.issue(ttl) };
}

async function metadata(path: string, delivery: Delivery, options: ImdsOptions): Promise<PlainResponse | undefined> {
  const { instance } = options;
  const az = `${instance.region}a`;
  const listing = (...entries: string[]) => plain(200, entries.join('\n'));
  switch (path) {
    case '/':
      return listing('latest');
    case '/latest':
    case '/latest/':
      return listing('dynamic', 'meta-data');
    case '/latest/meta-data':
    case '/latest/meta-data/':
      return listing('iam/', 'instance-id', 'placement/');
    case '/latest/meta-data/instance-id':
      return plain(200, instance.instanceId);
    case '/latest/meta-data/placement':
    case '/latest/meta-data/placement/':
      return listing('availability-zone', 'region');
    case '/latest/meta-data/placement/region':
      return plain(200, instance.region);
    case '/latest/meta-data/placement/availability-zone':
      return plain(200, az);
    case '/latest/meta-data/iam':
    case '/latest/meta-data/iam/':
      return listing('info', 'security-credentials/');
    case '/latest/meta-data/iam/info':
      return iamInfo(delivery, options);
    case '/latest/meta-data/iam/security-credentials':
    case '/latest/meta-data/iam/security-credentials/':
      return plain(200, await currentRoleName(delivery, options));
    case '/latest/dynamic':
    case '/latest/dynamic/':
      return listing('instance-identity/');
    case '/latest/dynamic/instance-identity':
    case '/latest/dynamic/instance-identity/':
      return listing('document');
    case '/latest/dynamic/instance-identity/document':
      return json({
        accountId: instance.accountId,
        architecture: process.arch === 'arm64' ? 'arm64' : 'x86_64',
        availabilityZone: az,
        billingProducts: null,
        devpayProductCodes: null,
        marketplaceProductCodes: null,
        imageId: 'ami-00000000000000000',
        instanceId: instance.instanceId,
        instanceType: 't3.micro',
        kernelId: null,
        pendingTime: isoSeconds(instance.launchTime),
        privateIp: '127.0.0.1',
        ramdiskId: null,
        region: instance.region,
        version: '2017-09-30',
      });
    default:
      if (path.startsWith(CREDENTIALS_PREFIX) && path.length > CREDENTIALS_PREFIX.length) return roleCredentials(path.slice(CREDENTIALS_PREFIX.length), delivery, options);
      return undefined;
  }
}

const CREDENTIALS_PREFIX = '/latest/meta-data/iam/security-credentials/';

/**
 * The role the instance's credentials are for: the one its instance profile holds (a role put
 * in the profile in place of another is named once the credentials are renewed for it), or —
 * while none can be had — the role it was launched with.
 */
async function currentRoleName(delivery: Delivery, options: ImdsOptions): Promise<string> {
  const current = await options.credentials.current(delivery);
  return current.ok ? roleNameOf(current.held.credentials.RoleArn) : options.instance.roleName;
}

function roleNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** iam/info: the instance profile, or why no credentials can be had (EC2's codes, best effort). */
async function iamInfo(delivery: Delivery, options: ImdsOptions): Promise<PlainResponse> {
  const current = await options.credentials.current(delivery);
  if (!current.ok) return json(failureDocument(current.error, options));
  return json({
    Code: 'Success',
    LastUpdated: isoSeconds(current.held.fetchedAt),
    InstanceProfileArn: options.instance.instanceProfileArn,
    InstanceProfileId: options.instance.instanceProfileId,
  });
}

async function roleCredentials(roleName: string, delivery: Delivery, options: ImdsOptions): Promise<PlainResponse> {
  const current = await options.credentials.current(delivery);
  if (!current.ok || roleNameOf(current.held.credentials.RoleArn) !== roleName) return notFound();
  const { credentials, fetchedAt } = current.held;
  return json({
    Code: 'Success',
    LastUpdated: isoSeconds(fetchedAt),
    Type: 'AWS-HMAC',
    AccessKeyId: credentials.AccessKeyId,
    SecretAccessKey: credentials.SecretAccessKey,
    Token: credentials.SessionToken,
    Expiration: isoSeconds(credentials.Expiration),
  });
}

function failureDocument(error: { code: string; message: string }, options: ImdsOptions): Record<string, string> {
  const now = isoSeconds(options.clock.now());
  if (error.code === 'AccessDeniedException') {
    return {
      Code: 'AssumeRoleUnauthorizedAccess',
      Message: `EC2 cannot assume the role ${options.instance.roleName}. Please see documentation at https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html.`,
      LastUpdated: now,
    };
  }
  if (error.code === 'NoSuchEntityException' || error.code === 'RoleNotInInstanceProfileException') {
    return { Code: 'InstanceProfileNotFound', Message: error.message, LastUpdated: now };
  }
  return { Code: error.code, Message: error.message, LastUpdated: now };
}

function plain(status: number, body: string): PlainResponse {
  return { status, body };
}

function json(value: unknown): PlainResponse {
  return { status: 200, body: JSON.stringify(value, null, 2) };
}

/** EC2's 404 page. */
function notFound(): PlainResponse {
  return {
    status: 404,
    headers: { 'Content-Type': 'text/html', Server: 'EC2ws' },
    body: '<?xml version="1.0" encoding="iso-8859-1"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n <head>\n  <title>404 - Not Found</title>\n </head>\n <body>\n  <h1>404 - Not Found</h1>\n </body>\n</html>\n',
  };
}
