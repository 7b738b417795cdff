import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { startTestServer, type TestServer } from '../support/tessera-server.ts';
import { awsCliAsync, awsCliAvailable } from '../support/cli-process.ts';
import { createAccount } from '../../src/iam/accounts.ts';
import { signedJson } from '../support/raw-request.ts';
import { bestTimeAsync } from '../support/timing.ts';

/**
 * Cross-account AssumeRole is recorded in both accounts, each event with its own eventID and
 * both with the same sharedEventID; hostile LookupEvents input is refused with AWS's errors.
 */
describe('CloudTrail events across accounts, and hostile lookups', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());

  test('a cross-account AssumeRole is an event in each account, sharing one sharedEventID', async () => {
    const deps = server.tessera.deps;
    const other = await createAccount({ store: deps.store, secrets: deps.secrets, clock: deps.clock, random: deps.random });
    const otherRoot = { accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey };
    await server.iam(otherRoot).send(new CreateRoleCommand({
      RoleName: 'shared', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${server.accountId}:root` }, Action: 'sts:AssumeRole' }] }),
    }));
    await server.iam().send(new CreateUserCommand({ UserName: 'crosser' }));
    await server.iam().send(new PutUserPolicyCommand({ UserName: 'crosser', PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }) }));
    const key = (await server.iam().send(new CreateAccessKeyCommand({ UserName: 'crosser' }))).AccessKey!;
    const out = await server.sts({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${other.accountId}:role/shared`, RoleSessionName: 'crossing' }));
    const requestId = out.$metadata.requestId!;
    const events = await deps.store.auditByRequestId(requestId);
    assert.deepEqual(events.map((e) => e.accountId).sort(), [server.accountId, other.accountId].sort());
    const records = events.map((e) => (e.data as { record: Record<string, string> }).record);
    assert.notEqual(records[0]!['eventID'], records[1]!['eventID']);
    assert.ok(records[0]!['sharedEventID']);
    assert.equal(records[0]!['sharedEventID'], records[1]!['sharedEventID']);
    assert.deepEqual(records.map((r) => r['recipientAccountId']).sort(), [server.accountId, other.accountId].sort());
    // Each account finds it through LookupEvents.
    const inOther = await deps.store.queryAudit({ accountId: other.accountId, attribute: { attr: 'EventName', value: 'AssumeRole' }, limit: 5 });
    assert.deepEqual(inOther.map((e) => e.requestId), [requestId]);
  });

  test('hostile LookupEvents input is refused with AWS errors, quickly', { skip: awsCliAvailable() ? false : 'no aws CLI' }, async () => {
    const lookup = (...args: string[]) => awsCliAsync(server.url, server.root, ['cloudtrail', 'lookup-events', '--no-paginate', ...args]);
    assert.match((await lookup('--lookup-attributes', 'AttributeKey=Bogus,AttributeValue=x')).stderr, /ValidationException|Invalid choice|Valid values/i);
    assert.match((await lookup('--max-results', '0')).stderr, /ValidationException|valid min value/);
    assert.match((await lookup('--lookup-attributes', `AttributeKey=EventName,AttributeValue=${'x'.repeat(5000)}`)).stderr, /ValidationException/);
    assert.match((await lookup('--lookup-attributes', 'AttributeKey=EventName,AttributeValue=__proto__')).stderr, /^$/);
    assert.match((await lookup('--next-token', '%%%not-base64%%%')).stderr, /InvalidNextTokenException/);
    // Quickly is the server's part: timed on raw requests (each aws CLI run spends seconds
    // starting Python on a loaded machine), the fastest of several sends of each.
    const hostile: Array<[object, RegExp]> = [
      [{ LookupAttributes: [{ AttributeKey: 'Bogus', AttributeValue: 'x' }] }, /ValidationException/],
      [{ MaxResults: 0 }, /ValidationException/],
      [{ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'x'.repeat(5000) }] }, /ValidationException/],
      [{ NextToken: '%%%not-base64%%%' }, /InvalidNextTokenException/],
    ];
    for (const [input, refusal] of hostile) {
      const ms = await bestTimeAsync(async () => {
        const res = await signedJson(server.url, server.root, 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents', input, { service: 'cloudtrail' });
        assert.equal(res.status, 400, res.body);
        assert.match(res.body, refusal);
      }, 1000);
      assert.ok(ms < 1000, `${JSON.stringify(input).slice(0, 80)}: ${ms.toFixed(0)} ms`);
    }
  });
});
