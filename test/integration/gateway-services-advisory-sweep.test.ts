// A sweep of the protected services other than S3 (Tessera in front of moto_server): requests a
// caller with a narrow policy could use to do more than the policy says. Each test asserts the
// SAFE behaviour and checks what moto really did; each failed before its fix:
//
// - condition keys the Service Authorization Reference lists whose value is in the request under
//   another name (PendingWindowInDays, AuthType, KmsKeyId, Encrypted, MetadataOptions …) were
//   never set, so a Deny conditioned on them did not apply (src/gateway/services/request-condition-keys.ts);
// - SSM GetParameterHistory with WithDecryption returned SecureString values without the
//   kms:Decrypt check GetParameter has (src/server/gateway/service-keys.ts ssmKeyUses);
// - DynamoDB ImportTable read, and ExportTableToPointInTime wrote, S3 objects the caller may not
//   read or write (moto reads/writes the bucket itself; AWS requires the caller's s3:GetObject /
//   s3:ListBucket, s3:PutObject on the bucket); S3BucketOwner even wrote into another account's;
// - Lambda CreateFunction from Code.S3Bucket/S3Key hashed an object the caller may not read
//   (CodeSha256 and CodeSize of any object of the account). Those S3 uses are now decided as
//   the caller's own S3 requests (src/server/gateway/caller-s3-access.ts).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, ExportTableToPointInTimeCommand, ImportTableCommand, DescribeTableCommand, PutItemCommand, UpdateContinuousBackupsCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, DescribeKeyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { awsCliAvailable } from '../support/cli-process.ts';
import { allow, deny, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { createMotoServiceRole, lambdaZip } from '../support/moto-iam.ts';
import { sdkFailure, type Credentials } from '../support/tessera-server.ts';

const REGION = 'us-east-1';

function conditioned(effect: 'Allow' | 'Deny', action: string | string[], condition: Record<string, unknown>, resource = '*'): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: [{ Effect: effect, Action: action, Resource: resource, Condition: condition }] };
}

