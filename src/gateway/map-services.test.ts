import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapRequest } from './map-request.ts';
import { authorizationDataForTests, checks, mapped } from './testing/mapping.ts';
import { CALLER, form, json, OWNER, wire } from './testing/requests.ts';
import type { GatewayRequest, MapResult } from './types.ts';

const authorizationData = authorizationDataForTests();

type Case = [name: string, request: () => GatewayRequest, operation: string, expected: string[]];

function table(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const [name, request, operation, expected] of cases) {
      it(name, () => {
        const result = mapped(mapRequest(authorizationData(), request()));
        assert.equal(result.operation, operation);
        assert.deepEqual(checks(result), expected);
      });
    }
  });
}

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/111111111111/orders';
const QUEUE = 'arn:aws:sqs:us-east-1:111111111111:orders';
const TOPIC = 'arn:aws:sns:us-east-1:111111111111:alerts';
const TABLE = 'arn:aws:dynamodb:us-east-1:111111111111:table/Music';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY = `arn:aws:kms:us-east-1:111111111111:key/${KEY_ID}`;
const FUNCTION = 'arn:aws:lambda:us-east-1:111111111111:function:resize';
const SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:db-pass-AbCdEf';

table('SQS (JSON protocol and the query form)', [
  ['SendMessage (JSON)', () => json('sqs', 'AmazonSQS.SendMessage', { QueueUrl: QUEUE_URL, MessageBody: 'hi' }, '1.0'), 'SendMessage', [`sqs:SendMessage ${QUEUE}`]],
  ['ReceiveMessage (JSON)', () => json('sqs', 'AmazonSQS.ReceiveMessage', { QueueUrl: QUEUE_URL, MaxNumberOfMessages: 10 }, '1.0'), 'ReceiveMessage', [`sqs:ReceiveMessage ${QUEUE}`]],
  ['DeleteMessage (query form)', () => form('sqs', { Action: 'DeleteMessage', Version: '2012-11-05', QueueUrl: QUEUE_URL, ReceiptHandle: 'r' }), 'DeleteMessage', [`sqs:DeleteMessage ${QUEUE}`]],
  ['SendMessage to the queue URL\'s path (query form)', () => form('sqs', { Action: 'SendMessage', MessageBody: 'x' }, '/111111111111/orders'), 'SendMessage', [`sqs:SendMessage ${QUEUE}`]],
  ['SendMessageBatch is sqs:SendMessage', () => json('sqs', 'AmazonSQS.SendMessageBatch', { QueueUrl: QUEUE_URL, Entries: [{ Id: '1', MessageBody: 'a' }] }, '1.0'), 'SendMessageBatch', [`sqs:SendMessage ${QUEUE}`]],
  ['CreateQueue names the queue it creates', () => json('sqs', 'AmazonSQS.CreateQueue', { QueueName: 'new-q' }, '1.0'), 'CreateQueue', ['sqs:CreateQueue arn:aws:sqs:us-east-1:111111111111:new-q']],
  ['GetQueueUrl by name', () => json('sqs', 'AmazonSQS.GetQueueUrl', { QueueName: 'orders' }, '1.0'), 'GetQueueUrl', [`sqs:GetQueueUrl ${QUEUE}`]],
  ['ListQueues is on *', () => json('sqs', 'AmazonSQS.ListQueues', {}, '1.0'), 'ListQueues', ['sqs:ListQueues *']],
  ['a queue of another account', () => json('sqs', 'AmazonSQS.GetQueueAttributes', { QueueUrl: 'http://localhost:4600/333333333333/shared' }, '1.0'), 'GetQueueAttributes', ['sqs:GetQueueAttributes arn:aws:sqs:us-east-1:333333333333:shared']],
]);

table('SNS (query protocol)', [
  ['Publish', () => form('sns', { Action: 'Publish', Version: '2010-03-31', TopicArn: TOPIC, Message: 'm' }), 'Publish', [`sns:Publish ${TOPIC}`]],
  ['PublishBatch is sns:Publish', () => form('sns', { Action: 'PublishBatch', TopicArn: TOPIC, 'PublishBatchRequestEntries.member.1.Id': '1', 'PublishBatchRequestEntries.member.1.Message': 'm' }), 'PublishBatch', [`sns:Publish ${TOPIC}`]],
  ['CreateTopic names its topic', () => form('sns', { Action: 'CreateTopic', Name: 'alerts' }), 'CreateTopic', [`sns:CreateTopic ${TOPIC}`]],
  ['Unsubscribe is on the subscription\'s topic', () => form('sns', { Action: 'Unsubscribe', SubscriptionArn: `${TOPIC}:0c7f4b1e-1111-2222-3333-444455556666` }), 'Unsubscribe', [`sns:Unsubscribe ${TOPIC}`]],
  ['ListTopics is on *', () => wire('sns', 'GET', '/?Action=ListTopics&Version=2010-03-31'), 'ListTopics', ['sns:ListTopics *']],
  ['SetTopicAttributes with a feedback role passes it', () => form('sns', { Action: 'SetTopicAttributes', TopicArn: TOPIC, AttributeName: 'LambdaSuccessFeedbackRoleArn', AttributeValue: 'arn:aws:iam::111111111111:role/sns-feedback' }), 'SetTopicAttributes', [`sns:SetTopicAttributes ${TOPIC}`, 'iam:PassRole arn:aws:iam::111111111111:role/sns-feedback']],
  ['CreateTopic with a feedback role in its attributes passes it', () => form('sns', { Action: 'CreateTopic', Name: 'alerts', 'Attributes.entry.1.key': 'SQSFailureFeedbackRoleArn', 'Attributes.entry.1.value': 'arn:aws:iam::111111111111:role/sns-feedback' }), 'CreateTopic', [`sns:CreateTopic ${TOPIC}`, 'iam:PassRole arn:aws:iam::111111111111:role/sns-feedback']],
]);

