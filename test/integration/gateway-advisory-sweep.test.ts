import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, PutObjectRetentionCommand, S3Client,
} from '@aws-sdk/client-s3';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes, randomUUID } from 'node:crypto';
import { signRequest } from '../../src/sigv4/index.ts';
import { allow, startGatewayEnv, motoS3, outcomeName, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * Attack classes taken from published advisories of S3-compatible servers and gateways (MinIO,
 * SeaweedFS, RustFS, versitygw), tried against Tessera in front of moto; each was a bypass
 * before its fix, and each test checks what moto really did.
 */
describe('advisory sweep', () => {
  let env: GatewayEnv;
  let root: Credentials;
  const future = new Date('2035-01-01T00:00:00Z');
  before(async () => {
    env = await startGatewayEnv();
    root = env.server.root;
  });
  after(() => env?.stop());

  const moto = (): S3Client => motoS3(env);
  const errorName = outcomeName;
  /** The S3 client with a header added before signing (so it is signed: not the unsigned-header class). */
  const withHeader = (client: S3Client, name: string, value: string): S3Client => {
    client.middlewareStack.add((next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers[name] = value;
      return next(args);
    }, { step: 'build', name: `add-${name}` });
    return client;
  };

  const lockedBucket = async (bucket: string): Promise<void> => {
    await env.s3(root).send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  };
  const lockedVersion = async (bucket: string, key: string): Promise<string> => {
    const put = await env.s3(root).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'retained', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: future }));
    return put.VersionId!;
  };

  // MinIO CVE-2023-25812's class. The gateway asks for s3:BypassGovernanceRetention only when the
  // header says `true`; moto's DeleteObject bypassed on any value of it. A header saying anything
  // else is no longer forwarded (server/gateway/object-retention.ts).
  test('x-amz-bypass-governance-retention: false does not delete a GOVERNANCE-retained version', async () => {
    await lockedBucket('advisory-lock-a');
    const version = await lockedVersion('advisory-lock-a', 'held');
    const user = await env.user('lock-deleter', [
      allow(['s3:DeleteObject', 's3:DeleteObjectVersion'], 'arn:aws:s3:::advisory-lock-a/*'),
      { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:BypassGovernanceRetention', Resource: '*' }] },
    ]);
    const client = withHeader(env.s3(user), 'x-amz-bypass-governance-retention', 'false');
    const outcome = await errorName(client.send(new DeleteObjectCommand({ Bucket: 'advisory-lock-a', Key: 'held', VersionId: version })));
    assert.notEqual(outcome, 'ok');
    assert.equal(await errorName(moto().send(new HeadObjectCommand({ Bucket: 'advisory-lock-a', Key: 'held', VersionId: version }))), 'ok', 'the retained version is still there');
  });

  // moto's PutObjectRetention replaces any retention (GOVERNANCE or COMPLIANCE) without a check;
  // S3 refuses shortening or removing GOVERNANCE without s3:BypassGovernanceRetention and the
  // header, and COMPLIANCE always (server/gateway/object-retention.ts reads the version's first).
  test('PutObjectRetention without the bypass cannot shorten a GOVERNANCE retention', async () => {
    await lockedBucket('advisory-lock-b');
    const version = await lockedVersion('advisory-lock-b', 'held');
    const user = await env.user('lock-shortener', [allow(['s3:PutObjectRetention', 's3:DeleteObject', 's3:DeleteObjectVersion'], 'arn:aws:s3:::advisory-lock-b/*')]);
    const client = env.s3(user);
    const shortened = await errorName(client.send(new PutObjectRetentionCommand({ Bucket: 'advisory-lock-b', Key: 'held', VersionId: version, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: new Date('2021-01-01T00:00:00Z') } })));
    await errorName(client.send(new DeleteObjectCommand({ Bucket: 'advisory-lock-b', Key: 'held', VersionId: version })));
    assert.notEqual(shortened, 'ok');
    assert.equal(await errorName(moto().send(new HeadObjectCommand({ Bucket: 'advisory-lock-b', Key: 'held', VersionId: version }))), 'ok', 'the retained version is still there');
  });

  test('retention rules: extending is allowed, shortening needs the bypass, COMPLIANCE never weakens', async () => {
    await lockedBucket('advisory-lock-c');
    const version = await lockedVersion('advisory-lock-c', 'held');
    const retention = (Mode: 'GOVERNANCE' | 'COMPLIANCE', until: string, BypassGovernanceRetention?: boolean) => errorName(env.s3(root).send(new PutObjectRetentionCommand({
      Bucket: 'advisory-lock-c', Key: 'held', VersionId: version, Retention: { Mode, RetainUntilDate: new Date(until) }, ...(BypassGovernanceRetention ? { BypassGovernanceRetention } : {}),
    })));
    assert.equal(await retention('GOVERNANCE', '2036-01-01T00:00:00Z'), 'ok', 'extended');
    assert.equal(await retention('GOVERNANCE', '2035-06-01T00:00:00Z'), 'AccessDenied', 'shortened without the bypass');
    assert.equal(await retention('GOVERNANCE', '2035-06-01T00:00:00Z', true), 'ok', 'shortened with the bypass (root may bypass)');
    assert.equal(await retention('COMPLIANCE', '2035-06-01T00:00:00Z'), 'ok', 'GOVERNANCE to COMPLIANCE, same date');
    assert.equal(await retention('GOVERNANCE', '2040-01-01T00:00:00Z', true), 'AccessDenied', 'COMPLIANCE to GOVERNANCE, even with the bypass');
    assert.equal(await retention('COMPLIANCE', '2035-01-01T00:00:00Z', true), 'AccessDenied', 'COMPLIANCE shortened, even with the bypass');
    const head = await moto().send(new HeadObjectCommand({ Bucket: 'advisory-lock-c', Key: 'held', VersionId: version }));
    assert.equal(head.ObjectLockMode, 'COMPLIANCE');
    assert.equal(head.ObjectLockRetainUntilDate?.toISOString(), '2035-06-01T00:00:00.000Z');
  });

  const table = async (name: string): Promise<string> => {
    const ddb = env.dynamodb(root);
    await ddb.send(new CreateTableCommand({ TableName: name, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: '1' }, name: { S: 'bob' }, 'card-no': { S: '4111' }, 'sécret': { S: 'S1' }, salary: { N: '100' } } }));
    return `arn:aws:dynamodb:us-east-1:${env.server.accountId}:table/${name}`;
  };

  // moto read `card-no` and `sécret` whole and substituted a non-# ExpressionAttributeNames key;
  // the gateway decided on other names (gateway/dynamodb-expression-ambiguity.ts).
  test('dynamodb:Attributes: a projection moto reads whole is not decided on its fragments', async () => {
    const arn = await table('advisory-attrs');
    const user = await env.user('attr-reader', [{
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: arn },
        { Effect: 'Deny', Action: 'dynamodb:GetItem', Resource: arn, Condition: { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': ['card-no', 'sécret', 'salary'] } } },
      ],
    }]);
    const ddb = env.dynamodb(user);
    const read = async (ProjectionExpression: string, ExpressionAttributeNames?: Record<string, string>) => {
      try {
        return (await ddb.send(new GetItemCommand({ TableName: 'advisory-attrs', Key: { id: { S: '1' } }, ProjectionExpression, ExpressionAttributeNames }))).Item ?? {};
      } catch (err) {
        return (err as Error).name;
      }
    };
    assert.equal(typeof (await read('salary')), 'string', 'the Deny applies by name');
    for (const [projection, names] of [['card-no', undefined], ['sécret', undefined], ['id', { id: 'salary' }]] as const) {
      const item = await read(projection, names);
      assert.ok(typeof item === 'string', `${projection} ${JSON.stringify(names ?? {})} read ${JSON.stringify(item)}`);
    }
  });

  // The store refused a NUL in an event's text: the forwarded call (executed upstream) left no
  // event, and the events written with it in one batch failed too (store/audit-text.ts).
  test('a NUL in a parameter does not keep a forwarded call out of the audit log', async () => {
    const host = new URL(env.server.url).host;
    const call = async (target: string, input: Record<string, unknown>) => {
      const body = JSON.stringify(input);
      const signed = signRequest({ method: 'POST', path: '/', query: '', headers: { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `secretsmanager.${target}` }, body }, root, { region: 'us-east-1', service: 'secretsmanager', date: new Date() });
      const answer = await fetch(`${env.server.url}/`, { method: 'POST', body, headers: signed.headers as Record<string, string> });
      assert.equal(answer.status, 200, `${target}: ${await answer.clone().text()}`);
      return answer.json();
    };
    const name = `advisory-audited-${randomBytes(4).toString('hex')}`;
    await call('CreateSecret', { Name: name, SecretString: 'v1', ClientRequestToken: randomUUID() });
    await call('UpdateSecret', { SecretId: name, Description: 'evil\u0000', SecretString: 'attacker value', ClientRequestToken: randomUUID() });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const lookup = await env.cli(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=UpdateSecret', '--output', 'json'], root);
    assert.equal(lookup.code, 0, lookup.stderr);
    const events = (JSON.parse(lookup.stdout) as { Events: unknown[] }).Events;
    assert.equal(events.length, 1, 'the UpdateSecret that changed the value is in the event history');
  });
});
