/**
 * SigV4 verification throughput for a typical STS request (AssumeRole, form-encoded POST,
 * header form, session credentials), with a cold and with a warm signing-key cache.
 *
 * Cold: every verification derives its signing key (four HMACs) — a first request of the
 * day, or no cache. Warm: the key comes from a SigningKeyCache already holding it — every
 * later request of that key that day. Both include parsing, as the server does per request.
 * The ratio warm/cold is what the cache buys; absolute numbers depend on the machine.
 *
 *   node bench/sigv4.bench.ts     (or: npm run bench -- sigv4)
 */

import { parseSignedRequest, signRequest, SigningKeyCache, verifySignedRequest } from '../src/sigv4/index.ts';
import type { SigningRequest, VerifyOptions } from '../src/sigv4/index.ts';

export interface SigV4BenchResult {
  /** Parse + verify per second, deriving the signing key each time. */
  coldVerificationsPerSecond: number;
  /** Parse + verify per second, signing key from a warm cache. */
  warmVerificationsPerSecond: number;
  /** warm / cold. */
  warmOverCold: number;
}

export interface SigV4BenchOptions {
  /** Time spent measuring each case, after a short warm-up. Default 500 ms. */
  durationMs?: number;
  /** Where the report goes. Default console.log. */
  log?: (line: string) => void;
}

const NOW = new Date('2024-05-17T09:30:15Z');
const CREDENTIALS = {
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexampleexampleexampleexampleexample==',
};

function typicalStsRequest(): SigningRequest {
  const body = new URLSearchParams({
    Action: 'AssumeRole',
    Version: '2011-06-15',
    RoleArn: 'arn:aws:iam::123456789012:role/deploy',
    RoleSessionName: 'ci-job-4711',
    DurationSeconds: '3600',
  })
    .toString()
    .replace(/\+/g, '%20');
  const unsigned: SigningRequest = {
    method: 'POST',
    path: '/',
    query: '',
    headers: {
      host: 'sts.us-east-1.amazonaws.com',
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': 'aws-sdk-js/3.600.0 ua/2.0 os/linux lang/js md/nodejs#24.0.0 api/sts#3.600.0',
      'amz-sdk-invocation-id': '0f0a8c3e-5b7e-4b8e-9d4f-0a1b2c3d4e5f',
      'amz-sdk-request': 'attempt=1; max=3',
    },
    body,
  };
  return signRequest(unsigned, CREDENTIALS, { region: 'us-east-1', service: 'sts', date: NOW });
}

function verifyOnce(req: SigningRequest, options: VerifyOptions): void {
  const parsed = parseSignedRequest(req);
  if (!parsed.ok) throw new Error(`benchmark request does not parse: ${parsed.error.message}`);
  const result = verifySignedRequest(req, parsed.auth, CREDENTIALS.secretAccessKey, options);
  if (!result.ok) throw new Error(`benchmark request does not verify: ${result.error.message}`);
}

/** Operations per second of `op`, over about `durationMs`. */
function measure(op: () => void, durationMs: number): number {
  const warmUpEnd = performance.now() + Math.min(100, durationMs / 5);
  while (performance.now() < warmUpEnd) op();
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 100; i++) op();
    count += 100;
    elapsed = performance.now() - start;
  } while (elapsed < durationMs);
  return (count * 1000) / elapsed;
}

export function runSigV4Bench(options: SigV4BenchOptions = {}): SigV4BenchResult {
  const durationMs = options.durationMs ?? 500;
  const req = typicalStsRequest();
  const base = { now: NOW, expectedService: 'sts' };

  const cold = measure(() => verifyOnce(req, base), durationMs);
  const keyCache = new SigningKeyCache();
  const warm = measure(() => verifyOnce(req, { ...base, keyCache }), durationMs);
  const result = { coldVerificationsPerSecond: cold, warmVerificationsPerSecond: warm, warmOverCold: warm / cold };
  (options.log ?? console.log)(formatSigV4Bench(result));
  return result;
}

export function formatSigV4Bench(result: SigV4BenchResult): string {
  const perSecond = (n: number) => `${Math.round(n).toLocaleString('en-US')} verifications/s`;
  return [
    'sigv4: STS AssumeRole POST, header form, session credentials (parse + verify)',
    `  cold signing-key cache  ${perSecond(result.coldVerificationsPerSecond)}`,
    `  warm signing-key cache  ${perSecond(result.warmVerificationsPerSecond)}`,
    `  warm / cold             ${result.warmOverCold.toFixed(2)}x`,
  ].join('\n');
}

if (import.meta.main) runSigV4Bench();
