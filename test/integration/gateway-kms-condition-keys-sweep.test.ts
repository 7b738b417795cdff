import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  ListGrantsCommand,
  PutKeyPolicyCommand,
  ReEncryptCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  UpdateAliasCommand,
  VerifyCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';

/**
 * AWS KMS condition keys through the gateway, against moto, as the AWS KMS Developer Guide
 * ("AWS KMS condition keys", conditions-kms.html) documents them:
 *
 * - Request-parameter keys are set even when the parameter is omitted, to its default value
 *   ("This type of condition works even when the parameter doesn't appear in the request, such
 *   as when you use the parameter's default value"): kms:KeySpec SYMMETRIC_DEFAULT on a
 *   CreateKey without KeySpec, kms:ScheduleKeyDeletionPendingWindowInDays 30 on a
 *   ScheduleKeyDeletion without PendingWindowInDays, and so on.
 * - Key-property keys (kms:KeyOrigin, kms:KeySpec, kms:KeyUsage, kms:MultiRegion,
 *   kms:MultiRegionKeyType, kms:ResourceAliases) are the properties of the KMS key an operation
 *   is authorized on ("Conditions for KMS keys used in API operations").
 * - kms:GrantIsForAWSResource is false for a CreateGrant a principal calls directly.
 *
 * Each key is checked three ways: an Allow only when the key has the value the request carries
 * (succeeds), an Allow of kms:* with a Deny when the key has that value (refused — a key the
 * gateway fails to set is a visible bypass), and the same Deny with another value (succeeds —
 * the Deny refuses because of its condition, not whatever it says).
 */

const V = '2012-10-17';
type Condition = Record<string, Record<string, unknown>>;
type Call = (kms: KMSClient) => Promise<unknown>;

/** Allowed the action only when the condition holds. */
function onlyWhen(action: string | string[], condition: Condition): Record<string, unknown> {
  return { Version: V, Statement: [{ Effect: 'Allow', Action: action, Resource: '*', Condition: condition }] };
}

/** Allowed everything in KMS, but denied the action when the condition holds. */
function allExcept(action: string | string[], condition: Condition): Record<string, unknown> {
  return { Version: V, Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }, { Effect: 'Deny', Action: action, Resource: '*', Condition: condition }] };
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    const e = err as Error;
    return e.name === 'AccessDeniedException' ? e.name : `${e.name}: ${e.message}`;
  }
}

