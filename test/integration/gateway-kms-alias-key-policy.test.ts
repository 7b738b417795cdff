// A KMS key named by an alias is still decided on the key and its key policy. The AWS KMS API
// Reference's "Required permissions": ReEncrypt needs kms:ReEncryptTo on the destination key,
// DeleteAlias kms:DeleteAlias on the alias and on its key, UpdateAlias kms:UpdateAlias on the
// alias, on the key it names now and on the new key — each key's policy must allow it. Before,
// a destination given as an alias was decided on the alias ARN without the key's policy, and
// DeleteAlias / UpdateAlias were not decided on the key the alias named: a user allowed by IAM
// but not by a key's policy re-encrypted under that key and deleted or moved its alias.
// Through Tessera, with the AWS SDK v3, against moto.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAliasCommand, CreateKeyCommand, DeleteAliasCommand, EncryptCommand, ListAliasesCommand, ReEncryptCommand, UpdateAliasCommand, type KMSClient } from '@aws-sdk/client-kms';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';

describe('gateway KMS: a key named by an alias is decided on the key and its key policy', () => {
  let env: GatewayEnv;
  let admin: KMSClient;
  let user: KMSClient;
  let userArn: string;
  let account: string;
  /** A key whose policy allows only the admin (no delegation to the account's IAM policies). */
  let guarded: string;
  /** Keys with AWS's default key policy (the account's IAM policies decide). */
  let open: string;
  let open2: string;
  let ciphertext: Uint8Array;

  const refusal = async (promise: Promise<unknown>): Promise<string> => promise.then(() => 'ok', (error: Error) => `${error.name}: ${error.message}`);
  const denied = (action: string, key: string) => `AccessDeniedException: User: ${userArn} is not authorized to perform: ${action} on resource: ${key} because no resource-based policy allows the ${action} action`;
  const aliases = async () => ((await admin.send(new ListAliasesCommand({}))).Aliases ?? []).filter((alias) => alias.AliasName?.startsWith('alias/kp-')).map((alias) => `${alias.AliasName}→${alias.TargetKeyId}`).sort();

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    const root = env.kms(env.server.root);
    const adminUser = await env.user('kp-admin', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }]);
    const plain = await env.user('kp-user', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }]);
    admin = env.kms(adminUser);
    user = env.kms(plain);
    userArn = plain.arn;
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'AdminOnly', Effect: 'Allow', Principal: { AWS: adminUser.arn }, Action: 'kms:*', Resource: '*' }] });
    guarded = (await root.send(new CreateKeyCommand({ Policy: policy, BypassPolicyLockoutSafetyCheck: true }))).KeyMetadata!.Arn!;
    open = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    open2 = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    await admin.send(new CreateAliasCommand({ AliasName: 'alias/kp-guarded', TargetKeyId: guarded }));
    await admin.send(new CreateAliasCommand({ AliasName: 'alias/kp-open', TargetKeyId: open }));
    ciphertext = (await user.send(new EncryptCommand({ KeyId: open, Plaintext: Buffer.from('x') }))).CiphertextBlob!;
  });
  after(async () => env?.stop());

  test('ReEncrypt to the guarded key is refused by its key policy however the destination is named', async () => {
    const to = (destination: string) => refusal(user.send(new ReEncryptCommand({ CiphertextBlob: ciphertext, DestinationKeyId: destination })));
    assert.deepEqual({
      byArn: await to(guarded),
      byAlias: await to('alias/kp-guarded'),
      byAliasArn: await to(`arn:aws:kms:us-east-1:${account}:alias/kp-guarded`),
      toOpenByAlias: await to('alias/kp-open'),
    }, {
      byArn: denied('kms:ReEncryptTo', guarded),
      byAlias: denied('kms:ReEncryptTo', guarded),
      byAliasArn: denied('kms:ReEncryptTo', guarded),
      toOpenByAlias: 'ok',
    });
  });

  test('DeleteAlias and UpdateAlias are decided on the key the alias names now, and on the new key', async () => {
    assert.equal(await refusal(user.send(new DeleteAliasCommand({ AliasName: 'alias/kp-guarded' }))), denied('kms:DeleteAlias', guarded));
    assert.equal(await refusal(user.send(new UpdateAliasCommand({ AliasName: 'alias/kp-guarded', TargetKeyId: open }))), denied('kms:UpdateAlias', guarded));
    assert.equal(await refusal(user.send(new UpdateAliasCommand({ AliasName: 'alias/kp-open', TargetKeyId: guarded }))), denied('kms:UpdateAlias', guarded));
    assert.deepEqual(await aliases(), [`alias/kp-guarded→${guarded.split('/')[1]}`, `alias/kp-open→${open.split('/')[1]}`]);
    // Between keys whose policies delegate to IAM, the user's own policy allows both.
    await user.send(new UpdateAliasCommand({ AliasName: 'alias/kp-open', TargetKeyId: open2 }));
    await user.send(new DeleteAliasCommand({ AliasName: 'alias/kp-open' }));
    assert.deepEqual(await aliases(), [`alias/kp-guarded→${guarded.split('/')[1]}`]);
  });
});
