// A sweep of the resource policy mistakes people make, written THROUGH Tessera's gateway (in
// front of moto_server), and the answers AWS's services give them. Tessera validates a written
// resource policy before forwarding it (src/gateway/written-policies.ts,
// src/server/gateway/policy-writes.ts, bucket-policy.ts, kms-lockout.ts); moto stores nearly
// anything. Every refusal is checked for its code and HTTP status, and for its message where a
// recorded AWS answer exists (the source is cited next to the case), and after every refusal
// moto itself is read — not through Tessera — to see that nothing was stored.
//
// Not duplicated here: gateway-s3-policies.test.ts (a non-ARN principal, another bucket's
// resource, an IAM action, invalid effect "Permit", wildcard actions, an unknown condition
// operator/key/IP, a ghost user in the bucket owner's account), gateway-written-policies.test.ts
// (KMS ghost principal and broken JSON on CreateKey; Secrets Manager ghost role and broken JSON),
// gateway-s3-block-public-access.test.ts (S3 BlockPublicPolicy).
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { CreateKeyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError, type Credentials } from '../support/tessera-server.ts';
import { createMotoServiceRole, lambdaZip } from '../support/moto-iam.ts';

const REGION = 'us-east-1';

/** One boto3 call, at Tessera or straight at moto (in an account, with moto's account header). */
const BOTO = `
import json, sys, boto3, botocore.config
from botocore.exceptions import ClientError
a = json.loads(open(sys.argv[1]).read())
c = boto3.client(a['service'], endpoint_url=a['endpoint'], region_name='${REGION}', aws_access_key_id=a['key'], aws_secret_access_key=a['secret'],
                 aws_session_token=a.get('token'), config=botocore.config.Config(retries={'max_attempts': 1}, parameter_validation=False))
if a.get('account'):
    def add(request, **kwargs):
        request.headers['x-moto-account-id'] = a['account']
    c.meta.events.register('before-sign.*.*', add)
for k in ('ZipFile',):
    if k in a['params'].get('Code', {}):
        a['params']['Code'][k] = open(a['params']['Code'][k], 'rb').read()
try:
    out = getattr(c, a['method'])(**a['params'])
    out.pop('ResponseMetadata', None)
    print(json.dumps({'ok': True, 'result': out}, default=str))
except ClientError as e:
    print(json.dumps({'ok': False, 'code': e.response['Error'].get('Code'), 'message': e.response['Error'].get('Message'), 'status': e.response['ResponseMetadata'].get('HTTPStatusCode')}))
`;

type BotoAnswer = { ok: true; result: Record<string, any> } | { ok: false; code: string; message: string; status: number };

