// Which requests are the gateway's, decided from the request line and headers alone — before
// any of the body is read, so that a forwarded body can stream.
//
//   - A SigV4 credential scope (Authorization header or presigned X-Amz-Credential) naming a
//     service Tessera does not serve: that service's request.
//   - No SigV4 credential, with an S3 upstream: a request shaped like S3 is S3's, decided as
//     the anonymous caller (or, with a SigV2 signature, refused as S3 refuses SigV2). A request
//     with an X-Amz-Target, an `Action` parameter or a form body stays Tessera's (STS serves
//     AssumeRoleWithWebIdentity and AssumeRoleWithSAML unsigned).
//   - No credential and no Authorization header at all, shaped like another protected service
//     with an upstream (its X-Amz-Target prefix, its Host name, Lambda's paths, an SQS or SNS
//     `Action` in the query string with its API version): that service's, so that it is refused
//     as that service refuses an unsigned request (unsignedService below). Anything else keeps
//     Tessera's answer.

import { claimedCredential } from '../sigv4/index.ts';
import { loadGatewayModel } from './model.ts';
import { GATEWAY_SERVICES, type GatewayService } from './services.ts';

export interface RequestHead {
  method: string;
  path: string;
  query: string;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

export type Route =
  | { kind: 'tessera' }
  | {
      kind: 'gateway';
      /** The scope's service (clipped, as sent), or `s3` for an unsigned S3 request. */
      service: string;
      /** S3 virtual-hosted style: the bucket named by the Host. */
      hostBucket?: string;
      /** No SigV4 credential: S3's anonymous caller (or a SigV2 signature, refused). */
      unsigned: boolean;
    };

export interface RouteOptions {
  /** The services Tessera serves itself (iam, sts, organizations, …). */
  served: ReadonlySet<string>;
  /** Whether an upstream serves S3: only then is an unsigned request taken for S3's. */
  s3Upstream: boolean;
  /** Whether an upstream serves this protected service (an unsigned request identified as its is then its). */
  upstream?: (service: GatewayService) => boolean;
}

export function routeRequest(head: RequestHead, options: RouteOptions): Route {
  const credential = claimedCredential({ headers: head.headers as Record<string, string | string[]>, query: head.query });
  const hostBucket = virtualHostedBucket(header(head, 'host'));
  if (credential !== undefined) {
    if (options.served.has(credential.service)) return { kind: 'tessera' };
    const service = credential.service.slice(0, 64);
    return { kind: 'gateway', service, unsigned: false, ...(service === 's3' && hostBucket !== undefined ? { hostBucket } : {}) };
  }
  const authorization = header(head, 'authorization');
  if (authorization === undefined && options.upstream !== undefined) {
    const other = unsignedService(head);
    if (other !== undefined && options.upstream(other)) return { kind: 'gateway', service: other, unsigned: true };
  }
  if (!options.s3Upstream) return { kind: 'tessera' };
  if (header(head, 'x-amz-target') !== undefined) return { kind: 'tessera' };
  if (authorization !== undefined && !authorization.startsWith('AWS ')) return { kind: 'tessera' };
  if (hasParameter(head.query, 'Action')) return { kind: 'tessera' };
  const contentType = (header(head, 'content-type') ?? '').toLowerCase();
  if (head.method.toUpperCase() === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) return { kind: 'tessera' };
  return { kind: 'gateway', service: 's3', unsigned: true, ...(hostBucket !== undefined ? { hostBucket } : {}) };
}

/**
 * The bucket of a virtual-hosted-style Host: `bucket.localhost[:port]`, `bucket.s3.localhost`,
 * `bucket.s3.amazonaws.com`, `bucket.s3.<region>.amazonaws.com` (or `s3-<region>`). An IP
 * address or a bare name (`localhost`, `tessera:4600`) names no bucket: the request is path-style.
 */
export function virtualHostedBucket(host: string | undefined): string | undefined {
  if (host === undefined || host.length > 300) return undefined;
  let name = host.toLowerCase();
  if (name.startsWith('[')) return undefined;
  const colon = name.lastIndexOf(':');
  if (colon >= 0) name = name.slice(0, colon);
  if (name.endsWith('.')) name = name.slice(0, -1);
  let bucket: string | undefined;
  if (name.endsWith('.s3.localhost')) bucket = name.slice(0, -'.s3.localhost'.length);
  else if (name.endsWith('.localhost')) bucket = name.slice(0, -'.localhost'.length);
  else if (name.endsWith('.amazonaws.com')) {
    const at = name.search(/\.s3[.-]/);
    bucket = at > 0 ? name.slice(0, at) : undefined;
  }
  return bucket !== undefined && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) ? bucket : undefined;
}

/** The services other than S3 an unsigned request can be told apart for (S3 is the fallback above). */
const OTHER_SERVICES = GATEWAY_SERVICES.filter((service) => service !== 's3');

interface UnsignedShapes {
  /** X-Amz-Target prefixes (the models' own, and DynamoDB Streams' — signed as dynamodb). */
  targets: ReadonlyMap<string, GatewayService>;
  /** Lambda's first two path segments (`2015-03-31/functions`), from its model's request URIs. */
  lambdaPaths: ReadonlySet<string>;
}

