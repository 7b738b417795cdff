import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateKeyCommand, GetKeyPolicyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError } from '../support/tessera-server.ts';

/**
 * KMS key policies and Secrets Manager resource policies written through the gateway are
 * validated before they reach the upstream, as KMS and Secrets Manager validate them: a
 * principal that does not exist and a document that is not a policy are refused in the
 * service's words, and nothing is stored.
 */
describe('key and secret policies written through the gateway', () => {
  let env: GatewayEnv;
  before(async () => {
    env = await startGatewayEnv();
  });
  after(() => env?.stop());

  const policy = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

  test('KMS: an unknown principal and a malformed document are MalformedPolicyDocumentException; nothing changes', async () => {
    const account = env.server.accountId;
    const kms = env.kms(env.server.root);
    const admin = { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' };
    const ghost = { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/ghost` }, Action: 'kms:Encrypt', Resource: '*' };
    const unknown = await awsError(() => kms.send(new CreateKeyCommand({ Policy: policy([admin, ghost]) })));
    assert.deepEqual([unknown.name, unknown.status, unknown.message], ['MalformedPolicyDocumentException', 400, 'Policy contains a statement with one or more invalid principals.']);
    // Not JSON: refused as such, not as a lockout.
    const malformed = await awsError(() => kms.send(new CreateKeyCommand({ Policy: '{"Version":"2012-10-17","Statement":[' })));
    assert.deepEqual([malformed.name, malformed.message], ['MalformedPolicyDocumentException', 'The request was rejected because the specified policy is not syntactically or semantically correct.']);

    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Policy: policy([admin]) }));
    const keyId = KeyMetadata!.KeyId!;
    const replaced = await awsError(() => kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: policy([admin, ghost]) })));
    assert.equal(replaced.name, 'MalformedPolicyDocumentException');
    const stored = await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
    assert.deepEqual(JSON.parse(stored.Policy!).Statement, [admin]);
  });

  test('Secrets Manager PutResourcePolicy: an unknown principal and invalid syntax are refused; a valid policy is stored', async () => {
    const account = env.server.accountId;
    const root = env.server.root;
    assert.equal((await env.cli(['secretsmanager', 'create-secret', '--name', 'db-password', '--secret-string', 'x'], root)).code, 0);
    const put = (document: string) => env.cli(['secretsmanager', 'put-resource-policy', '--secret-id', 'db-password', '--resource-policy', document], root);
    const reader = (principal: string) => policy([{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }]);

    const ghost = await put(reader(`arn:aws:iam::${account}:role/ghost`));
    assert.match(ghost.stderr, /\(MalformedPolicyDocumentException\) when calling the PutResourcePolicy operation: This resource policy contains an unsupported principal\./);
    const broken = await put('{"Version":"2012-10-17","Statement":[{"Effect":"Allow"');
    assert.match(broken.stderr, /\(MalformedPolicyDocumentException\) when calling the PutResourcePolicy operation: This policy has invalid syntax\./);
    const none = await env.cli(['secretsmanager', 'get-resource-policy', '--secret-id', 'db-password', '--query', 'ResourcePolicy', '--output', 'text'], root);
    assert.equal(none.stdout.trim(), 'None');

    assert.equal((await put(reader(`arn:aws:iam::${account}:root`))).code, 0);
    const stored = await env.cli(['secretsmanager', 'get-resource-policy', '--secret-id', 'db-password', '--query', 'ResourcePolicy', '--output', 'text'], root);
    assert.match(stored.stdout, /secretsmanager:GetSecretValue/);
  });
});