describe('resource policy validation sweep: common mistakes written through the gateway', () => {
  let env: GatewayEnv;
  let account: string;
  let root: Credentials;
  let work: string;
  let calls = 0;

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    root = env.server.root;
    work = mkdtempSync(join(tmpdir(), 'tessera-policy-sweep-'));
  });
  after(() => env?.stop());

  function boto(endpoint: 'tessera' | 'moto', credentials: Credentials, service: string, method: string, params: Record<string, unknown>): Promise<BotoAnswer> {
    const file = join(work, `call-${++calls}.json`);
    writeFileSync(file, JSON.stringify({
      endpoint: endpoint === 'tessera' ? env.server.url : env.moto.url, key: credentials.accessKeyId, secret: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { token: credentials.sessionToken } : {}), ...(endpoint === 'moto' ? { account } : {}), service, method, params,
    }));
    return new Promise((resolve, reject) => {
      execFile('python3', ['-c', BOTO, file], { maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout) as BotoAnswer);
      });
    });
  }
  /** What moto itself holds: always read with moto's own credentials, in the env's account. */
  const moto = (service: string, method: string, params: Record<string, unknown>) => boto('moto', { accessKeyId: 'test', secretAccessKey: 'test' }, service, method, params);
  const tessera = (service: string, method: string, params: Record<string, unknown>, credentials: Credentials = root) => boto('tessera', credentials, service, method, params);
  const refused = (answer: BotoAnswer): { code: string; message: string; status: number } => {
    assert.equal(answer.ok, false, `expected a refusal, got ${JSON.stringify(answer)}`);
    return answer as { code: string; message: string; status: number };
  };
  const ok = (answer: BotoAnswer): Record<string, any> => {
    assert.equal(answer.ok, true, `expected success, got ${JSON.stringify(answer)}`);
    return (answer as { result: Record<string, any> }).result;
  };

  const doc = (statements: object[], extra: object = {}) => JSON.stringify({ Version: '2012-10-17', ...extra, Statement: statements });

  // ---------------------------------------------------------------- S3 PutBucketPolicy
  describe('S3 PutBucketPolicy: MalformedPolicy (400), nothing stored', () => {
    const BUCKET = 'sweep-policies';
    before(async () => {
      await env.s3(root).send(new CreateBucketCommand({ Bucket: BUCKET }));
    });
    const grant = (extra: Record<string, unknown> = {}) => ({
      Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`, ...extra,
    });

    const cases: { name: string; policy: () => string; message?: string }[] = [
      // aws-cli#2779: a file name passed as --policy (no file://) → this text.
      { name: 'a file name in place of the document (no file://)', policy: () => 'bucket-policy.json', message: 'Policies must be valid JSON and the first byte must be \'{\'' },
      // The rule is the message's own; versitygw#1156 reproduces AWS: anything not starting with '{'.
      { name: 'a JSON array of statements in place of the document', policy: () => JSON.stringify([grant()]), message: 'Policies must be valid JSON and the first byte must be \'{\'' },
      // scaleway/docs-content#6084: an extra comma → "This policy contains invalid Json".
      { name: 'a trailing comma', policy: () => doc([grant()]).replace(/}]}$/, '},]}'), message: 'This policy contains invalid Json' },
      // hashicorp/terraform#28688: an identity policy written as a bucket policy.
      { name: 'an identity-style policy (no Principal)', policy: () => doc([{ Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::${BUCKET}/*` }]), message: 'Missing required field Principal' },
      // noobaa-core#10058: AWS answers Resource "*" with this text.
      { name: 'Resource "*"', policy: () => doc([grant({ Resource: '*' })]), message: 'Policy has invalid resource' },
      // aws-samples/aws-serverless-appsync-app#4: a resource of another bucket.
      { name: 'a look-alike bucket\'s objects', policy: () => doc([grant({ Resource: `arn:aws:s3:::${BUCKET}-logs/*` })]), message: 'Policy has invalid resource' },
      // versitygw#647 ("Invalid effect: hello"): Effect is case-sensitive.
      { name: 'Effect "allow" in lower case', policy: () => doc([grant({ Effect: 'allow' })]), message: 'Invalid effect: allow' },
      // versitygw#650: an action S3 does not have.
      { name: 'an SQS action next to an S3 one', policy: () => doc([grant({ Action: ['s3:GetObject', 'sqs:SendMessage'] })]), message: 'Policy has invalid action' },
      // versitygw#1488 quotes AWS's text.
      { name: 's3:ListBucket on object ARNs only', policy: () => doc([grant({ Action: 's3:ListBucket' })]), message: 'Action does not apply to any resource(s) in statement' },
      { name: 'a misspelt S3 condition key', policy: () => doc([grant({ Condition: { StringEquals: { 's3:x-amz-server-side-encryptionn': 'AES256' } } })]), message: 'Policy has an invalid condition key' },
      // cloud-custodian#4948, red-hat-storage/ocs-ci#9098: a principal S3 cannot resolve.
      { name: 'a user of an account that does not exist', policy: () => doc([grant({ Principal: { AWS: 'arn:aws:iam::111122223333:user/alice' } })]), message: 'Invalid principal in policy' },
      { name: 'a role of the owner\'s account that does not exist', policy: () => doc([grant({ Principal: { AWS: `arn:aws:iam::${account}:role/deploy-rol` } })]), message: 'Invalid principal in policy' },
      // No recorded AWS text for these: the code and status only.
      { name: 'a condition operator with a typo (StringLikee)', policy: () => doc([grant({ Condition: { StringLikee: { 'aws:PrincipalArn': 'x' } } })]) },
      { name: 'no Statement at all', policy: () => JSON.stringify({ Version: '2012-10-17' }) },
      { name: 'an unknown top-level field', policy: () => JSON.stringify({ Version: '2012-10-17', Foo: 'bar', Statement: [grant()] }) },
      { name: 'Principal spelt "Principals"', policy: () => doc([{ Effect: 'Allow', Principals: { AWS: `arn:aws:iam::${account}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }]) },
    ];
    for (const c of cases) {
      test(`S3: ${c.name}`, async () => {
        const error = await awsError(() => env.s3(root).send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: c.policy() })));
        assert.deepEqual([error.name, error.status], ['MalformedPolicy', 400], error.message);
        if (c.message !== undefined) assert.equal(error.message, c.message);
        const stored = refused(await moto('s3', 'get_bucket_policy', { Bucket: BUCKET }));
        assert.equal(stored.code, 'NoSuchBucketPolicy');
      });
    }

    test('S3: the same grant written right is stored (the cases above differ from it by their mistake only)', async () => {
      await env.s3(root).send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: doc([grant()]) }));
      const stored = ok(await moto('s3', 'get_bucket_policy', { Bucket: BUCKET }));
      assert.equal(JSON.parse(stored['Policy']).Statement[0].Resource, `arn:aws:s3:::${BUCKET}/*`);
      ok(await moto('s3', 'delete_bucket_policy', { Bucket: BUCKET }));
    });
  });

  // ---------------------------------------------------------------- SQS
  describe('SQS SetQueueAttributes / CreateQueue Policy: InvalidAttributeValue (400), nothing stored', () => {
    const QUEUE = 'sweep-queue';
    let url: string;
    const arn = () => `arn:aws:sqs:${REGION}:${account}:${QUEUE}`;
    before(async () => {
      url = (await env.sqs(root).send(new CreateQueueCommand({ QueueName: QUEUE }))).QueueUrl!;
    });
    const grant = (extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sqs:SendMessage', Resource: arn(), ...extra });
    // SQS answers every fault of a Policy with the one text: hashicorp/terraform-provider-aws#42209
    // (the JSON error body), cloud-custodian#1816, aws-cdk#15602.
    const SQS_TEXT = 'Invalid value for the parameter Policy.';
    const motoPolicy = async (queue = QUEUE) => {
      const motoUrl = `${env.moto.url}/${account}/${queue}`;
      return ok(await moto('sqs', 'get_queue_attributes', { QueueUrl: motoUrl, AttributeNames: ['Policy'] }))['Attributes']?.['Policy'];
    };

    const cases: { name: string; policy: () => string }[] = [
      { name: 'not JSON (a YAML-ish document)', policy: () => 'Version: 2012-10-17\nStatement:\n  - Effect: Allow' },
      { name: 'an identity-style policy (no Principal)', policy: () => doc([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arn() }]) },
      { name: 'a user that does not exist', policy: () => doc([grant({ Principal: { AWS: `arn:aws:iam::${account}:user/ghost-sender` } })]) },
      { name: 'an SNS action in a queue policy', policy: () => doc([grant({ Action: 'sns:Publish' })]) },
      { name: 'a condition operator with a typo (ArnEqual)', policy: () => doc([grant({ Principal: '*', Condition: { ArnEqual: { 'aws:SourceArn': `arn:aws:sns:${REGION}:${account}:t` } } })]) },
    ];
    for (const c of cases) {
      test(`SQS SetQueueAttributes: ${c.name}`, async () => {
        const error = await awsError(() => env.sqs(root).send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: c.policy() } })));
        assert.deepEqual([error.name, error.status, error.message], ['InvalidAttributeValue', 400, SQS_TEXT]);
        assert.equal(await motoPolicy(), undefined);
      });
    }

    test('SQS CreateQueue with an identity-style Attributes.Policy: refused and no queue is made', async () => {
      const error = await awsError(() => env.sqs(root).send(new CreateQueueCommand({ QueueName: 'sweep-queue-born-bad', Attributes: { Policy: doc([{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }]) } })));
      assert.deepEqual([error.name, error.status, error.message], ['InvalidAttributeValue', 400, SQS_TEXT]);
      const listed = ok(await moto('sqs', 'list_queues', { QueueNamePrefix: 'sweep-queue-born-bad' }));
      assert.equal(listed['QueueUrls'], undefined);
    });
  });

  // ---------------------------------------------------------------- SNS
  describe('SNS SetTopicAttributes / CreateTopic Policy: InvalidParameter (400), nothing stored', () => {
    const TOPIC = 'sweep-topic';
    let topicArn: string;
    let original: string;
    before(async () => {
      topicArn = ok(await tessera('sns', 'create_topic', { Name: TOPIC }))['TopicArn'];
      original = ok(await moto('sns', 'get_topic_attributes', { TopicArn: topicArn }))['Attributes']['Policy'];
    });
    // A case Tessera lets through must not leak into the next one: moto is set back directly.
    afterEach(async () => {
      ok(await moto('sns', 'set_topic_attributes', { TopicArn: topicArn, AttributeName: 'Policy', AttributeValue: original }));
    });
    const grant = (extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sns:Subscribe', Resource: topicArn, ...extra });

    const cases: { name: string; policy: () => string; message?: string }[] = [
      // serverless#5519 ("Principle" for Principal), cloudposse/terraform-aws-sns-topic#44 (no principals).
      { name: 'Principal spelt "Principle"', policy: () => doc([{ Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn, Principle: { AWS: '*' } }]), message: 'Invalid parameter: Policy Error: null' },
      { name: 'an identity-style policy (no Principal)', policy: () => doc([{ Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn }]), message: 'Invalid parameter: Policy Error: null' },
      // hashicorp/terraform-provider-aws#26041: root ARNs of accounts that do not exist (111111111111, 222222222222).
      { name: 'root ARNs of accounts that do not exist', policy: () => doc([grant({ Principal: { AWS: ['arn:aws:iam::111111111111:root', 'arn:aws:iam::222222222222:root'] } })]), message: 'Invalid parameter: Policy Error: PrincipalNotFound' },
      { name: 'a user that does not exist', policy: () => doc([grant({ Principal: { AWS: `arn:aws:iam::${account}:user/ghost-subscriber` } })]), message: 'Invalid parameter: Policy Error: PrincipalNotFound' },
      // No recorded AWS text for these two.
      { name: 'not JSON', policy: () => '{"Version": "2012-10-17", "Statement": [' },
      { name: 'an SQS action in a topic policy', policy: () => doc([grant({ Action: 'sqs:SendMessage' })]) },
    ];
    for (const c of cases) {
      test(`SNS SetTopicAttributes: ${c.name}`, async () => {
        const error = refused(await tessera('sns', 'set_topic_attributes', { TopicArn: topicArn, AttributeName: 'Policy', AttributeValue: c.policy() }));
        assert.deepEqual([error.code, error.status], ['InvalidParameter', 400], error.message);
        if (c.message !== undefined) assert.equal(error.message, c.message);
        const now = ok(await moto('sns', 'get_topic_attributes', { TopicArn: topicArn }))['Attributes']['Policy'];
        assert.equal(now, original);
      });
    }

    test('SNS CreateTopic with an identity-style Attributes.Policy: refused and no topic is made', async () => {
      const error = refused(await tessera('sns', 'create_topic', { Name: 'sweep-topic-born-bad', Attributes: { Policy: doc([{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }]) } }));
      assert.deepEqual([error.code, error.status], ['InvalidParameter', 400], error.message);
      const topics = ok(await moto('sns', 'list_topics', {}))['Topics'] as { TopicArn: string }[];
      assert.ok(!topics.some((topic) => topic.TopicArn.endsWith(':sweep-topic-born-bad')), JSON.stringify(topics));
    });
  });

  // ---------------------------------------------------------------- KMS
  describe('KMS CreateKey / PutKeyPolicy: MalformedPolicyDocumentException (400), nothing stored', () => {
    let keyAdmin: Credentials & { arn: string };
    let auditor: Credentials & { arn: string };
    let keyId: string;
    let original: string;
    const admin = () => ({ Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' });
    const LOCKOUT = 'The new key policy will not allow you to update the key policy in the future.';
    before(async () => {
      keyAdmin = await env.user('sweep-key-admin', [allow('kms:*')]);
      auditor = await env.user('sweep-key-auditor');
      const created = await env.kms(keyAdmin).send(new CreateKeyCommand({ Policy: doc([admin()]) }));
      keyId = created.KeyMetadata!.KeyId!;
      original = ok(await moto('kms', 'get_key_policy', { KeyId: keyId, PolicyName: 'default' }))['Policy'];
    });
    const keyCount = async () => (ok(await moto('kms', 'list_keys', {}))['Keys'] as unknown[]).length;
    const unchanged = async () => assert.equal(ok(await moto('kms', 'get_key_policy', { KeyId: keyId, PolicyName: 'default' }))['Policy'], original);

    // The lockout text: trussworks/terraform-aws-cloudtrail#178, terraform-aws-modules/terraform-aws-kms#14, data-dot-all#956 (PutKeyPolicy).
    test('KMS CreateKey: a policy that names only another user locks its writer out', async () => {
      const before = await keyCount();
      const error = await awsError(() => env.kms(keyAdmin).send(new CreateKeyCommand({ Policy: doc([{ Effect: 'Allow', Principal: { AWS: auditor.arn }, Action: 'kms:*', Resource: '*' }]) })));
      assert.deepEqual([error.name, error.status, error.message], ['MalformedPolicyDocumentException', 400, LOCKOUT]);
      assert.equal(await keyCount(), before);
    });

    test('KMS PutKeyPolicy: a policy that lets the writer use the key but not manage it locks it out', async () => {
      const error = await awsError(() => env.kms(keyAdmin).send(new PutKeyPolicyCommand({
        KeyId: keyId, PolicyName: 'default', Policy: doc([{ Effect: 'Allow', Principal: { AWS: keyAdmin.arn }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'], Resource: '*' }]),
      })));
      assert.deepEqual([error.name, error.status, error.message], ['MalformedPolicyDocumentException', 400, LOCKOUT]);
      await unchanged();
    });

    // terraform-aws-modules/terraform-aws-eks#2163: "Policy contains a statement with no principal."
    test('KMS PutKeyPolicy: an identity-style statement (no Principal)', async () => {
      const error = await awsError(() => env.kms(keyAdmin).send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: doc([admin(), { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }]) })));
      assert.deepEqual([error.name, error.status], ['MalformedPolicyDocumentException', 400]);
      assert.equal(error.message, 'Policy contains a statement with no principal.');
      await unchanged();
    });

    test('KMS PutKeyPolicy: not JSON', async () => {
      const error = await awsError(() => env.kms(keyAdmin).send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",}]}' })));
      assert.deepEqual([error.name, error.status], ['MalformedPolicyDocumentException', 400]);
      await unchanged();
    });

    test('KMS CreateKey: a role that does not exist', async () => {
      const before = await keyCount();
      const error = await awsError(() => env.kms(keyAdmin).send(new CreateKeyCommand({ Policy: doc([admin(), { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:role/ghost-encryptor` }, Action: 'kms:Encrypt', Resource: '*' }]) })));
      // aws-samples/aws-blog-codepipeline-third-party-git-build-status#6.
      assert.deepEqual([error.name, error.status, error.message], ['MalformedPolicyDocumentException', 400, 'Policy contains a statement with one or more invalid principals.']);
      assert.equal(await keyCount(), before);
    });

    test('KMS PutKeyPolicy with BypassPolicyLockoutSafetyCheck: the lockout policy is stored as asked', async () => {
      const { KeyMetadata } = await env.kms(keyAdmin).send(new CreateKeyCommand({ Policy: doc([admin()]) }));
      const lockout = doc([{ Effect: 'Allow', Principal: { AWS: auditor.arn }, Action: 'kms:*', Resource: '*' }]);
      await env.kms(keyAdmin).send(new PutKeyPolicyCommand({ KeyId: KeyMetadata!.KeyId!, PolicyName: 'default', Policy: lockout, BypassPolicyLockoutSafetyCheck: true }));
      const stored = ok(await moto('kms', 'get_key_policy', { KeyId: KeyMetadata!.KeyId!, PolicyName: 'default' }))['Policy'];
      assert.equal(JSON.parse(stored).Statement[0].Principal.AWS, auditor.arn);
    });
  });

  // ---------------------------------------------------------------- Secrets Manager
  describe('Secrets Manager PutResourcePolicy', () => {
    const SECRET = 'sweep-db-password';
    before(async () => {
      ok(await tessera('secretsmanager', 'create_secret', { Name: SECRET, SecretString: 'hunter2' }));
    });
    afterEach(async () => {
      ok(await moto('secretsmanager', 'delete_resource_policy', { SecretId: SECRET }));
    });
    const none = async () => assert.equal(ok(await moto('secretsmanager', 'get_resource_policy', { SecretId: SECRET }))['ResourcePolicy'], undefined);
    const publicRead = (extra: Record<string, unknown> = {}) => doc([{ Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*', ...extra }]);

    // The code is the documented one (PutResourcePolicy "Errors": PublicPolicyException, "The
    // BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad
    // access to the secret"); no recorded message, so none is asserted.
    test('Secrets Manager BlockPublicPolicy: a policy granting "*" is refused with PublicPolicyException and not stored', async () => {
      const error = refused(await tessera('secretsmanager', 'put_resource_policy', { SecretId: SECRET, ResourcePolicy: publicRead(), BlockPublicPolicy: true }));
      assert.deepEqual([error.code, error.status], ['PublicPolicyException', 400], error.message);
      await none();
    });

    test('Secrets Manager BlockPublicPolicy: {"AWS": "*"} is as public as "*"', async () => {
      const document = doc([{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }]);
      const error = refused(await tessera('secretsmanager', 'put_resource_policy', { SecretId: SECRET, ResourcePolicy: document, BlockPublicPolicy: true }));
      assert.deepEqual([error.code, error.status], ['PublicPolicyException', 400], error.message);
      await none();
    });

    test('Secrets Manager: an identity-style policy (no Principal) is MalformedPolicyDocumentException', async () => {
      const error = refused(await tessera('secretsmanager', 'put_resource_policy', { SecretId: SECRET, ResourcePolicy: doc([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }]) }));
      assert.deepEqual([error.code, error.status], ['MalformedPolicyDocumentException', 400], error.message);
      await none();
    });

    // The user guide ("Managing a resource-based policy"): a policy that grants only to fixed
    // values of aws:SourceAccount (or SourceArn, SourceVpc, SourceVpce) is acceptable.
    test('Secrets Manager BlockPublicPolicy: "*" fixed to one source account is not public and is stored', async () => {
      ok(await tessera('secretsmanager', 'put_resource_policy', { SecretId: SECRET, ResourcePolicy: publicRead({ Condition: { StringEquals: { 'aws:SourceAccount': account } } }), BlockPublicPolicy: true }));
      const stored = ok(await moto('secretsmanager', 'get_resource_policy', { SecretId: SECRET }))['ResourcePolicy'];
      assert.equal(JSON.parse(stored).Statement[0].Condition.StringEquals['aws:SourceAccount'], account);
    });
  });

  // ---------------------------------------------------------------- Lambda AddPermission
  describe('Lambda AddPermission: its own parameters, validated as Lambda validates them', () => {
    const FUNCTION = 'sweep-fn';
    before(async () => {
      await createMotoServiceRole(env.moto.url, account, 'sweep-fn-exec');
      ok(await tessera('lambda', 'create_function', {
        FunctionName: FUNCTION, Runtime: 'python3.12', Handler: 'index.handler', Role: `arn:aws:iam::${account}:role/sweep-fn-exec`, Code: { ZipFile: lambdaZip('tessera-policy-sweep-') },
      }));
    });
    // A case Tessera lets through must not leak into the next one: its statement is removed in moto.
    let sid = '';
    afterEach(async () => {
      await moto('lambda', 'remove_permission', { FunctionName: FUNCTION, StatementId: sid });
    });
    const noPolicy = async () => assert.equal(refused(await moto('lambda', 'get_policy', { FunctionName: FUNCTION })).code, 'ResourceNotFoundException');
    const add = (params: Record<string, unknown>) => {
      sid = (params['StatementId'] as string | undefined) ?? 'sweep';
      return tessera('lambda', 'add_permission', { FunctionName: FUNCTION, StatementId: 'sweep', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', ...params });
    };
    // The service model's constraint (botocore lambda AddPermission: Action pattern), answered
    // in AWS's ValidationException form (e.g. aarondfrancis/sidecar#147 for 'role').
    const pattern = (value: string, member: string, regex: string) => `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${regex}`;

    test('Lambda: an S3 action in a function permission is a ValidationException', async () => {
      const error = refused(await add({ Action: 's3:GetObject' }));
      assert.deepEqual([error.code, error.status], ['ValidationException', 400], error.message);
      assert.equal(error.message, pattern('s3:GetObject', 'action', '(lambda:[*]|lambda:[a-zA-Z]+|[*])'));
      await noPolicy();
    });

    test('Lambda: a SourceAccount that is not 12 digits is a ValidationException', async () => {
      const error = refused(await add({ SourceAccount: '12345' }));
      assert.deepEqual([error.code, error.status], ['ValidationException', 400], error.message);
      await noPolicy();
    });

    test('Lambda: a StatementId with a space is a ValidationException', async () => {
      const error = refused(await add({ StatementId: 'allow s3' }));
      assert.deepEqual([error.code, error.status], ['ValidationException', 400], error.message);
      await noPolicy();
    });

    // Pocket/terraform-modules#1037 ("amazonaws.com"), cloudformation-coverage-roadmap#1189.
    test('Lambda: a principal that is neither an account, an ARN nor a service is InvalidParameterValueException', async () => {
      const error = refused(await add({ Principal: 'amazonaws.com' }));
      assert.deepEqual([error.code, error.status, error.message], ['InvalidParameterValueException', 400, 'The provided principal was invalid. Please check the principal and try again.']);
      await noPolicy();
    });
  });
});