table('DynamoDB (JSON 1.0)', [
  ['CreateGlobalTable: the global table and its table in each Region', () => json('dynamodb', 'DynamoDB_20120810.CreateGlobalTable', { GlobalTableName: 'Music', ReplicationGroup: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }] }, '1.0'), 'CreateGlobalTable', ['dynamodb:CreateGlobalTable arn:aws:dynamodb::111111111111:global-table/Music', `dynamodb:CreateGlobalTable ${TABLE}`, 'dynamodb:CreateGlobalTable arn:aws:dynamodb:eu-west-1:111111111111:table/Music']],
  ['UpdateGlobalTable: the global table and its table in each Region created or deleted', () => json('dynamodb', 'DynamoDB_20120810.UpdateGlobalTable', { GlobalTableName: 'Music', ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }, { Delete: { RegionName: 'us-west-2' } }] }, '1.0'), 'UpdateGlobalTable', ['dynamodb:UpdateGlobalTable arn:aws:dynamodb::111111111111:global-table/Music', 'dynamodb:UpdateGlobalTable arn:aws:dynamodb:eu-west-1:111111111111:table/Music', 'dynamodb:UpdateGlobalTable arn:aws:dynamodb:us-west-2:111111111111:table/Music']],
  ['GetItem', () => json('dynamodb', 'DynamoDB_20120810.GetItem', { TableName: 'Music', Key: { Artist: { S: 'Acme' } } }, '1.0'), 'GetItem', [`dynamodb:GetItem ${TABLE}`]],
  ['Query on an index is on the index', () => json('dynamodb', 'DynamoDB_20120810.Query', { TableName: 'Music', IndexName: 'ByYear', KeyConditionExpression: 'Y = :y' }, '1.0'), 'Query', [`dynamodb:Query ${TABLE}/index/ByYear`]],
  ['Query on the table', () => json('dynamodb', 'DynamoDB_20120810.Query', { TableName: 'Music' }, '1.0'), 'Query', [`dynamodb:Query ${TABLE}`]],
  ['TableName given as an ARN', () => json('dynamodb', 'DynamoDB_20120810.DescribeTable', { TableName: 'arn:aws:dynamodb:us-east-1:333333333333:table/Shared' }, '1.0'), 'DescribeTable', ['dynamodb:DescribeTable arn:aws:dynamodb:us-east-1:333333333333:table/Shared']],
  ['Query on an index of a table given as an ARN', () => json('dynamodb', 'DynamoDB_20120810.Query', { TableName: 'arn:aws:dynamodb:us-east-1:333333333333:table/Shared', IndexName: 'I' }, '1.0'), 'Query', ['dynamodb:Query arn:aws:dynamodb:us-east-1:333333333333:table/Shared/index/I']],
  ['BatchWriteItem: each table', () => json('dynamodb', 'DynamoDB_20120810.BatchWriteItem', { RequestItems: { Music: [], Books: [] } }, '1.0'), 'BatchWriteItem', [`dynamodb:BatchWriteItem ${TABLE}`, 'dynamodb:BatchWriteItem arn:aws:dynamodb:us-east-1:111111111111:table/Books']],
  ['TransactWriteItems: each item\'s action', () => json('dynamodb', 'DynamoDB_20120810.TransactWriteItems', { TransactItems: [{ Put: { TableName: 'Music', Item: {} } }, { Delete: { TableName: 'Books', Key: {} } }, { ConditionCheck: { TableName: 'Music', Key: {}, ConditionExpression: 'a' } }] }, '1.0'), 'TransactWriteItems', [`dynamodb:PutItem ${TABLE}`, 'dynamodb:DeleteItem arn:aws:dynamodb:us-east-1:111111111111:table/Books', `dynamodb:ConditionCheckItem ${TABLE}`]],
  ['ListTables is on *', () => json('dynamodb', 'DynamoDB_20120810.ListTables', {}, '1.0'), 'ListTables', ['dynamodb:ListTables *']],
]);

table('KMS (JSON 1.1)', [
  ['Encrypt with a key id', () => json('kms', 'TrentService.Encrypt', { KeyId: KEY_ID, Plaintext: 'eA==' }), 'Encrypt', [`kms:Encrypt ${KEY}`]],
  ['Decrypt with a key ARN of another account', () => json('kms', 'TrentService.Decrypt', { KeyId: 'arn:aws:kms:us-east-1:333333333333:key/k2', CiphertextBlob: 'eA==' }), 'Decrypt', ['kms:Decrypt arn:aws:kms:us-east-1:333333333333:key/k2']],
  ['Encrypt with an alias: the alias stands in for its key until resolved', () => json('kms', 'TrentService.Encrypt', { KeyId: 'alias/app', Plaintext: 'eA==' }), 'Encrypt', ['kms:Encrypt arn:aws:kms:us-east-1:111111111111:alias/app']],
  ['ReEncrypt: from the source key, to the destination key', () => json('kms', 'TrentService.ReEncrypt', { CiphertextBlob: 'eA==', SourceKeyId: KEY_ID, DestinationKeyId: 'k9' }), 'ReEncrypt', [`kms:ReEncryptFrom ${KEY}`, 'kms:ReEncryptTo arn:aws:kms:us-east-1:111111111111:key/k9']],
  ['CreateAlias: on the alias and on the key', () => json('kms', 'TrentService.CreateAlias', { AliasName: 'alias/app', TargetKeyId: KEY_ID }), 'CreateAlias', ['kms:CreateAlias arn:aws:kms:us-east-1:111111111111:alias/app', `kms:CreateAlias ${KEY}`]],
  ['CreateKey is on *', () => json('kms', 'TrentService.CreateKey', { KeySpec: 'SYMMETRIC_DEFAULT' }), 'CreateKey', ['kms:CreateKey *']],
  ['ListKeys is on *', () => json('kms', 'TrentService.ListKeys', {}), 'ListKeys', ['kms:ListKeys *']],
]);

