import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { jwksTagsFor } from '../../src/iam/providers/jwks-tags.ts';
import { startTestIdp, type TestIdp } from '../../src/federation/test-idp/oidc-idp.ts';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

// A web identity token read from a file that ends with a newline (written with `echo`, or a
// platform's projected token) is sent as read by the SDKs; it is accepted, as AWS STS accepts it.
// White space never makes a bad token good: what is left must still verify.
let server: TestServer;
let idp: TestIdp;
let roleArn: string;
const unsigned = () => server.sts({ accessKeyId: 'x', secretAccessKey: 'x' });

before(async () => {
  server = await startTestServer();
  idp = await startTestIdp();
  const iam = server.iam();
  const provider = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: ['sts.amazonaws.com'], Tags: jwksTagsFor(idp.jwks() as never) }))).OpenIDConnectProviderArn!;
  roleArn = (await iam.send(new CreateRoleCommand({
    RoleName: 'Ci',
    AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithWebIdentity' }] }),
  }))).Role!.Arn!;
});
after(async () => {
  await idp.close();
  await server.stop();
});

test('a token with a trailing newline (or surrounding white space) is accepted', async () => {
  for (const wrap of [(t: string) => `${t}\n`, (t: string) => `${t}\r\n`, (t: string) => ` ${t}\t`]) {
    const token = wrap(await idp.mint({ sub: 'repo:org/app', aud: 'sts.amazonaws.com' }));
    const answer = await unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'ci', WebIdentityToken: token }));
    assert.equal(answer.SubjectFromWebIdentityToken, 'repo:org/app');
  }
});

test('white space inside a token, or a tampered token with a newline, is still refused', async () => {
  const token = await idp.mint({ sub: 'repo:org/app', aud: 'sts.amazonaws.com' });
  const [header, payload, signature] = token.split('.');
  // The signature's second-to-last character changed (it carries signature bits; the last one's
  // low bits are padding): `…AA` as a fixed tail left 1 token in 256 untampered.
  const tampered = `${signature!.slice(0, -2)}${signature!.at(-2) === 'A' ? 'B' : 'A'}${signature!.at(-1)}`;
  for (const bad of [`${header}.\n${payload}.${signature}`, `${header}.${payload}.${tampered}\n`]) {
    const err = await awsError(() => unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'ci', WebIdentityToken: bad })));
    assert.equal(err.name, 'InvalidIdentityTokenException');
  }
});
