import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { sendRaw, type RawResponse } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * Actions that AWS authorizes on more than one resource of a request (the Service Authorization
 * Reference lists each resource type): every one must be allowed. Before, the gateway decided
 * these on one resource alone — a restored backup's target table, a subscription's log group, a
 * session's instance, a maintenance window's task were never checked. Against moto_server: an
 * allowed request is forwarded and answered by moto (or moto's own error where it lacks the
 * operation); a refused one is AccessDeniedException naming the resource refused.
 */
describe('gateway: actions decided on every resource they name', () => {
  let env: GatewayEnv;
  let account: string;
  const motoCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

  async function call(base: string, credentials: Credentials, service: string, target: string, body: unknown, version: string, extra: Record<string, string> = {}): Promise<RawResponse> {
    const host = new URL(base).host;
    const text = JSON.stringify(body);
    const headers = { host, 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target, ...extra };
    const signed = signRequest({ method: 'POST', path: '/', query: '', headers, body: text }, credentials, { region: 'us-east-1', service, date: new Date() });
    return sendRaw(base, { method: 'POST', path: '/', query: '', headers: signed.headers as Record<string, string>, body: text });
  }
  const dynamodb = (credentials: Credentials, operation: string, body: unknown) => call(env.server.url, credentials, 'dynamodb', `DynamoDB_20120810.${operation}`, body, '1.0');
  const logs = (credentials: Credentials, operation: string, body: unknown) => call(env.server.url, credentials, 'logs', `Logs_20140328.${operation}`, body, '1.1');
  const ssm = (credentials: Credentials, operation: string, body: unknown) => call(env.server.url, credentials, 'ssm', `AmazonSSM.${operation}`, body, '1.1');
  const motoLogs = (operation: string, body: unknown) => call(env.moto.url, motoCredentials, 'logs', `Logs_20140328.${operation}`, body, '1.1', { 'x-moto-account-id': account });
  const ok = (answer: RawResponse) => assert.ok(answer.status >= 200 && answer.status < 300, `${answer.status} ${answer.body}`);
  function refused(answer: RawResponse, who: { arn: string }, action: string, resource: string): void {
    assert.equal(answer.status, 400, answer.body);
    const body = JSON.parse(answer.body) as { __type: string; message?: string; Message?: string };
    assert.match(body.__type, /AccessDeniedException$/);
    assert.equal(body.message ?? body.Message, `User: ${who.arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`);
  }

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
  });
  after(() => env?.stop());

  test('DynamoDB RestoreTableFromBackup: on the backup and on the target table', async () => {
    const table = (name: string) => `arn:aws:dynamodb:us-east-1:${account}:table/${name}`;
    ok(await dynamodb(env.server.root, 'CreateTable', { TableName: 'orders', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
    const backup = await dynamodb(env.server.root, 'CreateBackup', { TableName: 'orders', BackupName: 'nightly' });
    ok(backup);
    const backupArn = (JSON.parse(backup.body) as { BackupDetails: { BackupArn: string } }).BackupDetails.BackupArn;
    // May restore the orders backups into tables named restored-*, nowhere else.
    const restorer = await env.user('backup-restorer', [allow('dynamodb:RestoreTableFromBackup', [`${table('orders')}/backup/*`, table('restored-*')])]);
    refused(await dynamodb(restorer, 'RestoreTableFromBackup', { BackupArn: backupArn, TargetTableName: 'orders-copy' }), restorer, 'dynamodb:RestoreTableFromBackup', table('orders-copy'));
    const restored = await dynamodb(restorer, 'RestoreTableFromBackup', { BackupArn: backupArn, TargetTableName: 'restored-orders' });
    ok(restored);
    assert.equal((JSON.parse(restored.body) as { TableDescription: { TableName: string } }).TableDescription.TableName, 'restored-orders');
    // The table list says what happened upstream: the refused target was never made.
    const tables = (JSON.parse((await dynamodb(env.server.root, 'ListTables', {})).body) as { TableNames: string[] }).TableNames;
    assert.deepEqual(tables.filter((name) => name !== 'orders').sort(), ['restored-orders']);
    // A grant on the target alone does not restore someone else's backup.
    const targetOnly = await env.user('target-only-restorer', [allow('dynamodb:RestoreTableFromBackup', table('restored-*'))]);
    refused(await dynamodb(targetOnly, 'RestoreTableFromBackup', { BackupArn: backupArn, TargetTableName: 'restored-again' }), targetOnly, 'dynamodb:RestoreTableFromBackup', backupArn);
  });

  test('CloudWatch Logs PutSubscriptionFilter into a Logs destination: on the destination and on the log group', async () => {
    const group = (name: string) => `arn:aws:logs:us-east-1:${account}:log-group:${name}`;
    for (const name of ['app', 'audit']) ok(await motoLogs('CreateLogGroup', { logGroupName: name }));
    const destination = await motoLogs('PutDestination', { destinationName: 'central', targetArn: `arn:aws:kinesis:us-east-1:${account}:stream/central`, roleArn: `arn:aws:iam::${account}:role/cwl-to-kinesis` });
    ok(destination);
    const destinationArn = (JSON.parse(destination.body) as { destination: { arn: string } }).destination.arn;
    const subscriber = await env.user('app-subscriber', [allow('logs:PutSubscriptionFilter', [destinationArn, `${group('app')}:*`])]);
    // Allowed: forwarded. (moto refuses a Logs destination whose target it does not hold with its
    // own "The specified log group does not exist."; what matters here is that the gateway did not refuse it.)
    const allowed = await logs(subscriber, 'PutSubscriptionFilter', { logGroupName: 'app', filterName: 'all', filterPattern: '', destinationArn });
    assert.doesNotMatch(allowed.body, /AccessDenied/);
    refused(await logs(subscriber, 'PutSubscriptionFilter', { logGroupName: 'audit', filterName: 'all', filterPattern: '', destinationArn }), subscriber, 'logs:PutSubscriptionFilter', `${group('audit')}:log-stream:`);
    // The destination alone does not allow a subscription on a group.
    const destinationOnly = await env.user('destination-only-subscriber', [allow('logs:PutSubscriptionFilter', destinationArn)]);
    refused(await logs(destinationOnly, 'PutSubscriptionFilter', { logGroupName: 'app', filterName: 'all', filterPattern: '', destinationArn }), destinationOnly, 'logs:PutSubscriptionFilter', `${group('app')}:log-stream:`);
  });

  test('SSM StartSession: on the instance and on the session document', async () => {
    const instance = (id: string) => `arn:aws:ec2:us-east-1:${account}:instance/${id}`;
    const portForwarding = 'arn:aws:ssm:us-east-1::document/AWS-StartPortForwardingSession';
    // The Session Manager guide's shape: these instances, this document.
    const operator = await env.user('session-operator', [allow('ssm:StartSession', [instance('i-0aaaaaaaaaaaaaaaa'), portForwarding])]);
    refused(await ssm(operator, 'StartSession', { Target: 'i-0bbbbbbbbbbbbbbbb', DocumentName: 'AWS-StartPortForwardingSession' }), operator, 'ssm:StartSession', instance('i-0bbbbbbbbbbbbbbbb'));
    refused(await ssm(operator, 'StartSession', { Target: 'i-0aaaaaaaaaaaaaaaa', DocumentName: 'AWS-StartSSHSession' }), operator, 'ssm:StartSession', 'arn:aws:ssm:us-east-1::document/AWS-StartSSHSession');
    // Allowed: forwarded (moto has no Session Manager: its own error comes back, not a refusal).
    const allowed = await ssm(operator, 'StartSession', { Target: 'i-0aaaaaaaaaaaaaaaa', DocumentName: 'AWS-StartPortForwardingSession' });
    assert.doesNotMatch(allowed.body, /AccessDenied/);
  });

  test('SSM maintenance windows: a target or task is decided with its window', async () => {
    const window = await ssm(env.server.root, 'CreateMaintenanceWindow', { Name: 'nightly', Schedule: 'cron(0 2 * * ? *)', Duration: 2, Cutoff: 1, AllowUnassociatedTargets: true });
    ok(window);
    const windowId = (JSON.parse(window.body) as { WindowId: string }).WindowId;
    const registered = await ssm(env.server.root, 'RegisterTargetWithMaintenanceWindow', { WindowId: windowId, ResourceType: 'INSTANCE', Targets: [{ Key: 'InstanceIds', Values: ['i-0aaaaaaaaaaaaaaaa'] }] });
    ok(registered);
    const targetId = (JSON.parse(registered.body) as { WindowTargetId: string }).WindowTargetId;
    const windowArn = `arn:aws:ssm:us-east-1:${account}:maintenancewindow/${windowId}`;
    const windowOnly = await env.user('window-only', [allow('ssm:DeregisterTargetFromMaintenanceWindow', windowArn)]);
    refused(await ssm(windowOnly, 'DeregisterTargetFromMaintenanceWindow', { WindowId: windowId, WindowTargetId: targetId }), windowOnly, 'ssm:DeregisterTargetFromMaintenanceWindow', `arn:aws:ssm:us-east-1:${account}:windowtarget/${targetId}`);
    const both = await env.user('window-and-targets', [allow('ssm:DeregisterTargetFromMaintenanceWindow', [windowArn, `arn:aws:ssm:us-east-1:${account}:windowtarget/*`])]);
    ok(await ssm(both, 'DeregisterTargetFromMaintenanceWindow', { WindowId: windowId, WindowTargetId: targetId }));
  });
});