table('Lambda (REST-JSON)', [
  ['Invoke is lambda:InvokeFunction', () => wire('lambda', 'POST', '/2015-03-31/functions/resize/invocations', { body: Buffer.from('{"not":"parsed"') }), 'Invoke', [`lambda:InvokeFunction ${FUNCTION}`]],
  ['Invoke with a qualifier is on the qualified ARN', () => wire('lambda', 'POST', '/2015-03-31/functions/resize/invocations?Qualifier=live'), 'Invoke', [`lambda:InvokeFunction ${FUNCTION}:live`]],
  ['Invoke by ARN (encoded in the path)', () => wire('lambda', 'POST', `/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:us-east-1:333333333333:function:other')}/invocations`), 'Invoke', ['lambda:InvokeFunction arn:aws:lambda:us-east-1:333333333333:function:other']],
  ['GetFunction', () => wire('lambda', 'GET', '/2015-03-31/functions/resize'), 'GetFunction', [`lambda:GetFunction ${FUNCTION}`]],
  ['ListFunctions is on *', () => wire('lambda', 'GET', '/2015-03-31/functions/'), 'ListFunctions', ['lambda:ListFunctions *']],
  ['AddPermission', () => wire('lambda', 'POST', '/2015-03-31/functions/resize/policy', { body: Buffer.from('{"StatementId":"s","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com"}') }), 'AddPermission', [`lambda:AddPermission ${FUNCTION}`]],
  ['PutFunctionCodeSigningConfig: on the config and on the function', () => wire('lambda', 'PUT', '/2020-06-30/functions/resize/code-signing-config', { body: Buffer.from('{"CodeSigningConfigArn":"arn:aws:lambda:us-east-1:111111111111:code-signing-config:csc-0123456789abcdef0"}') }), 'PutFunctionCodeSigningConfig', ['lambda:PutFunctionCodeSigningConfig arn:aws:lambda:us-east-1:111111111111:code-signing-config:csc-0123456789abcdef0', `lambda:PutFunctionCodeSigningConfig ${FUNCTION}`]],
  ['TagResource names the resource ARN', () => wire('lambda', 'POST', `/2017-03-31/tags/${encodeURIComponent(FUNCTION)}`, { body: Buffer.from('{"Tags":{"team":"media"}}') }), 'TagResource', [`lambda:TagResource ${FUNCTION}`]],
  ['CreateFunction passes its execution role (iam:PassRole)', () => wire('lambda', 'POST', '/2015-03-31/functions', { body: Buffer.from('{"FunctionName":"resize","Role":"arn:aws:iam::111111111111:role/service/resize-exec","Code":{}}') }), 'CreateFunction', [`lambda:CreateFunction ${FUNCTION}`, 'iam:PassRole arn:aws:iam::111111111111:role/service/resize-exec']],
  ['UpdateFunctionConfiguration without a Role passes none', () => wire('lambda', 'PUT', '/2015-03-31/functions/resize/configuration', { body: Buffer.from('{"Timeout":30}') }), 'UpdateFunctionConfiguration', [`lambda:UpdateFunctionConfiguration ${FUNCTION}`]],
]);

