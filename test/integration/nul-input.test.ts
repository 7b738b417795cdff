import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreatePolicyCommand, GetPolicyCommand, ListPoliciesCommand, UpdateRoleDescriptionCommand, CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';
import { signedJson } from '../support/raw-request.ts';

/**
 * A U+0000 in an input no model pattern refuses (a policy's Description, a LookupEvents
 * attribute value) is the caller's mistake: the service's validation error, 400 — never
 * InternalFailure — and nothing half-written. (The store cannot hold the character:
 * PostgreSQL refuses it in text.)
 */
describe('a NUL in an input no pattern refuses', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.stop());

  const DOCUMENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
  const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

  test('IAM: CreatePolicy with a NUL in its Description is ValidationError, and no policy is made', async () => {
    const iam = server.iam(server.root);
    const refused = await awsError(() => iam.send(new CreatePolicyCommand({ PolicyName: 'nul-description', Description: 'a\u0000b', PolicyDocument: DOCUMENT })));
    assert.deepEqual([refused.name, refused.status], ['ValidationError', 400]);
    assert.match(refused.message, /U\+0000/);
    const listed = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
    assert.equal(listed.Policies?.some((p) => p.PolicyName === 'nul-description'), false);
    const arn = `arn:aws:iam::${server.accountId}:policy/nul-description`;
    assert.equal((await awsError(() => iam.send(new GetPolicyCommand({ PolicyArn: arn })))).name, 'NoSuchEntityException');
  });

  test('IAM: an update with a NUL leaves the entity as it was', async () => {
    const iam = server.iam(server.root);
    await iam.send(new CreateRoleCommand({ RoleName: 'nul-update', AssumeRolePolicyDocument: TRUST, Description: 'before' }));
    const refused = await awsError(() => iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'nul-update', Description: 'after\u0000' })));
    assert.deepEqual([refused.name, refused.status], ['ValidationError', 400]);
    assert.equal((await iam.send(new GetRoleCommand({ RoleName: 'nul-update' }))).Role?.Description, 'before');
  });

  test('CloudTrail: LookupEvents by a value with a NUL is ValidationException', async () => {
    const answer = await signedJson(server.url, server.root, 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
      { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'a\u0000b' }] }, { service: 'cloudtrail' });
    assert.equal(answer.status, 400);
    assert.equal(JSON.parse(answer.body)['__type'], 'ValidationException');
  });
});