describe('gateway services advisory sweep', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  let env: GatewayEnv;
  let account: string;
  let root: Credentials;
  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    root = env.server.root;
  });
  after(() => env?.stop());

  async function ok(args: string[], who: Credentials = root): Promise<string> {
    const run = await env.cli(args, who);
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    return run.stdout;
  }

  // --- condition keys the gateway did not set --------------------------------------------------

  test('KMS: a Deny on kms:ScheduleKeyDeletionPendingWindowInDays applies (7 days refused; the key stays Enabled)', async () => {
    const key = (await env.kms(root).send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const user = await env.user('adv-kms-window', [allow('kms:*'), conditioned('Deny', 'kms:ScheduleKeyDeletion', { NumericLessThan: { 'kms:ScheduleKeyDeletionPendingWindowInDays': '30' } })]);
    const failure = await sdkFailure(env.kms(user).send(new ScheduleKeyDeletionCommand({ KeyId: key, PendingWindowInDays: 7 })));
    assert.equal(failure?.name, 'AccessDeniedException');
    const state = (await env.kms(root).send(new DescribeKeyCommand({ KeyId: key }))).KeyMetadata!.KeyState;
    assert.equal(state, 'Enabled', 'the key was not scheduled for deletion');
  });

  test('Lambda: a Deny on lambda:FunctionUrlAuthType NONE applies to CreateFunctionUrlConfig', async () => {
    await createMotoServiceRole(env.moto.url, account, 'adv-url-exec');
    await ok(['lambda', 'create-function', '--function-name', 'adv-url', '--runtime', 'python3.12', '--handler', 'index.handler', '--role', `arn:aws:iam::${account}:role/adv-url-exec`, '--zip-file', `fileb://${lambdaZip('tessera-adv-url-')}`]);
    const user = await env.user('adv-lambda-url', [allow('lambda:*'), conditioned('Deny', ['lambda:CreateFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'], { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } })]);
    const run = await env.cli(['lambda', 'create-function-url-config', '--function-name', 'adv-url', '--auth-type', 'NONE'], user);
    assert.notEqual(run.code, 0, run.stdout);
    assert.match(run.stderr, /AccessDenied/);
    const check = await env.cli(['lambda', 'get-function-url-config', '--function-name', 'adv-url'], root);
    assert.notEqual(check.code, 0, `the function has a public URL: ${check.stdout}`);
  });

  test('Secrets Manager: a Deny on secretsmanager:KmsKeyArn applies to CreateSecret', async () => {
    const key = (await env.kms(root).send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const user = await env.user('adv-secret-key', [allow(['secretsmanager:*', 'kms:*']), conditioned('Deny', 'secretsmanager:CreateSecret', { StringEquals: { 'secretsmanager:KmsKeyArn': key } })]);
    const run = await env.cli(['secretsmanager', 'create-secret', '--name', 'adv-under-denied-key', '--secret-string', 'x', '--kms-key-id', key], user);
    assert.notEqual(run.code, 0, run.stdout);
    const check = await env.cli(['secretsmanager', 'describe-secret', '--secret-id', 'adv-under-denied-key'], root);
    assert.notEqual(check.code, 0, 'the secret was created');
  });

  test('EC2: a Deny on ec2:Encrypted false applies to CreateVolume', async () => {
    const user = await env.user('adv-ec2-volume', [allow('ec2:*'), conditioned('Deny', 'ec2:CreateVolume', { Bool: { 'ec2:Encrypted': 'false' } })]);
    const before = JSON.parse(await ok(['ec2', 'describe-volumes'])).Volumes.length as number;
    const run = await env.cli(['ec2', 'create-volume', '--availability-zone', `${REGION}a`, '--size', '8', '--no-encrypted'], user);
    assert.notEqual(run.code, 0, run.stdout);
    assert.match(run.stderr, /UnauthorizedOperation/);
    assert.equal(JSON.parse(await ok(['ec2', 'describe-volumes'])).Volumes.length, before, 'no unencrypted volume was created');
  });

  test('EC2: a Deny on ec2:MetadataHttpPutResponseHopLimit applies to RunInstances', async () => {
    const user = await env.user('adv-ec2-imds', [allow('ec2:*'), conditioned('Deny', 'ec2:RunInstances', { NumericGreaterThan: { 'ec2:MetadataHttpPutResponseHopLimit': '1' } })]);
    const before = JSON.parse(await ok(['ec2', 'describe-instances'])).Reservations.length as number;
    const run = await env.cli(['ec2', 'run-instances', '--image-id', 'ami-12c6146b', '--count', '1', '--metadata-options', 'HttpPutResponseHopLimit=5'], user);
    assert.notEqual(run.code, 0, run.stdout);
    assert.equal(JSON.parse(await ok(['ec2', 'describe-instances'])).Reservations.length, before, 'no instance was launched');
  });

  // --- keys behind services ----------------------------------------------------------------------

  test('SSM GetParameterHistory with decryption needs kms:Decrypt on the parameter\'s key, as GetParameter does', async () => {
    const key = (await env.kms(root).send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    await ok(['ssm', 'put-parameter', '--name', '/adv/db/password', '--type', 'SecureString', '--key-id', key, '--value', 'hunter2-history']);
    const user = await env.user('adv-ssm-history', [allow(['ssm:GetParameter', 'ssm:GetParameterHistory']), deny('kms:Decrypt')]);
    const direct = await env.cli(['ssm', 'get-parameter', '--name', '/adv/db/password', '--with-decryption'], user);
    assert.notEqual(direct.code, 0, 'GetParameter is refused (the baseline)');
    const history = await env.cli(['ssm', 'get-parameter-history', '--name', '/adv/db/password', '--with-decryption'], user);
    assert.ok(!history.stdout.includes('hunter2-history'), `the SecureString was read: ${history.stdout}`);
    assert.notEqual(history.code, 0);
  });

  // --- a service reading or writing S3 for the caller ----------------------------------------------

  test('DynamoDB ImportTable does not read a bucket the caller may not read', async () => {
    await env.s3(root).send(new CreateBucketCommand({ Bucket: 'adv-import-vault' }));
    await env.s3(root).send(new PutObjectCommand({ Bucket: 'adv-import-vault', Key: 'payroll/data.json', Body: `${JSON.stringify({ Item: { id: { S: 'ceo' }, salary: { N: '999999' } } })}\n` }));
    const user = await env.user('adv-ddb-import', [allow('dynamodb:*', `arn:aws:dynamodb:${REGION}:${account}:table/adv-imported*`)]);
    const outcome = await sdkFailure(env.dynamodb(user).send(new ImportTableCommand({
      S3BucketSource: { S3Bucket: 'adv-import-vault', S3KeyPrefix: 'payroll/' },
      InputFormat: 'DYNAMODB_JSON',
      TableCreationParameters: { TableName: 'adv-imported', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' },
    })));
    assert.equal(outcome?.name, 'AccessDeniedException', 'refused: no s3:GetObject / s3:ListBucket on the source');
    const table = await sdkFailure(env.dynamodb(root).send(new DescribeTableCommand({ TableName: 'adv-imported' })));
    assert.equal(table?.name, 'ResourceNotFoundException', 'no table was filled from the bucket');
  });

  test('DynamoDB ExportTableToPointInTime does not write into a bucket the caller may not write (nor another account\'s)', async () => {
    await env.s3(root).send(new CreateBucketCommand({ Bucket: 'adv-export-vault' }));
    const user = await env.user('adv-ddb-export', [allow('dynamodb:*', `arn:aws:dynamodb:${REGION}:${account}:table/adv-export*`)]);
    const ddb = env.dynamodb(user);
    await ddb.send(new CreateTableCommand({ TableName: 'adv-export-src', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
    await ddb.send(new PutItemCommand({ TableName: 'adv-export-src', Item: { id: { S: 'planted' } } }));
    await ddb.send(new UpdateContinuousBackupsCommand({ TableName: 'adv-export-src', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
    const outcome = await sdkFailure(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: `arn:aws:dynamodb:${REGION}:${account}:table/adv-export-src`, S3Bucket: 'adv-export-vault', S3Prefix: 'planted' })));
    assert.equal(outcome?.name, 'AccessDeniedException', 'refused: no s3:PutObject on the bucket');
    const other = await env.account();
    const theirs = env.dynamodb(other);
    await theirs.send(new CreateTableCommand({ TableName: 'adv-export-b', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
    await theirs.send(new UpdateContinuousBackupsCommand({ TableName: 'adv-export-b', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
    const cross = await sdkFailure(theirs.send(new ExportTableToPointInTimeCommand({ TableArn: `arn:aws:dynamodb:${REGION}:${other.accountId}:table/adv-export-b`, S3Bucket: 'adv-export-vault', S3BucketOwner: account, S3Prefix: 'cross' })));
    assert.equal(cross?.name, 'AccessDeniedException', 'refused: the bucket\'s policy does not allow the other account');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const listed = await env.s3(root).send(new ListObjectsV2Command({ Bucket: 'adv-export-vault' }));
    assert.deepEqual((listed.Contents ?? []).map((object) => object.Key), [], 'nothing was written into the bucket');
  });

  test('Lambda CreateFunction from S3 code needs s3:GetObject on the object (its SHA-256 and size are not disclosed)', async () => {
    await env.s3(root).send(new CreateBucketCommand({ Bucket: 'adv-code-vault' }));
    await env.s3(root).send(new PutObjectCommand({ Bucket: 'adv-code-vault', Key: 'pin.txt', Body: '4321' }));
    await createMotoServiceRole(env.moto.url, account, 'adv-s3code-exec');
    const user = await env.user('adv-lambda-s3code', [allow(['lambda:*', 'iam:PassRole'])]);
    const run = await env.cli(['lambda', 'create-function', '--function-name', 'adv-s3code', '--runtime', 'python3.12', '--handler', 'x.h', '--role', `arn:aws:iam::${account}:role/adv-s3code-exec`, '--code', 'S3Bucket=adv-code-vault,S3Key=pin.txt'], user);
    assert.notEqual(run.code, 0, `the object was hashed: ${run.stdout}`);
  });
  test('the same S3 uses are served when the caller may make them', async () => {
    await env.s3(root).send(new CreateBucketCommand({ Bucket: 'adv-allowed-data' }));
    await env.s3(root).send(new PutObjectCommand({ Bucket: 'adv-allowed-data', Key: 'in/rows.json', Body: `${JSON.stringify({ Item: { id: { S: 'r1' } } })}\n` }));
    await env.s3(root).send(new PutObjectCommand({ Bucket: 'adv-allowed-data', Key: 'code/pin.txt', Body: '4321' }));
    await createMotoServiceRole(env.moto.url, account, 'adv-allowed-exec');
    const user = await env.user('adv-s3-allowed', [
      allow(['dynamodb:*', 'lambda:*', 'iam:PassRole']),
      allow('s3:ListBucket', 'arn:aws:s3:::adv-allowed-data'),
      allow('s3:GetObject', ['arn:aws:s3:::adv-allowed-data/in/*', 'arn:aws:s3:::adv-allowed-data/code/*']),
      allow('s3:PutObject', 'arn:aws:s3:::adv-allowed-data/out/*'),
    ]);
    const ddb = env.dynamodb(user);
    await ddb.send(new ImportTableCommand({
      S3BucketSource: { S3Bucket: 'adv-allowed-data', S3KeyPrefix: 'in/' },
      InputFormat: 'DYNAMODB_JSON',
      TableCreationParameters: { TableName: 'adv-allowed-import', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' },
    }));
    await ddb.send(new UpdateContinuousBackupsCommand({ TableName: 'adv-allowed-import', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
    await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: `arn:aws:dynamodb:${REGION}:${account}:table/adv-allowed-import`, S3Bucket: 'adv-allowed-data', S3Prefix: 'out' }));
    // A prefix outside the grant is still refused, and an object under the import prefix the user may not read refuses the whole import.
    const outside = await sdkFailure(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: `arn:aws:dynamodb:${REGION}:${account}:table/adv-allowed-import`, S3Bucket: 'adv-allowed-data', S3Prefix: 'elsewhere' })));
    assert.equal(outside?.name, 'AccessDeniedException');
    assert.match(outside?.message ?? '', /s3:PutObject on resource: "?arn:aws:s3:::adv-allowed-data\/elsewhere\/AWSDynamoDB\//);
    // Each object under the prefix is decided: `in` also covers inbox/, which the grant does not.
    await env.s3(root).send(new PutObjectCommand({ Bucket: 'adv-allowed-data', Key: 'inbox/other.json', Body: '{}\n' }));
    const mixed = await sdkFailure(ddb.send(new ImportTableCommand({
      S3BucketSource: { S3Bucket: 'adv-allowed-data', S3KeyPrefix: 'in' },
      InputFormat: 'DYNAMODB_JSON',
      TableCreationParameters: { TableName: 'adv-allowed-import-2', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' },
    })));
    assert.equal(mixed?.name, 'AccessDeniedException');
    assert.match(mixed?.message ?? '', /s3:GetObject on resource: "?arn:aws:s3:::adv-allowed-data\/inbox\/other\.json/);
    const run = await env.cli(['lambda', 'create-function', '--function-name', 'adv-allowed-fn', '--runtime', 'python3.12', '--handler', 'x.h', '--role', `arn:aws:iam::${account}:role/adv-allowed-exec`, '--code', 'S3Bucket=adv-allowed-data,S3Key=code/pin.txt'], user);
    assert.equal(run.code, 0, run.stderr);
  });
});