table('Secrets Manager (JSON 1.1)', [
  ['GetSecretValue by ARN', () => json('secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: SECRET }), 'GetSecretValue', [`secretsmanager:GetSecretValue ${SECRET}`]],
  ['GetSecretValue by name', () => json('secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: 'db-pass' }), 'GetSecretValue', ['secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:111111111111:secret:db-pass']],
  ['CreateSecret', () => json('secretsmanager', 'secretsmanager.CreateSecret', { Name: 'new-secret', SecretString: 's' }), 'CreateSecret', ['secretsmanager:CreateSecret arn:aws:secretsmanager:us-east-1:111111111111:secret:new-secret']],
  ['ListSecrets is on *', () => json('secretsmanager', 'secretsmanager.ListSecrets', {}), 'ListSecrets', ['secretsmanager:ListSecrets *']],
]);

table('Systems Manager (JSON 1.1)', [
  ['GetParameter with a leading /', () => json('ssm', 'AmazonSSM.GetParameter', { Name: '/app/db/url', WithDecryption: true }), 'GetParameter', ['ssm:GetParameter arn:aws:ssm:us-east-1:111111111111:parameter/app/db/url']],
  ['GetParameters: each name', () => json('ssm', 'AmazonSSM.GetParameters', { Names: ['/a', 'b'] }), 'GetParameters', ['ssm:GetParameters arn:aws:ssm:us-east-1:111111111111:parameter/a', 'ssm:GetParameters arn:aws:ssm:us-east-1:111111111111:parameter/b']],
  ['GetParametersByPath', () => json('ssm', 'AmazonSSM.GetParametersByPath', { Path: '/app', Recursive: true }), 'GetParametersByPath', ['ssm:GetParametersByPath arn:aws:ssm:us-east-1:111111111111:parameter/app']],
  ['PutParameter', () => json('ssm', 'AmazonSSM.PutParameter', { Name: 'flag', Value: 'on', Overwrite: true }), 'PutParameter', ['ssm:PutParameter arn:aws:ssm:us-east-1:111111111111:parameter/flag']],
  ['AddTagsToResource on a parameter', () => json('ssm', 'AmazonSSM.AddTagsToResource', { ResourceType: 'Parameter', ResourceId: '/app/x', Tags: [{ Key: 'env', Value: 'prod' }] }), 'AddTagsToResource', ['ssm:AddTagsToResource arn:aws:ssm:us-east-1:111111111111:parameter/app/x']],
  ['DescribeParameters is on *', () => json('ssm', 'AmazonSSM.DescribeParameters', {}), 'DescribeParameters', ['ssm:DescribeParameters *']],
  ['SendCommand with a notification role passes it', () => json('ssm', 'AmazonSSM.SendCommand', { DocumentName: 'AWS-RunShellScript', InstanceIds: ['i-0123456789abcdef0'], ServiceRoleArn: 'arn:aws:iam::111111111111:role/ssm-notify' }), 'SendCommand', ['ssm:SendCommand arn:aws:ssm:us-east-1::document/AWS-RunShellScript', 'ssm:SendCommand arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0', 'iam:PassRole arn:aws:iam::111111111111:role/ssm-notify']],
  ['SendCommand of a customer document on a managed instance and an EC2 instance', () => json('ssm', 'AmazonSSM.SendCommand', { DocumentName: 'deploy-app', InstanceIds: ['mi-0123456789abcdef0', 'i-0fedcba9876543210'] }), 'SendCommand', ['ssm:SendCommand arn:aws:ssm:us-east-1:111111111111:document/deploy-app', 'ssm:SendCommand arn:aws:ssm:us-east-1:111111111111:managed-instance/mi-0123456789abcdef0', 'ssm:SendCommand arn:aws:ec2:us-east-1:111111111111:instance/i-0fedcba9876543210']],
  ['SendCommand by Targets is checked on every instance', () => json('ssm', 'AmazonSSM.SendCommand', { DocumentName: 'AWS-RunShellScript', Targets: [{ Key: 'tag:team', Values: ['web'] }] }), 'SendCommand', ['ssm:SendCommand arn:aws:ssm:us-east-1::document/AWS-RunShellScript', 'ssm:SendCommand arn:aws:ec2:us-east-1:111111111111:instance/*']],
  ['SendCommand by Targets made only of InstanceIds: each instance', () => json('ssm', 'AmazonSSM.SendCommand', { DocumentName: 'AWS-RunShellScript', Targets: [{ Key: 'InstanceIds', Values: ['i-0123456789abcdef0', 'mi-0123456789abcdef0'] }] }), 'SendCommand', ['ssm:SendCommand arn:aws:ssm:us-east-1::document/AWS-RunShellScript', 'ssm:SendCommand arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0', 'ssm:SendCommand arn:aws:ssm:us-east-1:111111111111:managed-instance/mi-0123456789abcdef0']],
  ['SendCommand by InstanceIds `*` or by InstanceIds and a tag: every instance', () => json('ssm', 'AmazonSSM.SendCommand', { DocumentName: 'AWS-RunShellScript', Targets: [{ Key: 'InstanceIds', Values: ['i-0123456789abcdef0'] }, { Key: 'InstanceIds', Values: ['*'] }] }), 'SendCommand', ['ssm:SendCommand arn:aws:ssm:us-east-1::document/AWS-RunShellScript', 'ssm:SendCommand arn:aws:ec2:us-east-1:111111111111:instance/*']],
  ['CreateAssociation: the document and its InstanceId', () => json('ssm', 'AmazonSSM.CreateAssociation', { Name: 'AWS-RunShellScript', InstanceId: 'i-0123456789abcdef0' }), 'CreateAssociation', ['ssm:CreateAssociation arn:aws:ssm:us-east-1::document/AWS-RunShellScript', 'ssm:CreateAssociation arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0']],
  ['CreateAssociation by a tag target: the document and every instance', () => json('ssm', 'AmazonSSM.CreateAssociation', { Name: 'deploy-app', Targets: [{ Key: 'tag:env', Values: ['prod'] }] }), 'CreateAssociation', ['ssm:CreateAssociation arn:aws:ssm:us-east-1:111111111111:document/deploy-app', 'ssm:CreateAssociation arn:aws:ec2:us-east-1:111111111111:instance/*']],
  ['CreateAssociation of a document shared by ARN, no instance', () => json('ssm', 'AmazonSSM.CreateAssociation', { Name: 'arn:aws:ssm:us-east-1:222222222222:document/shared' }), 'CreateAssociation', ['ssm:CreateAssociation arn:aws:ssm:us-east-1:222222222222:document/shared']],
  ['CreateAssociationBatch: each entry\'s document and instances', () => json('ssm', 'AmazonSSM.CreateAssociationBatch', { Entries: [{ Name: 'deploy-app', InstanceId: 'i-0123456789abcdef0' }, { Name: 'AWS-ApplyPatchBaseline', Targets: [{ Key: 'InstanceIds', Values: ['mi-0123456789abcdef0'] }] }] }), 'CreateAssociationBatch', [
    'ssm:CreateAssociationBatch arn:aws:ssm:us-east-1:111111111111:document/deploy-app', 'ssm:CreateAssociationBatch arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0',
    'ssm:CreateAssociationBatch arn:aws:ssm:us-east-1::document/AWS-ApplyPatchBaseline', 'ssm:CreateAssociationBatch arn:aws:ssm:us-east-1:111111111111:managed-instance/mi-0123456789abcdef0',
  ]],
  ['StartSession: the target, then the document', () => json('ssm', 'AmazonSSM.StartSession', { Target: 'mi-0123456789abcdef0', DocumentName: 'AWS-StartSSHSession' }), 'StartSession', ['ssm:StartSession arn:aws:ssm:us-east-1:111111111111:managed-instance/mi-0123456789abcdef0', 'ssm:StartSession arn:aws:ssm:us-east-1::document/AWS-StartSSHSession']],
  ['StartSession on an ECS task: every task', () => json('ssm', 'AmazonSSM.StartSession', { Target: 'ecs:web_0123456789abcdef0123456789abcdef_0123456789abcdef0123456789abcdef-1' }), 'StartSession', ['ssm:StartSession arn:aws:ecs:us-east-1:111111111111:task/*']],
  ['DescribeAssociation by document and instance: both', () => json('ssm', 'AmazonSSM.DescribeAssociation', { Name: 'deploy-app', InstanceId: 'i-0123456789abcdef0' }), 'DescribeAssociation', ['ssm:DescribeAssociation arn:aws:ssm:us-east-1:111111111111:document/deploy-app', 'ssm:DescribeAssociation arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0']],
  ['DeleteAssociation by its ID alone: the association', () => json('ssm', 'AmazonSSM.DeleteAssociation', { AssociationId: 'fa94c678-85c6-4d40-926b-7c791EXAMPLE' }), 'DeleteAssociation', ['ssm:DeleteAssociation arn:aws:ssm:us-east-1:111111111111:association/fa94c678-85c6-4d40-926b-7c791EXAMPLE']],
  ['UpdateAssociationStatus: the document and the instance', () => json('ssm', 'AmazonSSM.UpdateAssociationStatus', { Name: 'deploy-app', InstanceId: 'mi-0123456789abcdef0', AssociationStatus: { Date: 1, Name: 'Success', Message: 'ok' } }), 'UpdateAssociationStatus', ['ssm:UpdateAssociationStatus arn:aws:ssm:us-east-1:111111111111:document/deploy-app', 'ssm:UpdateAssociationStatus arn:aws:ssm:us-east-1:111111111111:managed-instance/mi-0123456789abcdef0']],
  ['UpdateMaintenanceWindowTask: the window and the task', () => json('ssm', 'AmazonSSM.UpdateMaintenanceWindowTask', { WindowId: 'mw-0123456789abcdef0', WindowTaskId: 'e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE' }), 'UpdateMaintenanceWindowTask', ['ssm:UpdateMaintenanceWindowTask arn:aws:ssm:us-east-1:111111111111:maintenancewindow/mw-0123456789abcdef0', 'ssm:UpdateMaintenanceWindowTask arn:aws:ssm:us-east-1:111111111111:windowtask/e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE']],
  ['UpdateManagedInstanceRole: the managed instance and the role', () => json('ssm', 'AmazonSSM.UpdateManagedInstanceRole', { InstanceId: 'mi-0123456789abcdef0', IamRole: 'SSMServiceRole' }), 'UpdateManagedInstanceRole', ['ssm:UpdateManagedInstanceRole arn:aws:ssm:us-east-1:111111111111:managed-instance/mi-0123456789abcdef0', 'ssm:UpdateManagedInstanceRole arn:aws:iam::111111111111:role/SSMServiceRole']],
  ['an InstanceId of a managed instance (mi-) is a managed-instance, not an EC2 instance', () => json('ssm', 'AmazonSSM.DescribeInstancePatches', { InstanceId: 'mi-0123456789abcdef0' }), 'DescribeInstancePatches', ['ssm:DescribeInstancePatches arn:aws:ssm:us-east-1:111111111111:managed-instance/mi-0123456789abcdef0']],
  ['InstanceIds of both kinds: each as its own type', () => json('ssm', 'AmazonSSM.DescribeInstancePatchStates', { InstanceIds: ['i-0123456789abcdef0', 'mi-0123456789abcdef0'] }), 'DescribeInstancePatchStates', ['ssm:DescribeInstancePatchStates arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0', 'ssm:DescribeInstancePatchStates arn:aws:ssm:us-east-1:111111111111:managed-instance/mi-0123456789abcdef0']],
  ['AddTagsToResource of a ManagedInstance: the managed instance', () => json('ssm', 'AmazonSSM.AddTagsToResource', { ResourceType: 'ManagedInstance', ResourceId: 'mi-0123456789abcdef0', Tags: [{ Key: 'a', Value: 'b' }] }), 'AddTagsToResource', ['ssm:AddTagsToResource arn:aws:ssm:us-east-1:111111111111:managed-instance/mi-0123456789abcdef0']],
  ['DescribeDocument of an AWS document has no account', () => json('ssm', 'AmazonSSM.DescribeDocument', { Name: 'AWS-RunShellScript' }), 'DescribeDocument', ['ssm:DescribeDocument arn:aws:ssm:us-east-1::document/AWS-RunShellScript']],
]);

table('CloudWatch Logs (JSON 1.1)', [
  ['PutSubscriptionFilter into a Lambda function: the log group alone', () => json('logs', 'Logs_20140328.PutSubscriptionFilter', { logGroupName: 'app', filterName: 'f', filterPattern: '', destinationArn: 'arn:aws:lambda:us-east-1:111111111111:function:ship' }), 'PutSubscriptionFilter', ['logs:PutSubscriptionFilter arn:aws:logs:us-east-1:111111111111:log-group:app:log-stream:']],
  ['CreateDelivery: the delivery destination and the delivery source', () => json('logs', 'Logs_20140328.CreateDelivery', { deliverySourceName: 'src', deliveryDestinationArn: 'arn:aws:logs:us-east-1:111111111111:delivery-destination:dst' }), 'CreateDelivery', ['logs:CreateDelivery arn:aws:logs:us-east-1:111111111111:delivery-destination:dst', 'logs:CreateDelivery arn:aws:logs:us-east-1:111111111111:delivery-source:src']],
  ['CreateLogGroup', () => json('logs', 'Logs_20140328.CreateLogGroup', { logGroupName: '/app/web' }), 'CreateLogGroup', ['logs:CreateLogGroup arn:aws:logs:us-east-1:111111111111:log-group:/app/web:log-stream:']],
  ['PutLogEvents is on the log stream', () => json('logs', 'Logs_20140328.PutLogEvents', { logGroupName: '/app/web', logStreamName: 's1', logEvents: [] }), 'PutLogEvents', ['logs:PutLogEvents arn:aws:logs:us-east-1:111111111111:log-group:/app/web:log-stream:s1']],
  ['FilterLogEvents', () => json('logs', 'Logs_20140328.FilterLogEvents', { logGroupName: '/app/web' }), 'FilterLogEvents', ['logs:FilterLogEvents arn:aws:logs:us-east-1:111111111111:log-group:/app/web:log-stream:']],
  ['DescribeLogGroups is on the nameless group (so log-group:* grants it)', () => json('logs', 'Logs_20140328.DescribeLogGroups', { logGroupNamePrefix: '/app' }), 'DescribeLogGroups', ['logs:DescribeLogGroups arn:aws:logs:us-east-1:111111111111:log-group::log-stream:']],
  ['PutSubscriptionFilter passes its delivery role', () => json('logs', 'Logs_20140328.PutSubscriptionFilter', { logGroupName: '/app/web', filterName: 'f', filterPattern: '', destinationArn: 'arn:aws:kinesis:us-east-1:111111111111:stream/s', roleArn: 'arn:aws:iam::111111111111:role/cwl-to-kinesis' }), 'PutSubscriptionFilter', ['logs:PutSubscriptionFilter arn:aws:logs:us-east-1:111111111111:log-group:/app/web:log-stream:', 'iam:PassRole arn:aws:iam::111111111111:role/cwl-to-kinesis']],
  ['TagResource by a log group ARN keeps the ARN', () => json('logs', 'Logs_20140328.TagResource', { resourceArn: 'arn:aws:logs:us-east-1:111111111111:log-group:/app/web', tags: { team: 'web' } }), 'TagResource', ['logs:TagResource arn:aws:logs:us-east-1:111111111111:log-group:/app/web']],
  // (Where logGroupName is taken too, an identifier is forwarded as logGroupName: logs-group-identifier.test.ts.)
  ['GetDataProtectionPolicy by logGroupIdentifier (an ARN)', () => json('logs', 'Logs_20140328.GetDataProtectionPolicy', { logGroupIdentifier: 'arn:aws:logs:us-east-1:333333333333:log-group:shared' }), 'GetDataProtectionPolicy', ['logs:GetDataProtectionPolicy arn:aws:logs:us-east-1:333333333333:log-group:shared:log-stream:']],
]);

describe('service condition keys and lookups', () => {
  it('tagging calls set aws:RequestTag/… and aws:TagKeys (SQS JSON map and query Tag.N form)', () => {
    const viaJson = mapped(mapRequest(authorizationData(), json('sqs', 'AmazonSQS.TagQueue', { QueueUrl: QUEUE_URL, Tags: { team: 'blue', env: 'dev' } }, '1.0')));
    assert.deepEqual(viaJson.targets[0]!.context, { 'aws:RequestTag/team': 'blue', 'aws:RequestTag/env': 'dev', 'aws:TagKeys': ['team', 'env'] });
    const viaQuery = mapped(mapRequest(authorizationData(), form('sqs', { Action: 'CreateQueue', QueueName: 'q', 'Tag.1.Key': 'team', 'Tag.1.Value': 'blue' })));
    assert.deepEqual(viaQuery.targets[0]!.context, { 'aws:RequestTag/team': 'blue', 'aws:TagKeys': ['team'] });
    const untag = mapped(mapRequest(authorizationData(), json('sqs', 'AmazonSQS.UntagQueue', { QueueUrl: QUEUE_URL, TagKeys: ['team'] }, '1.0')));
    assert.deepEqual(untag.targets[0]!.context, { 'aws:TagKeys': ['team'] });
  });

  it('SNS: Tags.member.N lists, sns:Protocol and sns:Endpoint of Subscribe', () => {
    const tag = mapped(mapRequest(authorizationData(), form('sns', { Action: 'TagResource', ResourceArn: TOPIC, 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'ops' })));
    assert.deepEqual(tag.targets[0]!.context, { 'aws:RequestTag/team': 'ops', 'aws:TagKeys': ['team'] });
    const subscribe = mapped(mapRequest(authorizationData(), form('sns', { Action: 'Subscribe', TopicArn: TOPIC, Protocol: 'https', Endpoint: 'https://example.com/hook' })));
    assert.deepEqual(subscribe.targets[0]!.context, { 'sns:Endpoint': 'https://example.com/hook', 'sns:Protocol': 'https' });
  });

  it('KMS: encryption context, algorithm, caller account, request alias; the alias is resolved upstream', () => {
    const result = mapped(mapRequest(authorizationData(), json('kms', 'TrentService.Encrypt', { KeyId: 'alias/app', Plaintext: 'eA==', EncryptionAlgorithm: 'SYMMETRIC_DEFAULT', EncryptionContext: { dept: 'finance', app: 'ledger' } })));
    assert.deepEqual(result.targets[0]!.context, {
      'kms:CallerAccount': CALLER,
      'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT',
      'kms:EncryptionContext:dept': 'finance',
      'kms:EncryptionContext:app': 'ledger',
      'kms:EncryptionContextKeys': ['dept', 'app'],
      'kms:RequestAlias': 'alias/app',
    });
    assert.deepEqual(result.lookups.find((lookup) => lookup.kind === 'resolve-resource'), { kind: 'resolve-resource', check: 0, resource: 'arn:aws:kms:us-east-1:111111111111:alias/app', how: 'kms-alias' });
    assert.ok(result.lookups.some((lookup) => lookup.kind === 'resource-policy' && lookup.check === 0), 'the key policy decides');
  });

  it('KMS CreateKey: its tags and key spec', () => {
    const result = mapped(mapRequest(authorizationData(), json('kms', 'TrentService.CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', Tags: [{ TagKey: 'team', TagValue: 'sec' }] })));
    const context = result.targets[0]!.context!;
    assert.equal(context['kms:KeySpec'], 'RSA_2048');
    assert.equal(context['kms:KeyUsage'], 'SIGN_VERIFY');
    assert.equal(context['aws:RequestTag/team'], 'sec');
    assert.deepEqual(context['aws:TagKeys'], ['team']);
  });

  it('DynamoDB: dynamodb:Attributes (best effort) and the leading keys for the forwarder to settle', () => {
    const result = mapped(mapRequest(authorizationData(), json('dynamodb', 'DynamoDB_20120810.GetItem', { TableName: 'Music', Key: { Artist: { S: 'Acme' }, Song: { S: 'Hit' } }, ProjectionExpression: '#y, Genre.Sub', ExpressionAttributeNames: { '#y': 'Year' }, ReturnConsumedCapacity: 'TOTAL' }, '1.0')));
    const context = result.targets[0]!.context!;
    assert.deepEqual(context['dynamodb:Attributes'], ['Artist', 'Song', 'Year', 'Genre']);
    assert.equal(context['dynamodb:ReturnConsumedCapacity'], 'TOTAL');
    assert.deepEqual(result.lookups.find((lookup) => lookup.kind === 'dynamodb-leading-keys'), { kind: 'dynamodb-leading-keys', check: 0, table: 'Music', candidates: { Artist: ['Acme'], Song: ['Hit'] } });
  });

  it('Lambda: lambda:Principal of AddPermission; resource tags are looked up', () => {
    const result = mapped(mapRequest(authorizationData(), wire('lambda', 'POST', '/2015-03-31/functions/resize/policy', { body: Buffer.from('{"StatementId":"s","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com"}') })));
    assert.equal(result.targets[0]!.context!['lambda:Principal'], 's3.amazonaws.com');
    assert.ok(result.lookups.some((lookup) => lookup.kind === 'resource-tags' && lookup.resource === FUNCTION));
  });

  it('Lambda UntagResource: tagKeys from the query string', () => {
    const result = mapped(mapRequest(authorizationData(), wire('lambda', 'DELETE', `/2017-03-31/tags/${encodeURIComponent(FUNCTION)}?tagKeys=team&tagKeys=env`)));
    assert.deepEqual(result.targets[0]!.context!['aws:TagKeys'], ['team', 'env']);
  });

  it('Secrets Manager: a name is resolved to its ARN upstream; request keys from members', () => {
    const result = mapped(mapRequest(authorizationData(), json('secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: 'db-pass', VersionStage: 'AWSCURRENT' })));
    assert.ok(result.lookups.some((lookup) => lookup.kind === 'resolve-resource' && lookup.how === 'secret-name'));
    assert.equal(result.targets[0]!.context!['secretsmanager:VersionStage'], 'AWSCURRENT');
    const create = mapped(mapRequest(authorizationData(), json('secretsmanager', 'secretsmanager.CreateSecret', { Name: 'n', Tags: [{ Key: 'a', Value: 'b' }] })));
    assert.equal(create.targets[0]!.context!['secretsmanager:Name'], 'n');
    assert.equal(create.targets[0]!.context!['aws:RequestTag/a'], 'b');
  });

  it('SSM: ssm:Overwrite of PutParameter; Logs: tags of CreateLogGroup', () => {
    const put = mapped(mapRequest(authorizationData(), json('ssm', 'AmazonSSM.PutParameter', { Name: 'flag', Value: 'on', Overwrite: true })));
    assert.equal(put.targets[0]!.context!['ssm:Overwrite'], 'true');
    const group = mapped(mapRequest(authorizationData(), json('logs', 'Logs_20140328.CreateLogGroup', { logGroupName: 'g', tags: { team: 'web' } })));
    assert.deepEqual(group.targets[0]!.context, { 'aws:RequestTag/team': 'web', 'aws:TagKeys': ['team'] });
  });

  it('the resource account follows an ARN of another account', () => {
    const result = mapped(mapRequest(authorizationData(), json('kms', 'TrentService.Decrypt', { KeyId: 'arn:aws:kms:us-east-1:333333333333:key/k2', CiphertextBlob: 'eA==' })));
    assert.equal(result.resourceAccountId, '333333333333');
    assert.equal(mapped(mapRequest(authorizationData(), json('kms', 'TrentService.ListKeys', {}))).resourceAccountId, OWNER);
  });
});

describe('refused and unmapped operations name the operation', () => {
  it('an operation whose resource only the upstream knows is refused', () => {
    const result = mapRequest(authorizationData(), json('sqs', 'AmazonSQS.CancelMessageMoveTask', { TaskHandle: 'eyJ0YXNrSWQiOiIx' }, '1.0'));
    assert.equal(result.kind, 'unmapped');
    assert.equal(result.kind === 'unmapped' && result.reason, 'refused-operation');
    assert.equal(result.kind === 'unmapped' && result.operation, 'CancelMessageMoveTask');
    assert.match(result.kind === 'unmapped' ? result.message : '', /^CancelMessageMoveTask is not forwarded: the task handle/);
  });

  it('a request that does not name the resource its action needs is invalid, not authorized on *', () => {
    const result = mapRequest(authorizationData(), json('sqs', 'AmazonSQS.SendMessage', { MessageBody: 'x' }, '1.0'));
    assert.equal(result.kind, 'unmapped');
    assert.equal(result.kind === 'unmapped' && result.reason, 'invalid-request');
    assert.match(result.kind === 'unmapped' ? result.message : '', /SendMessage does not name the queue that sqs:SendMessage is authorized on/);
  });

  it('an association without a document, or named by an ARN that is not a document\'s, is invalid; the batch with it is refused whole', () => {
    for (const body of [
      { Entries: [{ Name: 'deploy-app', InstanceId: 'i-0123456789abcdef0' }, { InstanceId: 'i-0fedcba9876543210' }] },
      { Entries: [{ Name: 'arn:aws:s3:::bucket/doc', InstanceId: 'i-0123456789abcdef0' }] },
      { Entries: [] },
    ]) {
      const result = mapRequest(authorizationData(), json('ssm', 'AmazonSSM.CreateAssociationBatch', body));
      assert.equal(result.kind === 'unmapped' && result.reason, 'invalid-request', JSON.stringify(body));
    }
    const single = mapRequest(authorizationData(), json('ssm', 'AmazonSSM.CreateAssociation', { Name: 'arn:aws:iam::111111111111:role/doc', InstanceId: 'i-0123456789abcdef0' }));
    assert.equal(single.kind === 'unmapped' && single.reason, 'invalid-request');
  });

  it('an unknown X-Amz-Target names what was asked', () => {
    const result = mapRequest(authorizationData(), json('kms', 'TrentService.StealKeys', {}));
    assert.equal(result.kind === 'unmapped' && result.reason, 'unknown-operation');
    assert.equal(result.kind === 'unmapped' && result.operation, 'StealKeys');
  });

  it('a service the gateway does not protect', () => {
    const result = mapRequest(authorizationData(), json('ecs', 'X.Y', {}));
    assert.equal(result.kind === 'unmapped' && result.reason, 'unknown-service');
  });
});

describe('sweep: SSM, Secrets Manager, DynamoDB, SQS, SNS, Lambda', () => {
  const context = (result: MapResult, index = 0) => mapped(result).targets[index]!.context!;
  const leadingKeys = (result: MapResult) => mapped(result).lookups.filter((lookup) => lookup.kind === 'dynamodb-leading-keys').map((lookup) => lookup.kind === 'dynamodb-leading-keys' && lookup.candidates);
  const PARAM = 'arn:aws:ssm:us-east-1:111111111111:parameter';

  it('SSM GetParameters / DeleteParameters: names and ARNs mixed, each checked, selectors removed', () => {
    assert.deepEqual(checks(mapRequest(authorizationData(), json('ssm', 'AmazonSSM.GetParameters', { Names: ['/a/b:3', 'c:prod', 'arn:aws:ssm:us-east-1:333333333333:parameter/d/e:1'] }))), [
      `ssm:GetParameters ${PARAM}/a/b`, `ssm:GetParameters ${PARAM}/c`, 'ssm:GetParameters arn:aws:ssm:us-east-1:333333333333:parameter/d/e',
    ]);
    assert.deepEqual(checks(mapRequest(authorizationData(), json('ssm', 'AmazonSSM.DeleteParameters', { Names: ['x', `${PARAM}/y`] }))), [`ssm:DeleteParameters ${PARAM}/x`, `ssm:DeleteParameters ${PARAM}/y`]);
    assert.deepEqual(checks(mapRequest(authorizationData(), json('ssm', 'AmazonSSM.GetParameter', { Name: `${PARAM}/a/b:lab` }))), [`ssm:GetParameter ${PARAM}/a/b`]);
    // A document's ARN is no parameter.
    assert.equal(mapRequest(authorizationData(), json('ssm', 'AmazonSSM.GetParameter', { Name: 'arn:aws:ssm:us-east-1:111111111111:document/x' })).kind, 'unmapped');
  });

  it('SSM GetParametersByPath of / is on parameter/; GetCalendarState: each calendar, names and ARNs mixed', () => {
    assert.deepEqual(checks(mapRequest(authorizationData(), json('ssm', 'AmazonSSM.GetParametersByPath', { Path: '/' }))), [`ssm:GetParametersByPath ${PARAM}/`]);
    assert.deepEqual(checks(mapRequest(authorizationData(), json('ssm', 'AmazonSSM.GetCalendarState', { CalendarNames: ['c1', 'arn:aws:ssm:us-east-1:333333333333:document/c2'] }))), [
      'ssm:GetCalendarState arn:aws:ssm:us-east-1:111111111111:document/c1', 'ssm:GetCalendarState arn:aws:ssm:us-east-1:333333333333:document/c2',
    ]);
  });

  it('Secrets Manager: BatchGetSecretValue checks GetSecretValue per secret; partial ARNs are resolved; AddReplicaRegions', () => {
    const batch = mapRequest(authorizationData(), json('secretsmanager', 'secretsmanager.BatchGetSecretValue', { SecretIdList: ['a', SECRET] }));
    assert.deepEqual(checks(batch), ['secretsmanager:BatchGetSecretValue *', 'secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:111111111111:secret:a', `secretsmanager:GetSecretValue ${SECRET}`]);
    // A name is resolved by itself, an ARN as a whole (its form does not tell a full ARN from a partial one).
    assert.deepEqual(mapped(batch).lookups.flatMap((lookup) => (lookup.kind === 'resolve-resource' ? [[lookup.check, lookup.how]] : [])), [[1, 'secret-name'], [2, 'secret-arn']]);
    assert.deepEqual(checks(mapRequest(authorizationData(), json('secretsmanager', 'secretsmanager.BatchGetSecretValue', { Filters: [{ Key: 'name', Values: ['a'] }] }))), ['secretsmanager:BatchGetSecretValue *', 'secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:111111111111:secret:*']);
    const partial = mapped(mapRequest(authorizationData(), json('secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:db-pass' })));
    assert.ok(partial.lookups.some((lookup) => lookup.kind === 'resolve-resource' && lookup.resource === 'arn:aws:secretsmanager:us-east-1:111111111111:secret:db-pass'));
    const replicate = mapRequest(authorizationData(), json('secretsmanager', 'secretsmanager.ReplicateSecretToRegions', { SecretId: SECRET, AddReplicaRegions: [{ Region: 'eu-west-1' }, { Region: 'ap-south-1', KmsKeyId: 'k' }] }));
    assert.deepEqual(context(replicate)['secretsmanager:AddReplicaRegions'], ['eu-west-1', 'ap-south-1']);
  });

  it('DynamoDB: leading keys and attributes of Query, BatchGetItem, BatchWriteItem and expressions', () => {
    const query = mapRequest(authorizationData(), json('dynamodb', 'DynamoDB_20120810.Query', { TableName: 'Music', IndexName: 'ByYear', KeyConditionExpression: '#y = :y AND Artist BETWEEN :a AND :b', FilterExpression: 'size(Tags) > :n', ExpressionAttributeNames: { '#y': 'Year' }, ExpressionAttributeValues: { ':y': { N: '1999' }, ':a': { S: 'A' }, ':b': { S: 'B' } } }, '1.0'));
    assert.deepEqual(leadingKeys(query), [{ Year: ['1999'] }]);
    assert.deepEqual(context(query)['dynamodb:Attributes'], ['Tags', 'Year', 'Artist']);
    const legacy = mapRequest(authorizationData(), json('dynamodb', 'DynamoDB_20120810.Query', { TableName: 'Music', KeyConditions: { Artist: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'Acme' }] } } }, '1.0'));
    assert.deepEqual(leadingKeys(legacy), [{ Artist: ['Acme'] }]);
    const batchGet = mapRequest(authorizationData(), json('dynamodb', 'DynamoDB_20120810.BatchGetItem', { RequestItems: { Music: { Keys: [{ Artist: { S: 'A' } }, { Artist: { S: 'B' } }], ProjectionExpression: 'Song' } } }, '1.0'));
    assert.deepEqual(leadingKeys(batchGet), [{ Artist: ['A', 'B'] }]);
    assert.deepEqual(context(batchGet)['dynamodb:Attributes'], ['Artist', 'Song']);
    const batchWrite = mapRequest(authorizationData(), json('dynamodb', 'DynamoDB_20120810.BatchWriteItem', { RequestItems: { Music: [{ PutRequest: { Item: { Artist: { S: 'A' }, Song: { S: 's' } } } }, { DeleteRequest: { Key: { Artist: { S: 'C' } } } }] } }, '1.0'));
    assert.deepEqual(leadingKeys(batchWrite), [{ Artist: ['A', 'C'], Song: ['s'] }]);
    const update = mapRequest(authorizationData(), json('dynamodb', 'DynamoDB_20120810.UpdateItem', { TableName: 'Music', Key: { Artist: { S: 'A' } }, UpdateExpression: 'SET #p = list_append(#p, :x), Plays = Plays + :one REMOVE Old.Nested[0]', ConditionExpression: 'attribute_exists(Artist) AND NOT contains(Flags, :f)', ExpressionAttributeNames: { '#p': 'Playlist' } }, '1.0'));
    assert.deepEqual(context(update)['dynamodb:Attributes'], ['Artist', 'Playlist', 'Plays', 'Old', 'Flags']);
  });

  it('DynamoDB RestoreTableToPointInTime by SourceTableName is on the source table', () => {
    assert.deepEqual(checks(mapRequest(authorizationData(), json('dynamodb', 'DynamoDB_20120810.RestoreTableToPointInTime', { SourceTableName: 'Music', TargetTableName: 'Music2' }, '1.0'))), [`dynamodb:RestoreTableToPointInTime ${TABLE}`]);
  });

  it('SQS: QueueOwnerAWSAccountId, StartMessageMoveTask\'s source, a queue URL with a query string', () => {
    assert.deepEqual(checks(mapRequest(authorizationData(), json('sqs', 'AmazonSQS.GetQueueUrl', { QueueName: 'orders', QueueOwnerAWSAccountId: '333333333333' }, '1.0'))), ['sqs:GetQueueUrl arn:aws:sqs:us-east-1:333333333333:orders']);
    assert.deepEqual(checks(mapRequest(authorizationData(), json('sqs', 'AmazonSQS.StartMessageMoveTask', { SourceArn: `${QUEUE}-dlq`, DestinationArn: QUEUE }, '1.0'))), [`sqs:StartMessageMoveTask ${QUEUE}-dlq`, `sqs:SendMessage ${QUEUE}`]);
    assert.equal(mapRequest(authorizationData(), json('sqs', 'AmazonSQS.SendMessage', { QueueUrl: `${QUEUE_URL}?Action=DeleteQueue`, MessageBody: 'x' }, '1.0')).kind, 'unmapped');
  });

  it('SNS Publish: a phone number on *; more than one target is invalid', () => {
    assert.deepEqual(checks(mapRequest(authorizationData(), form('sns', { Action: 'Publish', PhoneNumber: '+15555550100', Message: 'm' }))), ['sns:Publish *']);
    assert.equal(mapRequest(authorizationData(), form('sns', { Action: 'Publish', PhoneNumber: '+15555550100', TopicArn: TOPIC, Message: 'm' })).kind, 'unmapped');
  });

  it('Lambda: lambda:FunctionArn of event source mappings and function URLs; lambda:Layer, SubnetIds, SecurityGroupIds', () => {
    const esm = mapRequest(authorizationData(), wire('lambda', 'POST', '/2015-03-31/event-source-mappings/', { body: Buffer.from(JSON.stringify({ FunctionName: 'resize:live', EventSourceArn: QUEUE })) }));
    assert.equal(context(esm)['lambda:FunctionArn'], `${FUNCTION}:live`);
    const url = mapRequest(authorizationData(), wire('lambda', 'GET', '/2021-10-31/functions/resize/url'));
    assert.equal(context(url)['lambda:FunctionArn'], FUNCTION);
    const create = mapRequest(authorizationData(), wire('lambda', 'POST', '/2015-03-31/functions', { body: Buffer.from(JSON.stringify({ FunctionName: 'resize', Role: 'arn:aws:iam::111111111111:role/r', Code: {}, Layers: ['arn:aws:lambda:us-east-1:111111111111:layer:l:1'], VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] } })) }));
    assert.deepEqual(context(create)['lambda:Layer'], ['arn:aws:lambda:us-east-1:111111111111:layer:l:1']);
    assert.deepEqual(context(create)['lambda:SubnetIds'], ['subnet-1']);
    assert.deepEqual(context(create)['lambda:SecurityGroupIds'], ['sg-1']);
  });
});
