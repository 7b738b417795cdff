import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, allow, deny, type GatewayEnv } from '../support/gateway-env.ts';
import { sendRaw, type RawResponse } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * One resource named two ways: requests whose resource the gateway authorized in one form while
 * moto_server resolved it to another resource — CloudWatch Logs' logGroupIdentifier (moto ends
 * on the newest log group), a Secrets Manager partial ARN with the form of a full one, an SSM
 * parameter name that is a Secrets Manager secret (`/aws/reference/secretsmanager/…`), a KMS key
 * or Lambda function ARN of another partition or region (moto keeps the id or name only), a
 * DynamoDB restore's source named by ARN and by name (moto reads the name), a batch naming
 * another account's table first and then a bare name (moto finds the name in that account), an
 * EC2 security group named by GroupName beside GroupId (moto takes the name first), and
 * RunInstances' groups by name beside IDs (moto attaches both). Each was a
 * bypass before the gateway refused (or, for secrets, resolved; for logGroupIdentifier, forwarded as logGroupName) it; each test checks what moto
 * really did or answered.
 */
describe('one resource named two ways', () => {
  let env: GatewayEnv;
  let account: string;
  const upstreamCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

  interface Raw { method?: string; path?: string; query?: string; headers?: Record<string, string>; body?: string }

  async function call(base: string, credentials: Credentials, service: string, raw: Raw): Promise<RawResponse> {
    const host = new URL(base).host;
    const method = raw.method ?? 'POST';
    const path = raw.path ?? '/';
    const body = raw.body ?? '';
    const signed = signRequest({ method, path, query: raw.query ?? '', headers: { host, ...raw.headers }, body }, credentials, { region: 'us-east-1', service, date: new Date() });
    return sendRaw(base, { method, path, query: raw.query ?? '', headers: signed.headers as Record<string, string>, body });
  }
  const tessera = (credentials: Credentials, service: string, raw: Raw) => call(env.server.url, credentials, service, raw);
  /** moto itself, in the account: what really happened. */
  const moto = (service: string, raw: Raw) => call(env.moto.url, upstreamCredentials, service, { ...raw, headers: { ...raw.headers, 'x-moto-account-id': account } });
  const json = (target: string, body: unknown, version = '1.1'): Raw => ({ headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target }, body: JSON.stringify(body) });
  const form = (params: string): Raw => ({ headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: `${params}&Version=2016-11-15` });
  const ok = (answer: RawResponse) => assert.ok(answer.status >= 200 && answer.status < 300, `${answer.status} ${answer.body}`);
  /** Refused as the service refuses an invalid request: JSON's ValidationException, EC2's InvalidParameterValue. */
  const invalid = (answer: RawResponse, pattern?: RegExp) => {
    assert.equal(answer.status, 400, answer.body);
    const code = (answer.headers['x-amzn-errortype'] as string | undefined)?.split(':')[0] ?? /<Code>([^<]+)<\/Code>/.exec(answer.body)?.[1] ?? (JSON.parse(answer.body) as { __type?: string }).__type;
    assert.ok(code === 'ValidationException' || code === 'InvalidParameterValue', answer.body);
    if (pattern) assert.match(answer.body, pattern);
  };
  const denied = (answer: RawResponse) => {
    assert.equal(answer.status, 400, answer.body);
    assert.match(answer.body, /AccessDeniedException/);
  };

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
  });
  after(() => env?.stop());

  test('CloudWatch Logs: logGroupIdentifier where logGroupName is taken is forwarded as logGroupName (moto read the newest log group\'s events)', async () => {
    // `secret` is created last: moto's identifier lookup ends on it whatever the identifier names.
    for (const name of ['allowed', 'secret']) {
      ok(await moto('logs', json('Logs_20140328.CreateLogGroup', { logGroupName: name })));
      ok(await moto('logs', json('Logs_20140328.CreateLogStream', { logGroupName: name, logStreamName: 's' })));
      ok(await moto('logs', json('Logs_20140328.PutLogEvents', { logGroupName: name, logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: `event of ${name}` }] })));
    }
    const reader = await env.user('logs-reader', [allow(['logs:GetLogEvents', 'logs:DescribeLogStreams', 'logs:FilterLogEvents'], `arn:aws:logs:us-east-1:${account}:log-group:allowed:*`)]);
    const groupArn = `arn:aws:logs:us-east-1:${account}:log-group:allowed`;
    for (const identifier of [groupArn, `${groupArn}:*`, 'allowed']) {
      const events = await tessera(reader, 'logs', json('Logs_20140328.GetLogEvents', { logGroupIdentifier: identifier, logStreamName: 's' }));
      ok(events);
      assert.equal(JSON.parse(events.body).events[0].message, 'event of allowed');
      assert.doesNotMatch(events.body, /event of secret/);
    }
    const streams = await tessera(reader, 'logs', json('Logs_20140328.DescribeLogStreams', { logGroupIdentifier: groupArn }));
    ok(streams);
    assert.doesNotMatch(streams.body, /log-group:secret/);
    const filtered = await tessera(reader, 'logs', json('Logs_20140328.FilterLogEvents', { logGroupIdentifier: groupArn }));
    ok(filtered);
    assert.doesNotMatch(filtered.body, /event of secret/);
    // By its name, the group is read as before.
    const byName = await tessera(reader, 'logs', json('Logs_20140328.GetLogEvents', { logGroupName: 'allowed', logStreamName: 's' }));
    ok(byName);
    assert.equal(JSON.parse(byName.body).events[0].message, 'event of allowed');
  });

  test('Secrets Manager: an ARN with the form of a full one is resolved as moto resolves it (db-?????? let it read and overwrite db-backup)', async () => {
    for (const name of ['db', 'db-backup']) ok(await moto('secretsmanager', json('secretsmanager.CreateSecret', { Name: name, SecretString: `value of ${name}` })));
    const value = async (name: string) => JSON.parse((await moto('secretsmanager', json('secretsmanager.GetSecretValue', { SecretId: name }))).body).SecretString;
    const dbArn = JSON.parse((await moto('secretsmanager', json('secretsmanager.DescribeSecret', { SecretId: 'db' }))).body).ARN as string;
    // `…:secret:db-backup` is db-backup's partial ARN, and has the form of a full ARN of `db`.
    const partial = `arn:aws:secretsmanager:us-east-1:${account}:secret:db-backup`;
    const user = await env.user('sm-db', [allow(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], `arn:aws:secretsmanager:us-east-1:${account}:secret:db-??????`)]);
    const read = await tessera(user, 'secretsmanager', json('secretsmanager.GetSecretValue', { SecretId: partial }));
    denied(read);
    // Decided on db-backup (the secret the upstream resolves it to), named as the caller gave it.
    assert.match(read.body, /on resource: arn:aws:secretsmanager:us-east-1:\d{12}:secret:db-backup because/);
    assert.doesNotMatch(read.body, /value of db-backup/);
    denied(await tessera(user, 'secretsmanager', json('secretsmanager.PutSecretValue', { SecretId: partial, SecretString: 'overwritten' })));
    // Of another region, too (moto acts in the request's on the name).
    denied(await tessera(user, 'secretsmanager', json('secretsmanager.PutSecretValue', { SecretId: partial.replace('us-east-1', 'eu-west-1'), SecretString: 'overwritten' })));
    assert.equal(await value('db-backup'), 'value of db-backup');
    // A Deny written as AWS advises (`<name>-??????`) applies to the partial ARN.
    const denyBackup = await env.user('sm-deny-backup', [allow('secretsmanager:*'), deny('secretsmanager:*', `arn:aws:secretsmanager:us-east-1:${account}:secret:db-backup-??????`)]);
    denied(await tessera(denyBackup, 'secretsmanager', json('secretsmanager.GetSecretValue', { SecretId: partial })));
    // The secrets themselves, by full ARN or by name, as before.
    const own = await tessera(user, 'secretsmanager', json('secretsmanager.GetSecretValue', { SecretId: dbArn }));
    ok(own);
    assert.equal(JSON.parse(own.body).SecretString, 'value of db');
    ok(await tessera(user, 'secretsmanager', json('secretsmanager.GetSecretValue', { SecretId: 'db' })));
    ok(await tessera(denyBackup, 'secretsmanager', json('secretsmanager.GetSecretValue', { SecretId: 'db' })));
  });

  test('SSM: a parameter under /aws/reference/ is refused (Parameter Store read a Secrets Manager secret without secretsmanager:GetSecretValue)', async () => {
    ok(await moto('secretsmanager', json('secretsmanager.CreateSecret', { Name: 'ref', SecretString: 'value of ref' })));
    ok(await moto('ssm', json('AmazonSSM.PutParameter', { Name: 'plain', Value: 'value of plain', Type: 'String' })));
    const reader = await env.user('ssm-reader', [allow(['ssm:GetParameter', 'ssm:GetParameters'], `arn:aws:ssm:us-east-1:${account}:parameter/*`)]);
    const name = '/aws/reference/secretsmanager/ref';
    const answers = [
      await tessera(reader, 'ssm', json('AmazonSSM.GetParameter', { Name: name, WithDecryption: true })),
      await tessera(reader, 'ssm', json('AmazonSSM.GetParameter', { Name: `arn:aws:ssm:us-east-1:${account}:parameter${name}`, WithDecryption: true })),
      await tessera(reader, 'ssm', json('AmazonSSM.GetParameters', { Names: ['plain', name], WithDecryption: true })),
    ];
    for (const answer of answers) {
      invalid(answer, /Secrets Manager/);
      assert.doesNotMatch(answer.body, /value of ref/);
    }
    // moto does answer the reference with the secret: the refusal is what keeps it.
    assert.match((await moto('ssm', json('AmazonSSM.GetParameter', { Name: name, WithDecryption: true }))).body, /value of ref/);
    const plain = await tessera(reader, 'ssm', json('AmazonSSM.GetParameters', { Names: ['plain'] }));
    ok(plain);
    assert.equal(JSON.parse(plain.body).Parameters[0].Value, 'value of plain');
  });

  test('SSM: a parameter ARN with the ARN prefix twice is refused (moto removed both and read a parameter a Deny protected)', async () => {
    for (const name of ['guarded', '/prod/db']) ok(await moto('ssm', json('AmazonSSM.PutParameter', { Name: name, Value: `value of ${name}`, Type: 'String', Overwrite: true })));
    const prefix = `arn:aws:ssm:us-east-1:${account}:parameter`;
    const user = await env.user('ssm-guarded', [allow(['ssm:GetParameter', 'ssm:GetParameters'], `${prefix}/*`), deny('ssm:*', [`${prefix}/guarded`, `${prefix}/prod/db`])]);
    denied(await tessera(user, 'ssm', json('AmazonSSM.GetParameter', { Name: `${prefix}/guarded` })));
    for (const name of [`${prefix}/guarded${prefix}`, `${prefix}/guarded${prefix}:1`, `${prefix}/prod/db${prefix}`]) {
      const answer = await tessera(user, 'ssm', json('AmazonSSM.GetParameter', { Name: name }));
      invalid(answer, /selector/);
      assert.doesNotMatch(answer.body, /value of/);
    }
    // moto does read the doubled prefix as the parameter itself: the refusal is what keeps it.
    assert.match((await moto('ssm', json('AmazonSSM.GetParameter', { Name: `${prefix}/guarded${prefix}` }))).body, /value of guarded/);
    // An ARN with a selector, as before.
    ok(await moto('ssm', json('AmazonSSM.PutParameter', { Name: 'open', Value: 'value of open', Type: 'String' })));
    ok(await tessera(user, 'ssm', json('AmazonSSM.GetParameter', { Name: `${prefix}/open:1` })));
  });

  test('KMS: a key ARN of another partition, region or no account ID, or with more after its id, is refused (moto acted on the request\'s own key of that id, past a Deny on it)', async () => {
    const id = JSON.parse((await moto('kms', json('TrentService.CreateKey', {}))).body).KeyMetadata.KeyId as string;
    ok(await moto('kms', json('TrentService.CreateAlias', { AliasName: 'alias/guarded', TargetKeyId: id })));
    const keyArn = `arn:aws:kms:us-east-1:${account}:key/${id}`;
    const user = await env.user('kms-user', [allow('kms:*'), deny('kms:*', keyArn)]);
    const rotation = async () => JSON.parse((await moto('kms', json('TrentService.GetKeyRotationStatus', { KeyId: id }))).body).KeyRotationEnabled;
    denied(await tessera(user, 'kms', json('TrentService.EnableKeyRotation', { KeyId: keyArn })));
    const elsewhere = [
      keyArn.replace('arn:aws:', 'arn:aws-cn:'), keyArn.replace('us-east-1', 'eu-west-1'), keyArn.replace('arn:aws:', 'arn:aws-us-gov:').replace('us-east-1', 'us-gov-west-1'),
      // An account that is no account ID: forwarded to act in the caller's account.
      keyArn.replace(account, 'xyz'), keyArn.replace(account, ''), keyArn.replace(account, ` ${account}`),
      // More after the key's id: moto reads the id up to the next `:key/`.
      `${keyArn}:key/x`, `${keyArn}:key/${id}`,
    ];
    for (const other of elsewhere) {
      invalid(await tessera(user, 'kms', json('TrentService.EnableKeyRotation', { KeyId: other })), /partition|region|account|neither key/);
      invalid(await tessera(user, 'kms', json('TrentService.Encrypt', { KeyId: other, Plaintext: Buffer.from('x').toString('base64') })));
    }
    invalid(await tessera(user, 'kms', json('TrentService.Encrypt', { KeyId: `arn:aws-cn:kms:us-east-1:${account}:alias/guarded`, Plaintext: 'eA==' })));
    assert.equal(await rotation(), false);
    // Another key of the request's region, by ARN, as before.
    const mine = JSON.parse((await moto('kms', json('TrentService.CreateKey', {}))).body).KeyMetadata.Arn as string;
    ok(await tessera(user, 'kms', json('TrentService.EnableKeyRotation', { KeyId: mine })));
  });

  test('Lambda: a function ARN of another partition or no account ID is refused (moto tagged, and deleted, the request\'s own function of that name, past a Deny on it)', async () => {
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const role = await moto('iam', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `Action=CreateRole&Version=2010-05-08&RoleName=fn-role&AssumeRolePolicyDocument=${encodeURIComponent(trust)}` });
    const roleArn = /<Arn>(.*?)<\/Arn>/.exec(role.body)![1]!;
    const zip = 'UEsDBBQAAAAAAIIFh1048sTiGgAAABoAAAAIAAAAaW5kZXgucHlkZWYgaGFuZGxlcihlLGMpOiByZXR1cm4gZVBLAQIUAxQAAAAAAIIFh1048sTiGgAAABoAAAAIAAAAAAAAAAAAAACAAQAAAABpbmRleC5weVBLBQYAAAAAAQABADYAAABAAAAAAAA=';
    for (const name of ['guarded', 'open']) {
      ok(await moto('lambda', { path: '/2015-03-31/functions', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ FunctionName: name, Runtime: 'python3.12', Role: roleArn, Handler: 'index.handler', Code: { ZipFile: zip } }) }));
    }
    const arn = (name: string, partition = 'aws') => `arn:${partition}:lambda:us-east-1:${account}:function:${name}`;
    const tagsPath = (resource: string) => `/2017-03-31/tags/${encodeURIComponent(resource)}`;
    const tags = async (name: string) => JSON.parse((await moto('lambda', { method: 'GET', path: tagsPath(arn(name)) })).body).Tags;
    const user = await env.user('lambda-tagger', [allow('lambda:*'), deny('lambda:*', arn('guarded'))]);
    const tag = (resource: string) => tessera(user, 'lambda', { path: tagsPath(resource), headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Tags: { owner: 'intruder' } }) });
    assert.equal((await tag(arn('guarded'))).status, 403);
    for (const partition of ['aws-cn', 'aws-us-gov']) invalid(await tag(arn('guarded', partition)), /partition/);
    invalid(await tessera(user, 'lambda', { method: 'GET', path: `/2015-03-31/functions/${encodeURIComponent(arn('guarded', 'aws-cn'))}` }));
    for (const bogus of ['xyz', '']) {
      const named = arn('guarded').replace(account, bogus);
      invalid(await tag(named), /account/);
      invalid(await tessera(user, 'lambda', { method: 'DELETE', path: `/2015-03-31/functions/${encodeURIComponent(named)}` }), /account/);
    }
    assert.deepEqual(await tags('guarded'), {});
    // The open function, by its ARN in the aws partition, as before.
    ok(await tag(arn('open')));
    assert.deepEqual(await tags('open'), { owner: 'intruder' });
  });

  test('DynamoDB: RestoreTableToPointInTime naming its source by both SourceTableArn and SourceTableName is refused (moto copied the named table)', async () => {
    const ddb = (target: string, body: unknown) => moto('dynamodb', json(`DynamoDB_20120810.${target}`, body, '1.0'));
    for (const name of ['allowed', 'secret']) {
      ok(await ddb('CreateTable', { TableName: name, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
      ok(await ddb('PutItem', { TableName: name, Item: { pk: { S: `item of ${name}` } } }));
    }
    const tables = async () => JSON.parse((await ddb('ListTables', {})).body).TableNames.sort();
    const user = await env.user('ddb-restorer', [allow('dynamodb:RestoreTableToPointInTime', `arn:aws:dynamodb:us-east-1:${account}:table/allowed`), allow('dynamodb:*', `arn:aws:dynamodb:us-east-1:${account}:table/copy`)]);
    const restore = (body: unknown) => tessera(user, 'dynamodb', json('DynamoDB_20120810.RestoreTableToPointInTime', body, '1.0'));
    invalid(await restore({ SourceTableArn: `arn:aws:dynamodb:us-east-1:${account}:table/allowed`, SourceTableName: 'secret', TargetTableName: 'copy' }), /SourceTableArn and SourceTableName/);
    assert.deepEqual(await tables(), ['allowed', 'secret']);
    denied(await restore({ SourceTableName: 'secret', TargetTableName: 'copy' }));
    // By its name alone, the allowed table is restored as before.
    ok(await restore({ SourceTableName: 'allowed', TargetTableName: 'copy' }));
    assert.deepEqual(JSON.parse((await ddb('Scan', { TableName: 'copy' })).body).Items, [{ pk: { S: 'item of allowed' } }]);
  });

  test('DynamoDB across accounts: another account\'s shared table first, then a bare table name, is refused (moto read and overwrote that account\'s table of the name)', async () => {
    const other = await env.account();
    /** moto in the account `owner`. */
    const ddb = (owner: string, target: string, body: unknown) => {
      const raw = json(`DynamoDB_20120810.${target}`, body, '1.0');
      return call(env.moto.url, upstreamCredentials, 'dynamodb', { ...raw, headers: { ...raw.headers, 'x-moto-account-id': owner } });
    };
    for (const [owner, name] of [[other.accountId, 'shared'], [other.accountId, 'ledger'], [account, 'ledger']] as const) {
      ok(await ddb(owner, 'CreateTable', { TableName: name, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
      ok(await ddb(owner, 'PutItem', { TableName: name, Item: { pk: { S: 'k' }, v: { S: `${name} of ${owner}` } } }));
    }
    const shared = `arn:aws:dynamodb:us-east-1:${other.accountId}:table/shared`;
    // The caller may do anything with its own tables and the one table the other account shares with it.
    const user = await env.user('ddb-cross', [allow('dynamodb:*', [`arn:aws:dynamodb:us-east-1:${account}:table/*`, shared])]);
    ok(await ddb(other.accountId, 'PutResourcePolicy', { ResourceArn: shared, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: user.arn }, Action: 'dynamodb:*', Resource: shared }] }) }));
    const call2 = (target: string, body: unknown) => tessera(user, 'dynamodb', json(`DynamoDB_20120810.${target}`, body, '1.0'));
    ok(await call2('GetItem', { TableName: shared, Key: { pk: { S: 'k' } } }));
    const batch = await call2('BatchGetItem', { RequestItems: { [shared]: { Keys: [{ pk: { S: 'k' } }] }, ledger: { Keys: [{ pk: { S: 'k' } }] } } });
    invalid(batch, /account/);
    assert.doesNotMatch(batch.body, new RegExp(`ledger of ${other.accountId}`));
    invalid(await call2('TransactWriteItems', { TransactItems: [{ Put: { TableName: shared, Item: { pk: { S: 'x' } } } }, { Put: { TableName: 'ledger', Item: { pk: { S: 'k' }, v: { S: 'overwritten' } } } }] }));
    const ledger = async (owner: string) => JSON.parse((await ddb(owner, 'GetItem', { TableName: 'ledger', Key: { pk: { S: 'k' } } })).body).Item.v.S;
    assert.equal(await ledger(other.accountId), `ledger of ${other.accountId}`);
    assert.equal(await ledger(account), `ledger of ${account}`);
    // The caller's own table first, then the shared one by its ARN: acting in the caller's account, as before.
    const own = await call2('BatchGetItem', { RequestItems: { ledger: { Keys: [{ pk: { S: 'k' } }] } } });
    ok(own);
    assert.match(own.body, new RegExp(`ledger of ${account}`));
  });

  test('EC2: a security group named by GroupName beside GroupId is refused (moto took the name: a rule went to, and a delete removed, another group)', async () => {
    const ec2 = (params: string) => moto('ec2', form(params));
    const create = async (name: string) => /<groupId>(sg-[0-9a-f]+)<\/groupId>/.exec((await ec2(`Action=CreateSecurityGroup&GroupName=${name}&GroupDescription=d`)).body)![1]!;
    const mine = await create('mine');
    const guarded = await create('guarded');
    const describe = async (id: string) => (await ec2(`Action=DescribeSecurityGroups&GroupId.1=${id}`)).body;
    const user = await env.user('sg-user', [allow(['ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:RevokeSecurityGroupEgress', 'ec2:DeleteSecurityGroup'], `arn:aws:ec2:us-east-1:${account}:security-group/${mine}`)]);
    const rule = 'IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22&IpPermissions.1.IpRanges.1.CidrIp=203.0.113.0%2F24';
    for (const other of [guarded, 'guarded']) {
      invalid(await tessera(user, 'ec2', form(`Action=AuthorizeSecurityGroupIngress&GroupId=${mine}&GroupName=${other}&${rule}`)), /GroupName/);
      invalid(await tessera(user, 'ec2', form(`Action=AuthorizeSecurityGroupEgress&GroupId=${mine}&GroupName=${other}&${rule}`)), /GroupName/);
      invalid(await tessera(user, 'ec2', form(`Action=DeleteSecurityGroup&GroupId=${mine}&GroupName=${other}`)), /GroupName/);
    }
    // Egress takes no GroupName at all: moto would still read it.
    invalid(await tessera(user, 'ec2', form(`Action=AuthorizeSecurityGroupEgress&GroupName=${guarded}&${rule}`)));
    const guardedNow = await describe(guarded);
    assert.match(guardedNow, /<groupName>guarded<\/groupName>/);
    assert.doesNotMatch(guardedNow, /203\.0\.113\.0\/24/);
    // By GroupId alone, as before.
    ok(await tessera(user, 'ec2', form(`Action=AuthorizeSecurityGroupIngress&GroupId=${mine}&${rule}`)));
    assert.match(await describe(mine), /203\.0\.113\.0\/24/);
  });

  test('EC2 RunInstances: security groups by name beside IDs are refused (moto launched the instance into the named group too)', async () => {
    const ec2 = (params: string) => moto('ec2', form(params));
    const image = /<imageId>(ami-[0-9a-f]+)<\/imageId>/.exec((await ec2('Action=DescribeImages&Owner.1=amazon')).body)![1]!;
    const create = async (name: string) => /<groupId>(sg-[0-9a-f]+)<\/groupId>/.exec((await ec2(`Action=CreateSecurityGroup&GroupName=${name}&GroupDescription=d`)).body)![1]!;
    const mine = await create('launch-mine');
    const guarded = await create('launch-guarded');
    const members = async (group: string) => [...(await ec2(`Action=DescribeInstances&Filter.1.Name=instance.group-id&Filter.1.Value.1=${group}`)).body.matchAll(/<instanceId>(i-[0-9a-f]+)<\/instanceId>/g)].length;
    const arn = `arn:aws:ec2:us-east-1:${account}`;
    const user = await env.user('launcher', [allow('ec2:RunInstances', [`${arn}:instance/*`, `${arn}:network-interface/*`, `${arn}:volume/*`, `${arn}:subnet/*`, 'arn:aws:ec2:us-east-1::image/*', `${arn}:security-group/${mine}`])]);
    const run = (groups: string) => tessera(user, 'ec2', form(`Action=RunInstances&ImageId=${image}&MinCount=1&MaxCount=1&InstanceType=t2.micro&${groups}`));
    for (const name of ['launch-guarded', guarded]) invalid(await run(`SecurityGroupId.1=${mine}&SecurityGroup.1=${name}`), /SecurityGroup/);
    assert.equal(await members(guarded), 0);
    assert.equal((await run(`SecurityGroupId.1=${guarded}`)).status, 403);
    // By ID alone, as before.
    ok(await run(`SecurityGroupId.1=${mine}`));
    assert.equal(await members(mine), 1);
    assert.equal(await members(guarded), 0);
  });
});
