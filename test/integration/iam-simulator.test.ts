import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserCommand, GetContextKeysForCustomPolicyCommand, SimulateCustomPolicyCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';
import { FixedClock } from '../../src/kernel/clock.ts';

const DYNAMO_AFTER_2018 =
  '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}';

describe('SimulateCustomPolicy and GetContextKeysForCustomPolicy through the AWS SDK', () => {
  let server: TestServer;
  let iam: IAMClient;
  // Frozen near the real time: SigV4 refuses requests more than 15 minutes off the server's clock.
  const clock = new FixedClock(new Date());
  before(async () => {
    server = await startTestServer({}, { clock });
    iam = server.iam();
  });
  after(async () => server.stop());

  test("AWS's CLI example: allowed, with the statement's exact position", async () => {
    const out = await iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [DYNAMO_AFTER_2018],
      ActionNames: ['dynamodb:CreateBackup'],
      ContextEntries: [{ ContextKeyName: 'aws:CurrentTime', ContextKeyValues: ['2019-04-25T11:00:00Z'], ContextKeyType: 'date' }],
    }));
    assert.equal(out.IsTruncated, false);
    assert.equal(out.EvaluationResults?.length, 1);
    const [result] = out.EvaluationResults ?? [];
    assert.equal(result?.EvalActionName, 'dynamodb:CreateBackup');
    assert.equal(result?.EvalResourceName, '*');
    assert.equal(result?.EvalDecision, 'allowed');
    assert.deepEqual(result?.MatchedStatements, [
      { SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'none', StartPosition: { Line: 1, Column: 38 }, EndPosition: { Line: 1, Column: 167 } },
    ]);
  });

  test('without aws:CurrentTime in the context, the server clock decides', async () => {
    const fiveMinutesAhead = new Date(clock.now().getTime() + 5 * 60_000).toISOString();
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': fiveMinutesAhead } } },
    });
    const first = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [policy], ActionNames: ['dynamodb:CreateBackup'] }));
    assert.equal(first.EvaluationResults?.[0]?.EvalDecision, 'implicitDeny');
    assert.deepEqual(first.EvaluationResults?.[0]?.MatchedStatements, []);
    assert.deepEqual(first.EvaluationResults?.[0]?.MissingContextValues, []);
    clock.advanceSeconds(10 * 60);
    const later = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [policy], ActionNames: ['dynamodb:CreateBackup'] }));
    assert.equal(later.EvaluationResults?.[0]?.EvalDecision, 'allowed');
    clock.set(new Date());
  });

  test('explicit deny, boundary, missing context values and per-resource results', async () => {
    const identity = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::data/*' },
        { Sid: 'NoSecrets', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::data/secret/*' },
        { Sid: 'Tagged', Effect: 'Allow', Action: 's3:DeleteObject', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'ops' } } },
      ],
    }, null, 2);
    const boundary = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: ['s3:GetObject', 's3:DeleteObject'], Resource: '*' } });
    const out = await iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [identity],
      PermissionsBoundaryPolicyInputList: [boundary],
      ActionNames: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      ResourceArns: ['arn:aws:s3:::data/report', 'arn:aws:s3:::data/secret/key'],
    }));
    const summary = out.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision, r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary]);
    assert.deepEqual(summary, [
      ['s3:GetObject', 'arn:aws:s3:::data/report', 'allowed', true],
      ['s3:GetObject', 'arn:aws:s3:::data/secret/key', 'explicitDeny', true],
      ['s3:PutObject', 'arn:aws:s3:::data/report', 'implicitDeny', false],
      ['s3:PutObject', 'arn:aws:s3:::data/secret/key', 'explicitDeny', false],
      ['s3:DeleteObject', 'arn:aws:s3:::data/report', 'implicitDeny', true],
      ['s3:DeleteObject', 'arn:aws:s3:::data/secret/key', 'explicitDeny', true],
    ]);
    const [allowed, denied, , , tagged] = out.EvaluationResults ?? [];
    // JSON.stringify(…, null, 2): the first statement spans lines 4–12 ('{' and '}' at column 5), the second starts on line 13.
    assert.deepEqual(allowed?.MatchedStatements, [
      { SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'none', StartPosition: { Line: 4, Column: 6 }, EndPosition: { Line: 12, Column: 6 } },
      { SourcePolicyId: 'PermissionsBoundaryPolicyInputList.1', SourcePolicyType: 'none', StartPosition: { Line: 1, Column: 38 }, EndPosition: { Line: 1, Column: 114 } },
    ]);
    assert.deepEqual(denied?.MatchedStatements?.map((s) => s.StartPosition), [{ Line: 13, Column: 6 }]);
    assert.deepEqual(tagged?.MissingContextValues, ['aws:PrincipalTag/team']);
    assert.deepEqual(tagged?.ResourceSpecificResults?.map((r) => [r.EvalResourceName, r.EvalResourceDecision, r.MissingContextValues]), [
      ['arn:aws:s3:::data/report', 'implicitDeny', ['aws:PrincipalTag/team']],
    ]);
  });

  test('ContextEntries of every type reach the conditions', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow', Action: 'ec2:StartInstances', Resource: '*',
        Condition: {
          IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
          NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] },
        },
      },
    });
    const run = (entries: { ContextKeyName: string; ContextKeyValues: string[]; ContextKeyType: 'ip' | 'numeric' | 'boolean' | 'stringList' }[]) =>
      iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [policy], ActionNames: ['ec2:StartInstances'], ContextEntries: entries }));
    const good = [
      { ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['10.1.2.3'], ContextKeyType: 'ip' as const },
      { ContextKeyName: 'aws:MultiFactorAuthAge', ContextKeyValues: ['60'], ContextKeyType: 'numeric' as const },
      { ContextKeyName: 'aws:MultiFactorAuthPresent', ContextKeyValues: ['true'], ContextKeyType: 'boolean' as const },
      { ContextKeyName: 'aws:TagKeys', ContextKeyValues: ['env'], ContextKeyType: 'stringList' as const },
    ];
    assert.equal((await run(good)).EvaluationResults?.[0]?.EvalDecision, 'allowed');
    const outside = good.map((e) => (e.ContextKeyName === 'aws:SourceIp' ? { ...e, ContextKeyValues: ['192.168.0.1'] } : e));
    assert.equal((await run(outside)).EvaluationResults?.[0]?.EvalDecision, 'implicitDeny');
    const err = await awsError(() => run(good.map((e) => (e.ContextKeyType === 'numeric' ? { ...e, ContextKeyValues: ['sixty'] } : e))));
    assert.equal(err.name, 'InvalidInputException');
    assert.equal(err.status, 400);
    assert.match(err.message, /aws:MultiFactorAuthAge/);
  });

  test('a resource policy needs a CallerArn, which must be an IAM user', async () => {
    const bucketPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${server.accountId}:user/carol` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' },
    });
    const noCaller = await awsError(() => iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [], ActionNames: ['s3:GetObject'], ResourcePolicy: bucketPolicy })));
    assert.equal(noCaller.name, 'InvalidInputException');
    const roleCaller = await awsError(() => iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [], ActionNames: ['s3:GetObject'], ResourcePolicy: bucketPolicy, CallerArn: `arn:aws:iam::${server.accountId}:role/r`,
    })));
    assert.equal(roleCaller.name, 'InvalidInputException');
    assert.match(roleCaller.message, /CallerArn/);

    const asCarol = await iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [], ActionNames: ['s3:GetObject'], ResourcePolicy: bucketPolicy,
      CallerArn: `arn:aws:iam::${server.accountId}:user/carol`, ResourceArns: ['arn:aws:s3:::shared/doc'], ResourceOwner: `arn:aws:iam::${server.accountId}:root`,
    }));
    assert.equal(asCarol.EvaluationResults?.[0]?.EvalDecision, 'allowed');
    assert.deepEqual(asCarol.EvaluationResults?.[0]?.MatchedStatements?.map((s) => [s.SourcePolicyId, s.SourcePolicyType]), [['ResourcePolicy', 'resource']]);
    const asDave = await iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [], ActionNames: ['s3:GetObject'], ResourcePolicy: bucketPolicy,
      CallerArn: `arn:aws:iam::${server.accountId}:user/dave`, ResourceArns: ['arn:aws:s3:::shared/doc'],
    }));
    assert.equal(asDave.EvaluationResults?.[0]?.EvalDecision, 'implicitDeny');
  });

  test('a role trust policy as the ResourcePolicy decides sts:AssumeRole', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${server.accountId}:user/carol` }, Action: 'sts:AssumeRole' },
    });
    const simulateAs = (user: string) => iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [], ActionNames: ['sts:AssumeRole'], ResourceArns: [`arn:aws:iam::${server.accountId}:role/deployer`],
      ResourcePolicy: trust, CallerArn: `arn:aws:iam::${server.accountId}:user/${user}`,
    }));
    assert.equal((await simulateAs('carol')).EvaluationResults?.[0]?.EvalDecision, 'allowed');
    assert.equal((await simulateAs('dave')).EvaluationResults?.[0]?.EvalDecision, 'implicitDeny');
  });

  test('cross-account: the resource policy alone is not enough, EvalDecisionDetails shows both sides', async () => {
    const bucketPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${server.accountId}:root` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::theirs/*' },
    });
    const identity = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } });
    const base = {
      ActionNames: ['s3:GetObject'], ResourcePolicy: bucketPolicy, CallerArn: `arn:aws:iam::${server.accountId}:user/carol`,
      ResourceArns: ['arn:aws:s3:::theirs/doc'], ResourceOwner: 'arn:aws:iam::444455556666:root',
    };
    const without = await iam.send(new SimulateCustomPolicyCommand({ ...base, PolicyInputList: [] }));
    assert.equal(without.EvaluationResults?.[0]?.EvalDecision, 'implicitDeny');
    assert.deepEqual(without.EvaluationResults?.[0]?.EvalDecisionDetails, { 'IAM Policy': 'implicitDeny', 'Resource Policy': 'allowed' });
    const withIdentity = await iam.send(new SimulateCustomPolicyCommand({ ...base, PolicyInputList: [identity] }));
    assert.equal(withIdentity.EvaluationResults?.[0]?.EvalDecision, 'allowed');
    assert.deepEqual(withIdentity.EvaluationResults?.[0]?.EvalDecisionDetails, { 'IAM Policy': 'allowed', 'Resource Policy': 'allowed' });
  });

  test('a CallerArn of an existing user brings its tags as aws:PrincipalTag', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'erin', Tags: [{ Key: 'team', Value: 'ops' }] }));
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::${aws:username}/*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'ops' } } },
    });
    const out = await iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [policy], ActionNames: ['s3:DeleteObject'], ResourceArns: ['arn:aws:s3:::erin/x', 'arn:aws:s3:::frank/x'],
      CallerArn: `arn:aws:iam::${server.accountId}:user/erin`,
    }));
    assert.deepEqual(out.EvaluationResults?.map((r) => r.EvalDecision), ['allowed', 'implicitDeny']);
    assert.deepEqual(out.EvaluationResults?.[0]?.MissingContextValues, []);
  });

  test('results page with MaxItems and Marker', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'sqs:*', Resource: '*' } });
    const actions = ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue', 'sqs:CreateQueue'];
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [policy], ActionNames: actions, MaxItems: 2, ...(marker ? { Marker: marker } : {}) }));
      pages++;
      seen.push(...(page.EvaluationResults ?? []).map((r) => r.EvalActionName ?? ''));
      assert.equal(page.IsTruncated, page.Marker !== undefined);
      marker = page.Marker;
    } while (marker !== undefined);
    assert.equal(pages, 3);
    assert.deepEqual(seen, actions);
    const bad = await awsError(() => iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [policy], ActionNames: actions, Marker: 'not a marker' })));
    assert.equal(bad.name, 'InvalidInputException');
  });

  test('invalid policies: MalformedPolicyDocument in AWS words; invalid action names: InvalidInput', async () => {
    const syntax = await awsError(() => iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: ['{"Version":'], ActionNames: ['s3:GetObject'] })));
    assert.equal(syntax.name, 'MalformedPolicyDocumentException');
    assert.equal(syntax.status, 400);
    assert.equal(syntax.message, 'Syntax errors in policy.');
    const principal = await awsError(() => iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' } })],
      ActionNames: ['s3:GetObject'],
    })));
    assert.equal(principal.message, 'Policy document should not specify a principal.');
    const boundary = await awsError(() => iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [], PermissionsBoundaryPolicyInputList: [JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*' } })], ActionNames: ['s3:GetObject'],
    })));
    assert.equal(boundary.message, 'Policy statement must contain resources.');
    for (const action of ['s3:*', 'GetObject', 's3:Get:Object']) {
      const err = await awsError(() => iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [], ActionNames: [action] })));
      assert.equal(err.name, 'InvalidInputException', action);
    }
  });

  test('GetContextKeysForCustomPolicy: the keys as written, in order, once each', async () => {
    const out = await iam.send(new GetContextKeysForCustomPolicyCommand({
      PolicyInputList: [
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2015-08-16T12:00:00Z"}}}}',
        JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' }, DateLessThan: { 'AWS:CURRENTTIME': '2015-01-01T00:00:00Z' } } } }),
      ],
    }));
    assert.deepEqual(out.ContextKeyNames, ['aws:username', 'aws:CurrentTime', 'aws:SecureTransport']);
    const err = await awsError(() => iam.send(new GetContextKeysForCustomPolicyCommand({ PolicyInputList: ['not json'] })));
    assert.equal(err.name, 'MalformedPolicyDocumentException');
  });
});
