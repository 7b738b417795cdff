import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, ReEncryptCommand } from '@aws-sdk/client-kms';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError } from '../support/tessera-server.ts';

/**
 * Decrypt and ReEncrypt are decided on the key the ciphertext names — the key the upstream
 * decrypts with. Decrypt needs no KeyId (as on AWS for a symmetric key); a KeyId naming another
 * key than the ciphertext's does not widen anything; and ReEncrypt's SourceKeyId cannot stand in
 * for the ciphertext's key (moto never compares them: a caller allowed on one key could re-encrypt
 * another key's ciphertext under a key of its own, then read it).
 */
describe('KMS ciphertexts name their key (gateway, moto)', () => {
  let env: GatewayEnv;
  let keyA: string;
  let keyB: string;
  let blobB: Uint8Array;
  before(async () => {
    env = await startGatewayEnv();
    const root = env.kms(env.server.root);
    keyA = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    keyB = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    blobB = (await root.send(new EncryptCommand({ KeyId: keyB, Plaintext: Buffer.from('secret of B') }))).CiphertextBlob!;
  });
  after(() => env?.stop());

  test('Decrypt without KeyId is decided on the ciphertext\'s key', async () => {
    const blobA = (await env.kms(env.server.root).send(new EncryptCommand({ KeyId: keyA, Plaintext: Buffer.from('hello') }))).CiphertextBlob!;
    const user = await env.user('kms-a', [allow('kms:Decrypt', keyA)]);
    const kms = env.kms(user);
    const plain = await kms.send(new DecryptCommand({ CiphertextBlob: blobA }));
    assert.equal(Buffer.from(plain.Plaintext!).toString(), 'hello');
    assert.equal(plain.KeyId, keyA);
    const refused = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: blobB })));
    assert.equal(refused.name, 'AccessDeniedException');
    assert.match(refused.message, new RegExp(`kms:Decrypt on resource: ${keyB} `));
    // Naming the allowed key does not open another key's ciphertext.
    const named = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: blobB, KeyId: keyA })));
    assert.equal(named.name, 'AccessDeniedException');
  });

  test('ReEncrypt is decided on the ciphertext\'s key, not on SourceKeyId alone', async () => {
    // The caller owns key C (it may do anything with it) and may re-encrypt from key A only.
    const keyC = (await env.kms(env.server.root).send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const user = await env.user('kms-reencrypt', [
      allow('kms:ReEncryptFrom', keyA),
      allow(['kms:ReEncryptTo', 'kms:Decrypt'], keyC),
    ]);
    const kms = env.kms(user);
    const refused = await awsError(() => kms.send(new ReEncryptCommand({ CiphertextBlob: blobB, SourceKeyId: keyA, DestinationKeyId: keyC })));
    assert.equal(refused.name, 'AccessDeniedException');
    assert.match(refused.message, new RegExp(`kms:ReEncryptFrom on resource: ${keyB} `));
    const noSource = await awsError(() => kms.send(new ReEncryptCommand({ CiphertextBlob: blobB, DestinationKeyId: keyC })));
    assert.equal(noSource.name, 'AccessDeniedException');
    // A caller with every re-encrypt right on its own key C only: the destination is no source.
    const owner = env.kms(await env.user('kms-own-key', [allow(['kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:Decrypt'], keyC)]));
    const ownOnly = await awsError(() => owner.send(new ReEncryptCommand({ CiphertextBlob: blobB, DestinationKeyId: keyC })));
    assert.equal(ownOnly.name, 'AccessDeniedException');
    assert.match(ownOnly.message, new RegExp(`kms:ReEncryptFrom on resource: ${keyB} `));
    // From the allowed key it works, with or without SourceKeyId.
    const blobA = (await env.kms(env.server.root).send(new EncryptCommand({ KeyId: keyA, Plaintext: Buffer.from('moved') }))).CiphertextBlob!;
    const moved = await kms.send(new ReEncryptCommand({ CiphertextBlob: blobA, DestinationKeyId: keyC }));
    assert.equal(moved.SourceKeyId, keyA);
    assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: moved.CiphertextBlob! }))).Plaintext!).toString(), 'moved');
  });
});
