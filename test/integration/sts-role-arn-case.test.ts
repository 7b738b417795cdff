// A role is found by its name in any case (IAM names are not distinguished by case), so
// AssumeRole's RoleArn `…:role/ADMIN` finds the role Admin. The request is decided on the role's
// own ARN: decided on the ARN as asked, a Deny on `…:role/Admin` never applied to the session of
// Admin that `role/ADMIN` gave. Through Tessera, with the AWS SDK v3.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

describe('AssumeRole is decided on the role\'s own ARN, however the RoleArn is cased', () => {
  let server: TestServer;
  let account: string;

  async function userWith(name: string, statements: object[]): Promise<Credentials & { arn: string }> {
    const iam = server.iam();
    const user = (await iam.send(new CreateUserCommand({ UserName: name }))).User!;
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey!, arn: user.Arn! };
  }
  const assume = (credentials: Credentials, roleArn: string) => server.sts(credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'case' }))
    .then((out) => `ok ${out.AssumedRoleUser!.Arn}`, (error: Error) => `${error.name}: ${error.message}`);

  before(async () => {
    server = await startTestServer();
    account = server.accountId;
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] };
    await server.iam().send(new CreateRoleCommand({ RoleName: 'Admin', AssumeRolePolicyDocument: JSON.stringify(trust) }));
  });
  after(async () => server?.stop());

  test('a Deny on the role applies to every casing of its ARN', async () => {
    const denied = await userWith('case-denied', [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
      { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${account}:role/Admin` },
    ]);
    const refusal = `AccessDenied: User: ${denied.arn} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${account}:role/Admin`;
    for (const name of ['Admin', 'ADMIN', 'admin']) assert.equal(await assume(denied, `arn:aws:iam::${account}:role/${name}`), refusal, name);
  });

  test('an Allow on the role\'s ARN allows it however the RoleArn is cased; the session is the role\'s', async () => {
    const allowed = await userWith('case-allowed', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${account}:role/Admin` }]);
    for (const name of ['Admin', 'ADMIN']) assert.equal(await assume(allowed, `arn:aws:iam::${account}:role/${name}`), `ok arn:aws:sts::${account}:assumed-role/Admin/case`, name);
    // The path is part of the role's ARN: another path names no role.
    assert.match(await assume(allowed, `arn:aws:iam::${account}:role/other/Admin`), /^AccessDenied: .* on resource: arn:aws:iam::\d{12}:role\/other\/Admin$/);
  });
});
