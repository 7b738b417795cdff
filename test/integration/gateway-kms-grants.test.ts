import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateGrantCommand, CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand, RetireGrantCommand, RevokeGrantCommand } from '@aws-sdk/client-kms';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { startGatewayEnv, allow, deny, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError } from '../support/tessera-server.ts';

/**
 * KMS grants through the gateway, against moto: a grant lets its grantee use the key for the
 * grant's operations without any policy naming it, within the grant's encryption-context
 * constraints; an explicit deny still wins; revoking or retiring the grant takes it away at
 * once; a grant to a role serves that role's sessions.
 */
describe('KMS grants through the gateway', () => {
  let env: GatewayEnv;
  before(async () => {
    env = await startGatewayEnv();
  });
  after(() => env?.stop());

  const plaintext = Buffer.from('secret');

  test('a grantee with no policy of its own uses the key for the granted operations, within the constraints', async () => {
    const kms = env.kms(env.server.root);
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const keyArn = KeyMetadata!.Arn!;
    const grantee = await env.user('grantee');
    const asGrantee = env.kms(grantee);

    const before = await awsError(() => asGrantee.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext })));
    assert.equal(before.name, 'AccessDeniedException');

    const { GrantId } = await kms.send(new CreateGrantCommand({
      KeyId: keyArn,
      GranteePrincipal: grantee.arn,
      Operations: ['Encrypt', 'Decrypt'],
      Constraints: { EncryptionContextSubset: { app: 'web' } },
    }));
    // A subset constraint: the context must hold app=web, and may hold more.
    const encrypted = await asGrantee.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext, EncryptionContext: { app: 'web', user: 'x' } }));
    const decrypted = await asGrantee.send(new DecryptCommand({ KeyId: keyArn, CiphertextBlob: encrypted.CiphertextBlob!, EncryptionContext: { app: 'web', user: 'x' } }));
    assert.equal(Buffer.from(decrypted.Plaintext!).toString(), 'secret');
    const noContext = await awsError(() => asGrantee.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext })));
    assert.equal(noContext.name, 'AccessDeniedException');
    const otherContext = await awsError(() => asGrantee.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext, EncryptionContext: { app: 'db' } })));
    assert.equal(otherContext.name, 'AccessDeniedException');
    // An operation the grant does not name.
    const notGranted = await awsError(() => asGrantee.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: { app: 'web' } })));
    assert.equal(notGranted.message, `User: ${grantee.arn} is not authorized to perform: kms:GenerateDataKey on resource: ${keyArn} because no identity-based policy allows the kms:GenerateDataKey action`);

    // Revoked through Tessera: refused at once (the key's policy and grants are read again).
    await kms.send(new RevokeGrantCommand({ KeyId: keyArn, GrantId: GrantId! }));
    const revoked = await awsError(() => asGrantee.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext, EncryptionContext: { app: 'web' } })));
    assert.equal(revoked.name, 'AccessDeniedException');
  });

  test('an exact-context grant; an explicit deny in the grantee\'s identity policy still wins', async () => {
    const kms = env.kms(env.server.root);
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const keyArn = KeyMetadata!.Arn!;
    const exact = await env.user('exact-grantee');
    await kms.send(new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: exact.arn, Operations: ['Encrypt'], Constraints: { EncryptionContextEquals: { tenant: 't1' } } }));
    await env.kms(exact).send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext, EncryptionContext: { tenant: 't1' } }));
    // Equals: no other key may be present.
    const extra = await awsError(() => env.kms(exact).send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext, EncryptionContext: { tenant: 't1', more: 'x' } })));
    assert.equal(extra.name, 'AccessDeniedException');

    const denied = await env.user('denied-grantee', [deny('kms:Encrypt')]);
    await kms.send(new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: denied.arn, Operations: ['Encrypt'] }));
    const refused = await awsError(() => env.kms(denied).send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext })));
    assert.equal(refused.message, `User: ${denied.arn} is not authorized to perform: kms:Encrypt on resource: ${keyArn} with an explicit deny in an identity-based policy`);
  });

  test('a grant to a role serves its sessions; the retiring principal may retire it', async () => {
    const account = env.server.accountId;
    const kms = env.kms(env.server.root);
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const keyArn = KeyMetadata!.Arn!;
    const iam = env.server.iam(env.server.root);
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] };
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'grant-role', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const retiree = await env.user('retiree');
    const { GrantId } = await kms.send(new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: role.Role!.Arn!, RetiringPrincipal: retiree.arn, Operations: ['Encrypt'] }));
    const assumer = await env.user('assumer', [allow('sts:AssumeRole', role.Role!.Arn!)]);
    const assumed = await env.server.sts(assumer).send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: 'grant-session' }));
    const session = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
    await env.kms(session).send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext }));

    // Someone else may not retire it; the retiring principal may.
    const stranger = await env.user('stranger');
    assert.equal((await awsError(() => env.kms(stranger).send(new RetireGrantCommand({ KeyId: keyArn, GrantId: GrantId! })))).name, 'AccessDeniedException');
    await env.kms(retiree).send(new RetireGrantCommand({ KeyId: keyArn, GrantId: GrantId! }));
    assert.equal((await awsError(() => env.kms(session).send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext })))).name, 'AccessDeniedException');
  });
});