describe('KMS condition keys through the gateway (AWS KMS Developer Guide, "AWS KMS condition keys")', () => {
  let env: GatewayEnv;
  let root: KMSClient;
  let account: string;
  /** A symmetric encryption key: AWS_KMS, SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT, single-Region. */
  let sym: string;
  /** Its ciphertext. */
  let ciphertext: Uint8Array;
  /** A multi-Region primary key. */
  let mrk: string;
  /** An RSA_2048 SIGN_VERIFY key, and a RAW-message signature. */
  let signer: string;
  let signature: Uint8Array;
  /** Keys with an alias alias/finance-payroll, and with only alias/ops-main. */
  let finance: string;
  let ops: string;
  /** Keys to schedule for deletion (each Allowed scheduling consumes one). */
  const doomed: string[] = [];
  let serial = 0;
  const message = Buffer.from('message to sign');

  before(async () => {
    env = await startGatewayEnv();
    root = env.kms(env.server.root);
    account = env.server.accountId;
    const created = async (input: ConstructorParameters<typeof CreateKeyCommand>[0] = {}) => (await root.send(new CreateKeyCommand(input))).KeyMetadata!.Arn!;
    sym = await created();
    ciphertext = (await root.send(new EncryptCommand({ KeyId: sym, Plaintext: Buffer.from('secret') }))).CiphertextBlob!;
    mrk = await created({ MultiRegion: true });
    signer = await created({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    signature = (await root.send(new SignCommand({ KeyId: signer, Message: message, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }))).Signature!;
    finance = await created();
    await root.send(new CreateAliasCommand({ AliasName: 'alias/finance-payroll', TargetKeyId: finance }));
    ops = await created();
    await root.send(new CreateAliasCommand({ AliasName: 'alias/ops-main', TargetKeyId: ops }));
    // By key ID: moto answers a ScheduleKeyDeletion naming the key by ARN with a 500 (KeyError).
    for (let i = 0; i < 6; i++) doomed.push((await created()).split('/')[1]!);
  });
  after(() => env?.stop());

  async function as(policy: Record<string, unknown>): Promise<KMSClient> {
    serial += 1;
    return env.kms(await env.user(`kms-cond-${serial}`, [policy]));
  }

  /**
   * The three checks of one key: [Allow only when it has `value` → ok, Deny when it has `value`
   * → refused, Deny when it has `other` → ok]. `operator` is StringEquals, Bool, NumericEquals….
   */
  async function sweep(action: string, operator: string, key: string, value: string, other: string, call: Call): Promise<void> {
    const got = {
      allowWhenValue: await outcome(call(await as(onlyWhen(action, { [operator]: { [key]: value } })))),
      denyWhenValue: await outcome(call(await as(allExcept(action, { [operator]: { [key]: value } })))),
      denyWhenOther: await outcome(call(await as(allExcept(action, { [operator]: { [key]: other } })))),
    };
    assert.deepEqual(got, { allowWhenValue: 'ok', denyWhenValue: 'AccessDeniedException', denyWhenOther: 'ok' }, `${action} with ${operator} ${key} = ${value}`);
  }

  describe('request-parameter keys with the parameter omitted: its default value', () => {
    const createKey: Call = (kms) => kms.send(new CreateKeyCommand({}));

    test('CreateKey without KeySpec: kms:KeySpec is SYMMETRIC_DEFAULT', async () => {
      await sweep('kms:CreateKey', 'StringEquals', 'kms:KeySpec', 'SYMMETRIC_DEFAULT', 'RSA_2048', createKey);
    });

    test('CreateKey without KeyUsage: kms:KeyUsage is ENCRYPT_DECRYPT', async () => {
      await sweep('kms:CreateKey', 'StringEquals', 'kms:KeyUsage', 'ENCRYPT_DECRYPT', 'SIGN_VERIFY', createKey);
    });

    test('CreateKey without Origin: kms:KeyOrigin is AWS_KMS', async () => {
      await sweep('kms:CreateKey', 'StringEquals', 'kms:KeyOrigin', 'AWS_KMS', 'EXTERNAL', createKey);
    });

    test('CreateKey without MultiRegion: kms:MultiRegion is false', async () => {
      await sweep('kms:CreateKey', 'Bool', 'kms:MultiRegion', 'false', 'true', createKey);
    });

    test('CreateKey without BypassPolicyLockoutSafetyCheck: kms:BypassPolicyLockoutSafetyCheck is false', async () => {
      await sweep('kms:CreateKey', 'Bool', 'kms:BypassPolicyLockoutSafetyCheck', 'false', 'true', createKey);
    });

    test('Encrypt without EncryptionAlgorithm: kms:EncryptionAlgorithm is SYMMETRIC_DEFAULT', async () => {
      await sweep('kms:Encrypt', 'StringEquals', 'kms:EncryptionAlgorithm', 'SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_256',
        (kms) => kms.send(new EncryptCommand({ KeyId: sym, Plaintext: Buffer.from('x') })));
    });

    test('Decrypt without EncryptionAlgorithm: kms:EncryptionAlgorithm is SYMMETRIC_DEFAULT', async () => {
      await sweep('kms:Decrypt', 'StringEquals', 'kms:EncryptionAlgorithm', 'SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_256',
        (kms) => kms.send(new DecryptCommand({ CiphertextBlob: ciphertext })));
    });

    test('GenerateDataKey (no EncryptionAlgorithm parameter): kms:EncryptionAlgorithm is SYMMETRIC_DEFAULT', async () => {
      await sweep('kms:GenerateDataKey', 'StringEquals', 'kms:EncryptionAlgorithm', 'SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_256',
        (kms) => kms.send(new GenerateDataKeyCommand({ KeyId: sym, KeySpec: 'AES_256' })));
    });

    test('ReEncrypt without Source/DestinationEncryptionAlgorithm: kms:EncryptionAlgorithm is SYMMETRIC_DEFAULT on both sides', async () => {
      await sweep('kms:ReEncrypt*', 'StringEquals', 'kms:EncryptionAlgorithm', 'SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_256',
        (kms) => kms.send(new ReEncryptCommand({ CiphertextBlob: ciphertext, DestinationKeyId: sym })));
    });

    test('ScheduleKeyDeletion without PendingWindowInDays: kms:ScheduleKeyDeletionPendingWindowInDays is 30', async () => {
      await sweep('kms:ScheduleKeyDeletion', 'NumericEquals', 'kms:ScheduleKeyDeletionPendingWindowInDays', '30', '7',
        (kms) => kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.shift()! })));
    });

    test('Sign without MessageType: kms:MessageType is RAW', async () => {
      await sweep('kms:Sign', 'StringEquals', 'kms:MessageType', 'RAW', 'DIGEST',
        (kms) => kms.send(new SignCommand({ KeyId: signer, Message: message, SigningAlgorithm: 'RSASSA_PSS_SHA_256' })));
    });

    test('Verify without MessageType: kms:MessageType is RAW', async () => {
      await sweep('kms:Verify', 'StringEquals', 'kms:MessageType', 'RAW', 'DIGEST',
        (kms) => kms.send(new VerifyCommand({ KeyId: signer, Message: message, Signature: signature, SigningAlgorithm: 'RSASSA_PSS_SHA_256' })));
    });

    test('EnableKeyRotation without RotationPeriodInDays: kms:RotationPeriodInDays is 365', async () => {
      await sweep('kms:EnableKeyRotation', 'NumericEquals', 'kms:RotationPeriodInDays', '365', '90',
        (kms) => kms.send(new EnableKeyRotationCommand({ KeyId: sym })));
    });
  });

  describe('request-parameter keys with the parameter given', () => {
    test('CreateKey with KeySpec RSA_2048 and KeyUsage SIGN_VERIFY: kms:KeySpec, kms:KeyUsage', async () => {
      const call: Call = (kms) => kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }));
      await sweep('kms:CreateKey', 'StringEquals', 'kms:KeySpec', 'RSA_2048', 'SYMMETRIC_DEFAULT', call);
      await sweep('kms:CreateKey', 'StringEquals', 'kms:KeyUsage', 'SIGN_VERIFY', 'ENCRYPT_DECRYPT', call);
    });

    test('CreateKey with Origin EXTERNAL: kms:KeyOrigin', async () => {
      await sweep('kms:CreateKey', 'StringEquals', 'kms:KeyOrigin', 'EXTERNAL', 'AWS_KMS', (kms) => kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' })));
    });

    test('CreateKey with MultiRegion true: kms:MultiRegion, kms:MultiRegionKeyType PRIMARY', async () => {
      const call: Call = (kms) => kms.send(new CreateKeyCommand({ MultiRegion: true }));
      await sweep('kms:CreateKey', 'Bool', 'kms:MultiRegion', 'true', 'false', call);
      await sweep('kms:CreateKey', 'StringEquals', 'kms:MultiRegionKeyType', 'PRIMARY', 'REPLICA', call);
    });

    test('CreateKey with BypassPolicyLockoutSafetyCheck true: kms:BypassPolicyLockoutSafetyCheck', async () => {
      await sweep('kms:CreateKey', 'Bool', 'kms:BypassPolicyLockoutSafetyCheck', 'true', 'false', (kms) => kms.send(new CreateKeyCommand({ BypassPolicyLockoutSafetyCheck: true })));
    });

    test('Encrypt and Decrypt with EncryptionAlgorithm SYMMETRIC_DEFAULT: kms:EncryptionAlgorithm', async () => {
      await sweep('kms:Encrypt', 'StringEquals', 'kms:EncryptionAlgorithm', 'SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1',
        (kms) => kms.send(new EncryptCommand({ KeyId: sym, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' })));
      await sweep('kms:Decrypt', 'StringEquals', 'kms:EncryptionAlgorithm', 'SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1',
        (kms) => kms.send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' })));
    });

    test('ScheduleKeyDeletion with PendingWindowInDays 7: kms:ScheduleKeyDeletionPendingWindowInDays', async () => {
      await sweep('kms:ScheduleKeyDeletion', 'NumericEquals', 'kms:ScheduleKeyDeletionPendingWindowInDays', '7', '30',
        (kms) => kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.shift()!, PendingWindowInDays: 7 })));
    });

    test('Sign with MessageType RAW: kms:MessageType', async () => {
      await sweep('kms:Sign', 'StringEquals', 'kms:MessageType', 'RAW', 'DIGEST',
        (kms) => kms.send(new SignCommand({ KeyId: signer, Message: message, MessageType: 'RAW', SigningAlgorithm: 'RSASSA_PSS_SHA_256' })));
    });

    test('EnableKeyRotation with RotationPeriodInDays 90: kms:RotationPeriodInDays', async () => {
      await sweep('kms:EnableKeyRotation', 'NumericEquals', 'kms:RotationPeriodInDays', '90', '365',
        (kms) => kms.send(new EnableKeyRotationCommand({ KeyId: sym, RotationPeriodInDays: 90 })));
    });

    test('GenerateDataKeyPair with KeyPairSpec RSA_2048: kms:DataKeyPairSpec', async () => {
      // moto does not implement GenerateDataKeyPair (a 500): what is checked is whether the gateway refuses or forwards.
      const call: Call = (kms) => kms.send(new GenerateDataKeyPairCommand({ KeyId: sym, KeyPairSpec: 'RSA_2048' }));
      const refused = async (policy: Record<string, unknown>) => (await outcome(call(await as(policy)))) === 'AccessDeniedException';
      const condition = (value: string) => ({ StringEquals: { 'kms:DataKeyPairSpec': value } });
      assert.deepEqual({
        allowWhenValue: await refused(onlyWhen('kms:GenerateDataKeyPair', condition('RSA_2048'))),
        allowWhenOther: await refused(onlyWhen('kms:GenerateDataKeyPair', condition('ECC_NIST_P256'))),
        denyWhenValue: await refused(allExcept('kms:GenerateDataKeyPair', condition('RSA_2048'))),
        denyWhenOther: await refused(allExcept('kms:GenerateDataKeyPair', condition('ECC_NIST_P256'))),
      }, { allowWhenValue: false, allowWhenOther: true, denyWhenValue: true, denyWhenOther: false });
    });

    test('CreateGrant with an EncryptionContextSubset constraint: kms:GrantConstraintType', async () => {
      await sweep('kms:CreateGrant', 'StringEquals', 'kms:GrantConstraintType', 'EncryptionContextSubset', 'EncryptionContextEquals',
        (kms) => kms.send(new CreateGrantCommand({ KeyId: sym, GranteePrincipal: `arn:aws:iam::${account}:root`, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: { app: 'web' } } })));
    });
  });

  describe('key-property keys: the properties of the KMS key the operation is authorized on', () => {
    test('Encrypt on a symmetric key: kms:KeySpec is SYMMETRIC_DEFAULT', async () => {
      await sweep('kms:Encrypt', 'StringEquals', 'kms:KeySpec', 'SYMMETRIC_DEFAULT', 'RSA_2048', (kms) => kms.send(new EncryptCommand({ KeyId: sym, Plaintext: Buffer.from('x') })));
    });

    test('GenerateDataKey on an AWS_KMS key: kms:KeyOrigin is AWS_KMS', async () => {
      await sweep('kms:GenerateDataKey', 'StringEquals', 'kms:KeyOrigin', 'AWS_KMS', 'EXTERNAL', (kms) => kms.send(new GenerateDataKeyCommand({ KeyId: sym, KeySpec: 'AES_256' })));
    });

    test('GenerateDataKey with KeySpec AES_256: kms:KeySpec is the KMS key\'s SYMMETRIC_DEFAULT, not the data key\'s AES_256', async () => {
      await sweep('kms:GenerateDataKey', 'StringEquals', 'kms:KeySpec', 'SYMMETRIC_DEFAULT', 'AES_256', (kms) => kms.send(new GenerateDataKeyCommand({ KeyId: sym, KeySpec: 'AES_256' })));
    });

    test('Decrypt: kms:KeyUsage is ENCRYPT_DECRYPT', async () => {
      await sweep('kms:Decrypt', 'StringEquals', 'kms:KeyUsage', 'ENCRYPT_DECRYPT', 'SIGN_VERIFY', (kms) => kms.send(new DecryptCommand({ CiphertextBlob: ciphertext })));
    });

    test('DescribeKey on a single-Region key: kms:MultiRegion is false', async () => {
      await sweep('kms:DescribeKey', 'Bool', 'kms:MultiRegion', 'false', 'true', (kms) => kms.send(new DescribeKeyCommand({ KeyId: sym })));
    });

    test('Encrypt on a multi-Region primary key: kms:MultiRegion is true, kms:MultiRegionKeyType is PRIMARY', async () => {
      const call: Call = (kms) => kms.send(new EncryptCommand({ KeyId: mrk, Plaintext: Buffer.from('x') }));
      await sweep('kms:Encrypt', 'Bool', 'kms:MultiRegion', 'true', 'false', call);
      await sweep('kms:Encrypt', 'StringEquals', 'kms:MultiRegionKeyType', 'PRIMARY', 'REPLICA', call);
    });

    test('Sign with an RSA_2048 SIGN_VERIFY key: kms:KeySpec, kms:KeyUsage', async () => {
      const call: Call = (kms) => kms.send(new SignCommand({ KeyId: signer, Message: message, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }));
      await sweep('kms:Sign', 'StringEquals', 'kms:KeySpec', 'RSA_2048', 'SYMMETRIC_DEFAULT', call);
      await sweep('kms:Sign', 'StringEquals', 'kms:KeyUsage', 'SIGN_VERIFY', 'ENCRYPT_DECRYPT', call);
    });

    test('kms:ResourceAliases with ForAnyValue:StringLike alias/finance-*: the key\'s aliases, though the request names the key by ARN', async () => {
      const condition = { 'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/finance-*' } };
      const allowed = await as(onlyWhen('kms:Encrypt', condition));
      const denied = await as(allExcept('kms:Encrypt', condition));
      const encrypt = (kms: KMSClient, key: string) => outcome(kms.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from('x') })));
      assert.deepEqual({
        allowFinance: await encrypt(allowed, finance),
        allowOps: await encrypt(allowed, ops),
        denyFinance: await encrypt(denied, finance),
        denyOps: await encrypt(denied, ops),
        // Named by an alias: still the aliases of the key it names.
        allowFinanceByAlias: await encrypt(allowed, 'alias/finance-payroll'),
        allowOpsByAlias: await encrypt(allowed, 'alias/ops-main'),
        denyFinanceByAlias: await encrypt(denied, 'alias/finance-payroll'),
      }, {
        allowFinance: 'ok',
        allowOps: 'AccessDeniedException',
        denyFinance: 'AccessDeniedException',
        denyOps: 'ok',
        allowFinanceByAlias: 'ok',
        allowOpsByAlias: 'AccessDeniedException',
        denyFinanceByAlias: 'AccessDeniedException',
      });
    });

    test('kms:ResourceAliases follows an alias made, moved or deleted through Tessera at once (not after the lookup cache\'s lifetime)', async () => {
      const condition = { 'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/blocked-*' } };
      const denied = await as(allExcept('kms:Encrypt', condition));
      const key = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
      const other = (await root.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
      const encrypt = (target: string) => outcome(denied.send(new EncryptCommand({ KeyId: target, Plaintext: Buffer.from('x') })));
      const seen: Record<string, string> = {};
      seen.before = await encrypt(key);
      await root.send(new CreateAliasCommand({ AliasName: 'alias/blocked-now', TargetKeyId: key.split('/')[1]! }));
      seen.afterCreate = await encrypt(key);
      await root.send(new UpdateAliasCommand({ AliasName: 'alias/blocked-now', TargetKeyId: other }));
      seen.keyAfterMove = await encrypt(key);
      seen.otherAfterMove = await encrypt(other);
      await root.send(new DeleteAliasCommand({ AliasName: 'alias/blocked-now' }));
      seen.otherAfterDelete = await encrypt(other);
      assert.deepEqual(seen, { before: 'ok', afterCreate: 'AccessDeniedException', keyAfterMove: 'ok', otherAfterMove: 'AccessDeniedException', otherAfterDelete: 'ok' });
    });
  });

  describe('kms:GrantIsForAWSResource: false for a CreateGrant a principal calls directly', () => {
    const grant: Call = (kms) => kms.send(new CreateGrantCommand({ KeyId: sym, GranteePrincipal: `arn:aws:iam::${account}:root`, Operations: ['Decrypt'] }));

    test('identity policies: Allow when true refuses a direct CreateGrant; Deny when false refuses it', async () => {
      const got = {
        allowWhenTrue: await outcome(grant(await as(onlyWhen('kms:CreateGrant', { Bool: { 'kms:GrantIsForAWSResource': 'true' } })))),
        allowWhenFalse: await outcome(grant(await as(onlyWhen('kms:CreateGrant', { Bool: { 'kms:GrantIsForAWSResource': 'false' } })))),
        denyWhenFalse: await outcome(grant(await as(allExcept('kms:CreateGrant', { Bool: { 'kms:GrantIsForAWSResource': 'false' } })))),
        denyWhenTrue: await outcome(grant(await as(allExcept('kms:CreateGrant', { Bool: { 'kms:GrantIsForAWSResource': 'true' } })))),
      };
      assert.deepEqual(got, { allowWhenTrue: 'AccessDeniedException', allowWhenFalse: 'ok', denyWhenFalse: 'AccessDeniedException', denyWhenTrue: 'ok' });
    });

    test('the default key policy\'s "Allow attachment of persistent resources" statement does not let a principal create a grant itself', async () => {
      const { KeyMetadata } = await root.send(new CreateKeyCommand({}));
      const keyArn = KeyMetadata!.Arn!;
      const user = await env.user('kms-cond-key-policy-user');
      // The account gets everything but CreateGrant; the user gets the default key policy's
      // "Allow attachment of persistent resources" statement only.
      await root.send(new PutKeyPolicyCommand({
        KeyId: keyArn,
        PolicyName: 'default',
        Policy: JSON.stringify({
          Version: V,
          Statement: [
            { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, NotAction: 'kms:CreateGrant', Resource: '*' },
            { Sid: 'Allow attachment of persistent resources', Effect: 'Allow', Principal: { AWS: user.arn }, Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'], Resource: '*', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
          ],
        }),
      }));
      const kms = env.kms(user);
      assert.deepEqual({
        createGrant: await outcome(kms.send(new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: user.arn, Operations: ['Decrypt'] }))),
        // ListGrants does not take kms:GrantIsForAWSResource (Service Authorization Reference): the key is absent, Bool fails, so it is refused too.
        listGrants: await outcome(kms.send(new ListGrantsCommand({ KeyId: keyArn }))),
      }, { createGrant: 'AccessDeniedException', listGrants: 'AccessDeniedException' });
    });
  });

  describe('kms:CallerAccount, kms:RequestAlias, kms:EncryptionContextKeys', () => {
    test('kms:CallerAccount is the caller\'s account', async () => {
      await sweep('kms:Encrypt', 'StringEquals', 'kms:CallerAccount', account, '111122223333', (kms) => kms.send(new EncryptCommand({ KeyId: sym, Plaintext: Buffer.from('x') })));
    });

    test('kms:RequestAlias is the alias the request names the key by, and absent when it names it by ARN', async () => {
      await sweep('kms:Encrypt', 'StringLike', 'kms:RequestAlias', 'alias/finance-*', 'alias/ops-*', (kms) => kms.send(new EncryptCommand({ KeyId: 'alias/finance-payroll', Plaintext: Buffer.from('x') })));
      const allowed = await as(onlyWhen('kms:Encrypt', { StringLike: { 'kms:RequestAlias': 'alias/finance-*' } }));
      assert.equal(await outcome(allowed.send(new EncryptCommand({ KeyId: finance, Plaintext: Buffer.from('x') }))), 'AccessDeniedException');
    });

    test('kms:EncryptionContextKeys with ForAllValues and ForAnyValue', async () => {
      const encrypt = (kms: KMSClient, context?: Record<string, string>) => outcome(kms.send(new EncryptCommand({ KeyId: sym, Plaintext: Buffer.from('x'), ...(context ? { EncryptionContext: context } : {}) })));
      const all = await as(onlyWhen('kms:Encrypt', { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['app', 'tenant'] } }));
      const any = await as(onlyWhen('kms:Encrypt', { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'app' } }));
      const denyAny = await as(allExcept('kms:Encrypt', { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'app' } }));
      assert.deepEqual({
        allSubset: await encrypt(all, { app: 'web' }),
        allExtra: await encrypt(all, { app: 'web', other: 'x' }),
        // ForAllValues is true when the key is absent (IAM User Guide, "Multivalued context keys").
        allNoContext: await encrypt(all),
        anyHit: await encrypt(any, { app: 'web', other: 'x' }),
        anyMiss: await encrypt(any, { other: 'x' }),
        anyNoContext: await encrypt(any),
        denyAnyHit: await encrypt(denyAny, { tenant: 't', app: 'web' }),
        denyAnyMiss: await encrypt(denyAny, { tenant: 't' }),
      }, {
        allSubset: 'ok',
        allExtra: 'AccessDeniedException',
        allNoContext: 'ok',
        anyHit: 'ok',
        anyMiss: 'AccessDeniedException',
        anyNoContext: 'AccessDeniedException',
        denyAnyHit: 'AccessDeniedException',
        denyAnyMiss: 'ok',
      });
    });
  });
});
