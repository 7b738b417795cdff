// Helpers of gateway-services-transparency.test.ts: the same request sent through Tessera (in
// front of one moto_server) and directly to a second moto_server serving the same account, and
// their answers compared once the values that differ by nature (random IDs, times, the host a
// URL names) are masked.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAwsCli } from '../support/aws-cli-run.ts';
import type { Credentials } from '../support/tessera-server.ts';

export interface CliAnswer {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Side {
  name: 'tessera' | 'direct';
  endpoint: string;
  credentials: Credentials;
  /** Values a workflow captured on this side (a key's ID, a receipt handle…). */
  vars: Record<string, string>;
}

let home: string | undefined;

export async function cliHome(): Promise<string> {
  if (home) return home;
  home = await mkdtemp(join(tmpdir(), 'gateway-services-transparency-'));
  await writeFile(join(home, 'config'), '[default]\nregion = us-east-1\n');
  return home;
}

export async function runCli(side: Side, args: string[]): Promise<CliAnswer> {
  return runAwsCli(side.endpoint, await cliHome(), ['--output', 'json', ...args], side.credentials, { AWS_MAX_ATTEMPTS: '1', AWS_RETRY_MODE: 'standard' });
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const ISO = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g;
const ORIGIN = /https?:\/\/127\.0\.0\.1:\d+/g;
/** Members whose values are random or time-bound by nature. */
const VOLATILE = new Set([
  'ReceiptHandle', 'MessageId', 'SequenceNumber', 'CiphertextBlob', 'Plaintext', 'Signature', 'PublicKey', 'KeyId', 'TargetKeyId',
  'GrantId', 'GrantToken', 'KeyMaterial', 'PrivateKeyCiphertextBlob', 'PrivateKeyPlaintext', 'RevisionId', 'CodeSha256', 'uploadSequenceToken', 'nextSequenceToken',
  'eventId', 'nextToken', 'NextToken', 'nextForwardToken', 'nextBackwardToken', 'LastEvaluatedKey', 'ExclusiveStartKey', 'VersionId',
  'UUID', 'FunctionUrl', 'RandomPassword', 'Mac', 'UrlId', 'ApproximateFirstReceiveTimestamp', 'SentTimestamp', 'SenderId', 'ingestionTime', 'creationTime', 'lastEventTimestamp',
  'firstEventTimestamp', 'lastIngestionTime', 'storedBytes', 'LatestStreamArn', 'LatestStreamLabel', 'StreamArn', 'StreamLabel', 'BackupArn', 'TableId',
  'CreationDateTime', 'LastModified', 'CreatedDate', 'LastChangedDate', 'LastAccessedDate', 'DeletionDate', 'LastModifiedDate', 'CreationDate',
  'ValidTo', 'DeletedDate', 'NextRotationDate', 'LastRotatedDate', 'MessageDeduplicationId', 'ApproximateReceiveCount', 'x-amzn-RequestId', 'RequestId',
  'SourceArn', 'DestinationArn', 'TaskHandle', 'KeyPairSpec', 'EventSourceMappingArn', 'UUID', 'LayerVersionArn', 'LayerArn', 'Location', 'PolicyArn',
]);

/** A JSON answer with what differs by nature masked; text that is not JSON is masked the same way. */
export function normalize(value: unknown, key = ''): unknown {
  if (VOLATILE.has(key) && value !== null && typeof value !== 'object') return '<v>';
  if (typeof value === 'string' && /^\d{10}(?:\.\d+)?$/.test(value) && /time|date/i.test(key)) return '<time>';
  if (typeof value === 'string') return value.replace(ORIGIN, '<origin>').replace(UUID, '<uuid>').replace(ISO, '<time>').replace(/(:secret:[\w/+=.@-]+?)-[A-Za-z0-9]{6}(?=$|[^A-Za-z0-9])/g, '$1-<sfx>');
  if (typeof value === 'number') return value > 1_000_000_000 && /time|date|timestamp/i.test(key) ? '<time>' : value > 1_500_000_000 && value < 5_000_000_000_000 ? '<time?>' : value;
  if (Array.isArray(value)) return value.map((item) => normalize(item, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [normalize(k) as string, normalize(v, k)]));
  }
  return value;
}

/** What an answer is compared on: the exit code, the JSON (masked) or the CLI's error line. */
export function comparable(answer: CliAnswer): { code: number | null; out?: unknown; error?: string } {
  if (answer.code === 0) {
    const text = answer.stdout.trim();
    let out: unknown = text;
    if (text !== '') {
      try {
        out = JSON.parse(text);
      } catch {
        out = text;
      }
    }
    return { code: 0, out: normalize(out) };
  }
  const line = /An error occurred \(([^)]+)\) when calling the (\w+) operation(?: \(reached max retries: \d+\))?: ?(.*)/.exec(answer.stderr);
  const error = line ? `${line[1]}: ${line[3]}` : answer.stderr.trim().split('\n').slice(-1)[0] ?? '';
  return { code: answer.code, error: normalize(error) as string };
}