let shapes: UnsignedShapes | undefined;

function unsignedShapes(): UnsignedShapes {
  if (shapes === undefined) {
    const targets = new Map<string, GatewayService>([['DynamoDBStreams_20120810', 'dynamodb']]);
    for (const service of OTHER_SERVICES) {
      const prefix = loadGatewayModel(service).targetPrefix;
      if (prefix !== undefined) targets.set(prefix, service);
    }
    const lambdaPaths = new Set<string>();
    for (const operation of loadGatewayModel('lambda').operations.values()) {
      const [, version, collection] = operation.requestUri.split('?', 1)[0]!.split('/', 3);
      if (version !== undefined && collection !== undefined) lambdaPaths.add(`${version}/${collection}`);
    }
    shapes = { targets, lambdaPaths };
  }
  return shapes;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * The protected service (not S3) an unsigned request is addressed to, when it says so: its
 * X-Amz-Target prefix (`DynamoDB_20120810.`, `AmazonSQS.`, …), a Host named like the service's
 * endpoint (`sqs.us-east-1.localhost`, `kms.eu-west-1.amazonaws.com`,
 * `streams.dynamodb.us-east-1.amazonaws.com`), Lambda's REST paths (`/2015-03-31/functions…`),
 * or — in the query string, as the head is all that is read here — an SQS `Action` with
 * `Version=2012-11-05` or addressed to a queue's path, an SNS `Action` with `Version=2010-03-31`,
 * an EC2 `Action` with `Version=2016-11-15`, a CloudWatch `Action` with `Version=2010-08-01`; or
 * CloudWatch's Smithy RPC v2 CBOR path (`/service/GraniteServiceVersion20100801/operation/…`).
 * A form body's `Action` is not read (the body is not read to route).
 */
export function unsignedService(head: RequestHead): GatewayService | undefined {
  const { targets, lambdaPaths } = unsignedShapes();
  const target = header(head, 'x-amz-target');
  if (target !== undefined) {
    const dot = target.lastIndexOf('.');
    return dot < 0 ? undefined : targets.get(target.slice(0, dot));
  }
  const byHost = hostService(header(head, 'host'));
  if (byHost !== undefined) return byHost;
  const segments = head.path.split('/', 3);
  if (segments[0] === '' && segments.length === 3 && lambdaPaths.has(`${segments[1]}/${segments[2]}`)) return 'lambda';
  // Smithy RPC v2 CBOR (`/service/<name>/operation/<Operation>`): CloudWatch's, by its service name.
  if (segments[0] === '' && segments[1] === 'service' && segments[2] === loadGatewayModel('monitoring').targetPrefix) return 'monitoring';
  const action = parameter(head.query, 'Action');
  if (action === undefined) return undefined;
  const version = parameter(head.query, 'Version');
  const sqs = loadGatewayModel('sqs');
  if (sqs.operations.has(action) && (version === sqs.apiVersion || /^\/\d{12}\/[^/]+$/.test(head.path))) return 'sqs';
  const sns = loadGatewayModel('sns');
  if (sns.operations.has(action) && version === sns.apiVersion) return 'sns';
  const ec2 = loadGatewayModel('ec2');
  if (ec2.operations.has(action) && version === ec2.apiVersion) return 'ec2';
  const cloudwatch = loadGatewayModel('monitoring');
  if (cloudwatch.operations.has(action) && version === cloudwatch.apiVersion) return 'monitoring';
  return undefined;
}

/** `<service>.<region>.(localhost|amazonaws.com)[:port]`, or DynamoDB Streams' `streams.dynamodb.<region>.…`. */
function hostService(host: string | undefined): GatewayService | undefined {
  if (host === undefined || host.length > 300 || host.startsWith('[')) return undefined;
  let name = host.toLowerCase();
  const colon = name.lastIndexOf(':');
  if (colon >= 0) name = name.slice(0, colon);
  if (name.endsWith('.')) name = name.slice(0, -1);
  let labels = name.split('.', 8);
  if (labels[0] === 'streams' && labels[1] === 'dynamodb') labels = labels.slice(1);
  const suffix = labels.slice(2).join('.');
  if (suffix !== 'localhost' && suffix !== 'amazonaws.com') return undefined;
  const service = OTHER_SERVICES.find((candidate) => candidate === labels[0]);
  return service !== undefined && REGION.test(labels[1] ?? '') ? service : undefined;
}

function parameter(query: string, name: string): string | undefined {
  if (query === '') return undefined;
  for (const part of query.split('&', 1000)) {
    const eq = part.indexOf('=');
    if (eq >= 0 && part.slice(0, eq) === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function header(head: RequestHead, name: string): string | undefined {
  const value = head.headers[name];
  return Array.isArray(value) ? value[0] : (value as string | undefined);
}

function hasParameter(query: string, name: string): boolean {
  if (query === '') return false;
  for (const part of query.split('&', 1000)) {
    const eq = part.indexOf('=');
    if ((eq < 0 ? part : part.slice(0, eq)) === name) return true;
  }
  return false;
}
