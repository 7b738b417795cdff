import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CopyObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import { signRequest } from '../../src/sigv4/index.ts';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { startGatewayEnv, allow, motoS3, outcomeName, type GatewayEnv } from '../support/gateway-env.ts';
import { sendRaw, type RawResponse } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * Object keys and resource names that clients encode in unusual ways (spaces, `+`, `%`, `%2F`,
 * reserved characters, unicode in NFC and NFD, leading, doubled and trailing slashes, dot
 * segments, 1024-byte keys, case) through the gateway to moto_server: the resource the gateway
 * decided on must be the resource moto acted on. For each key, a user allowed on exactly that
 * key's ARN (and one on a wildcard prefix) can write and read it; a user allowed on a confusable
 * other key is refused; and moto — listed and read directly — holds the object under the key
 * the decision was about, and nothing under the other key.
 */

const BUCKET = 'key-encodings';
/** `<bucket>.localhost` resolves to this machine (virtual-hosted requests). */
const toLoopback: LookupFunction = (_host, options, callback) => {
  if (options.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};
const localAgent = new Agent({ lookup: toLoopback });
const NFC = 'caf\u00e9';
const NFD = 'cafe\u0301';
const LONG = `long/${'k'.repeat(1024 - 5)}`;

/** A key, and a confusable other key a user allowed on only the other must not reach it by. */
interface Case { name: string; key: string; other: string }
const CASES: Case[] = [
  { name: 'space', key: 'sp ace/a b.txt', other: 'sp ace/a+b.txt' },
  { name: 'plus', key: 'plus/a+b.txt', other: 'plus/a b.txt' },
  { name: 'percent', key: 'pct/100%.txt', other: 'pct/100%25.txt' },
  { name: 'literal %2F', key: 'enc/a%2Fb', other: 'enc/a/b' },
  { name: 'tilde', key: 'tilde/~user', other: 'tilde/%7Euser' },
  { name: 'star', key: 'star/a*b', other: 'star/aXb' },
  { name: 'question mark', key: 'qm/a?b', other: 'qm/aXb' },
  { name: 'hash', key: 'hash/a#b', other: 'hash/a' },
  { name: 'ampersand and equals', key: 'amp/a&b=c', other: 'amp/a' },
  { name: 'unicode NFC', key: `uni/${NFC}`, other: `uni/${NFD}` },
  { name: 'unicode NFD', key: `uni2/${NFD}`, other: `uni2/${NFC}` },
  { name: 'CJK', key: 'cjk/\u4e2d\u6587', other: 'cjk/%E4%B8%AD%E6%96%87' },
  { name: 'emoji', key: 'emoji/\u{1F600}.txt', other: 'emoji/\u{1F601}.txt' },
  { name: 'leading slash', key: '/lead/x', other: 'lead/x' },
  { name: 'doubled slash', key: 'dbl//b', other: 'dbl/b' },
  { name: 'dot segment', key: 'dot/./x', other: 'dot/x' },
  { name: 'dot-dot segment', key: 'dd/sub/../x', other: 'dd/x' },
  { name: 'trailing slash', key: 'trail/dir/', other: 'trail/dir' },
  { name: '1024-byte key', key: LONG, other: `${LONG.slice(0, -1)}K` },
  { name: 'case', key: 'case/Key', other: 'case/key' },
];

/** An ARN's resource, with the policy wildcards `*` and `?` escaped as ${*} and ${?}: exactly the key. */
const exactArn = (key: string) => `arn:aws:s3:::${BUCKET}/${key.replace(/[*?$]/g, (c) => '${' + c + '}')}`;
/** A key under a prefix; a 1024-byte key stays 1024 bytes (S3's longest). */
const under = (prefix: string, key: string) => (key.startsWith('long/') ? `${prefix}${key.slice(prefix.length)}` : `${prefix}${key}`);
const body = (key: string) => `object of ${JSON.stringify(key)}`;

describe('unusual key and name encodings: the gateway decides on the resource the upstream acts on', () => {
  let env: GatewayEnv;
  let moto: S3Client;
  let root: Credentials;
  let dir: string;

  /** What moto itself holds in the bucket. */
  async function motoKeys(): Promise<Set<string>> {
    const keys = new Set<string>();
    let token: string | undefined;
    do {
      const page = await moto.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
      for (const object of page.Contents ?? []) keys.add(object.Key!);
      token = page.NextContinuationToken;
    } while (token);
    return keys;
  }
  async function motoBody(key: string): Promise<string | undefined> {
    try {
      const answer = await moto.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      return await answer.Body!.transformToString();
    } catch {
      return undefined;
    }
  }

  /**
   * A user with these policies, written as IAM takes a document: characters past U+00FF as JSON
   * `\\u` escapes (a policy document's characters are U+0009, U+000A, U+000D and U+0020-U+00FF).
   */
  async function user(name: string, ...policies: Record<string, unknown>[]): Promise<Credentials> {
    const iam = env.server.iam(root);
    await iam.send(new CreateUserCommand({ UserName: name }));
    for (const [index, document] of policies.entries()) {
      const text = JSON.stringify(document).replace(/[^\u0009\u000a\u000d\u0020-\u00ff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: `p${index}`, PolicyDocument: text }));
    }
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
  }

  /** GET of a URL as written: fetch() would resolve its `.` and `..` segments (another path than the one signed). */
  async function getUrl(url: string): Promise<RawResponse> {
    const at = url.indexOf('/', url.indexOf('://') + 3);
    const target = url.slice(at);
    const [path = '', query = ''] = target.split(/\?(.*)/s, 2);
    return sendRaw(env.server.url, { method: 'GET', path, query, headers: { host: new URL(env.server.url).host } });
  }

  before(async () => {
    env = await startGatewayEnv();
    root = env.server.root;
    moto = motoS3(env);
    dir = await mkdtemp(join(tmpdir(), 'key-encodings-'));
    await env.s3(root).send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(async () => {
    moto?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
    await env?.stop();
  });

  for (const [index, c] of CASES.entries()) {
    test(`SDK v3: ${c.name} (${JSON.stringify(c.key.slice(0, 40))})`, async () => {
      const exactCredentials = await user(`sdk-exact-${index}`, allow(['s3:GetObject', 's3:PutObject'], exactArn(c.key)));
      const exact = env.s3(exactCredentials);
      const prefix = c.key.split('/')[0] === '' ? '/' : `${c.key.split('/')[0]}/`;
      const wild = env.s3(await user(`sdk-wild-${index}`, allow(['s3:GetObject', 's3:PutObject'], `arn:aws:s3:::${BUCKET}/${prefix}*`)));
      const otherCredentials = await user(`sdk-other-${index}`, allow(['s3:GetObject', 's3:PutObject'], exactArn(c.other)));
      const otherOnly = env.s3(otherCredentials);

      await exact.send(new PutObjectCommand({ Bucket: BUCKET, Key: c.key, Body: body(c.key) }));
      assert.ok((await motoKeys()).has(c.key), `moto holds ${JSON.stringify(c.key)}`);
      assert.equal(await motoBody(c.key), body(c.key));
      const read = await exact.send(new GetObjectCommand({ Bucket: BUCKET, Key: c.key }));
      assert.equal(await read.Body!.transformToString(), body(c.key));
      // Virtual-hosted: the key is the whole path (a leading `/` makes it `//…`).
      const vhost = (credentials: Credentials) => new S3Client({ endpoint: env.server.url.replace('127.0.0.1', 'localhost'), region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: new NodeHttpHandler({ httpAgent: localAgent }) });
      const exactVh = vhost(exactCredentials);
      const otherVh = vhost(otherCredentials);
      try {
        const vhRead = await exactVh.send(new GetObjectCommand({ Bucket: BUCKET, Key: c.key }));
        assert.equal(await vhRead.Body!.transformToString(), body(c.key));
        assert.equal(await outcomeName(otherVh.send(new GetObjectCommand({ Bucket: BUCKET, Key: c.key }))), 'AccessDenied');
        assert.equal(await outcomeName(otherVh.send(new PutObjectCommand({ Bucket: BUCKET, Key: c.key, Body: 'overwritten' }))), 'AccessDenied');
        assert.equal(await outcomeName(exactVh.send(new PutObjectCommand({ Bucket: BUCKET, Key: c.other, Body: 'other' }))), 'AccessDenied');
      } finally {
        exactVh.destroy();
        otherVh.destroy();
      }
      const wildRead = await wild.send(new GetObjectCommand({ Bucket: BUCKET, Key: c.key }));
      assert.equal(await wildRead.Body!.transformToString(), body(c.key));

      // Allowed on the other key only: this key is refused both ways, and moto holds no other key.
      assert.equal(await outcomeName(otherOnly.send(new GetObjectCommand({ Bucket: BUCKET, Key: c.key }))), 'AccessDenied');
      assert.equal(await outcomeName(otherOnly.send(new PutObjectCommand({ Bucket: BUCKET, Key: c.key, Body: 'overwritten' }))), 'AccessDenied');
      assert.equal(await motoBody(c.key), body(c.key));
      // And the exact user is refused the other key: nothing is written there.
      assert.equal(await outcomeName(exact.send(new PutObjectCommand({ Bucket: BUCKET, Key: c.other, Body: 'other' }))), 'AccessDenied');
      assert.ok(!(await motoKeys()).has(c.other), `moto holds no ${JSON.stringify(c.other)}`);
    });
  }
  /** Runs boto3 against the gateway: each step puts or gets a key with some credentials; answers `ok:<body>` or the error code. */
  function boto3(steps: { op: 'put' | 'get' | 'presign'; key: string; credentials: Credentials; body?: string }[]): Promise<string[]> {
    const script = `
import json, sys, boto3, botocore.config
steps = json.load(sys.stdin)
out = []
for s in steps:
    c = boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id=s['credentials']['accessKeyId'], aws_secret_access_key=s['credentials']['secretAccessKey'], config=botocore.config.Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
    try:
        if s['op'] == 'put':
            c.put_object(Bucket='${BUCKET}', Key=s['key'], Body=s['body'].encode())
            out.append('ok')
        elif s['op'] == 'presign':
            import http.client, urllib.parse
            url = c.generate_presigned_url('get_object', Params={'Bucket': '${BUCKET}', 'Key': s['key']}, ExpiresIn=300)
            parts = urllib.parse.urlsplit(url)
            conn = http.client.HTTPConnection(parts.netloc)
            conn.request('GET', parts.path + '?' + parts.query)
            answer = conn.getresponse()
            text = answer.read().decode()
            out.append('ok:' + text if answer.status == 200 else str(answer.status))
        else:
            out.append('ok:' + c.get_object(Bucket='${BUCKET}', Key=s['key'])['Body'].read().decode())
    except botocore.exceptions.ClientError as e:
        out.append(e.response['Error']['Code'])
print(json.dumps(out))
`;
    return new Promise((resolve, reject) => {
      const child = spawn('python3', ['-c', script, env.server.url], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d; });
      child.stderr.on('data', (d: Buffer) => { stderr += d; });
      child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as string[]) : reject(new Error(`boto3 exited ${code}: ${stderr}`))));
      child.stdin.end(JSON.stringify(steps));
    });
  }

  test('boto3: every key is written and read by a user allowed on exactly it, and refused to a user allowed on the other key', { skip: spawnSync('python3', ['-c', 'import boto3']).status !== 0 }, async () => {
    const failures: string[] = [];
    for (const [index, c] of CASES.entries()) {
      const key = under('boto3/', c.key);
      const other = under('boto3/', c.other);
      const exact = await user(`boto3-exact-${index}`, allow(['s3:GetObject', 's3:PutObject'], exactArn(key)));
      const otherOnly = await user(`boto3-other-${index}`, allow(['s3:GetObject', 's3:PutObject'], exactArn(other)));
      const [put, get, refusedGet, refusedPut, refusedOther, presigned, presignedByOther] = await boto3([
        { op: 'put', key, credentials: exact, body: body(key) },
        { op: 'get', key, credentials: exact },
        { op: 'get', key, credentials: otherOnly },
        { op: 'put', key, credentials: otherOnly, body: 'overwritten' },
        { op: 'put', key: other, credentials: exact, body: 'other' },
        { op: 'presign', key, credentials: exact },
        { op: 'presign', key, credentials: otherOnly },
      ]);
      const got = { put, get, refusedGet, refusedPut, refusedOther, presigned, presignedByOther, stored: await motoBody(key), otherStored: (await motoKeys()).has(other) };
      const want = { put: 'ok', get: `ok:${body(key)}`, refusedGet: 'AccessDenied', refusedPut: 'AccessDenied', refusedOther: 'AccessDenied', presigned: `ok:${body(key)}`, presignedByOther: '403', stored: body(key), otherStored: false };
      if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${c.name}: ${JSON.stringify(got)}`);
    }
    assert.deepEqual(failures, []);
  });

  test('aws CLI: s3api put-object, s3 cp, s3 ls and s3 presign name the key the decision was about', async () => {
    const failures: string[] = [];
    // (A subset: each CLI run takes about a second.)
    const cliCases = CASES.filter((c) => ['space', 'plus', 'percent', 'literal %2F', 'hash', 'unicode NFD', 'emoji', 'leading slash', 'doubled slash', 'dot-dot segment', 'trailing slash', 'case'].includes(c.name));
    for (const [index, c] of cliCases.entries()) {
      const key = `cli/${c.key}`;
      const other = `cli/${c.other}`;
      const exact = await user(`cli-exact-${index}`, allow(['s3:GetObject', 's3:PutObject'], exactArn(key)));
      const otherOnly = await user(`cli-other-${index}`, allow(['s3:GetObject', 's3:PutObject'], exactArn(other)));
      const lister = await user(`cli-lister-${index}`, allow('s3:ListBucket', `arn:aws:s3:::${BUCKET}`));
      const file = join(dir, `f${index}`);
      await writeFile(file, body(key));
      const problems: string[] = [];
      const put = await env.cli(['s3api', 'put-object', '--bucket', BUCKET, '--key', key, '--body', file], exact);
      if (put.code !== 0) problems.push(`put-object: ${put.stderr.trim()}`);
      if ((await motoBody(key)) !== body(key)) problems.push('moto does not hold the key put-object wrote');
      const down = join(dir, `d${index}`);
      // `s3 cp` takes a key after the bucket's `/` as it is (a leading `/` is the key's own).
      const cp = await env.cli(['s3', 'cp', `s3://${BUCKET}/${key}`, down], exact);
      if (cp.code !== 0) problems.push(`s3 cp down: ${cp.stderr.trim()}`);
      else if ((await readFile(down, 'utf8')) !== body(key)) problems.push('s3 cp read another object');
      const up = await env.cli(['s3', 'cp', file, `s3://${BUCKET}/${key}`], otherOnly);
      if (up.code === 0) problems.push('s3 cp up by the other key\'s user succeeded');
      else if (!/AccessDenied/.test(up.stderr)) problems.push(`s3 cp up refused otherwise: ${up.stderr.trim()}`);
      const upOther = await env.cli(['s3', 'cp', file, `s3://${BUCKET}/${other}`], exact);
      if (upOther.code === 0) problems.push('s3 cp of the other key by the exact user succeeded');
      if ((await motoKeys()).has(other)) problems.push('moto holds the other key');
      const prefix = key.slice(0, key.lastIndexOf('/') + 1);
      const ls = await env.cli(['s3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', prefix, '--query', 'Contents[].Key', '--output', 'json'], lister);
      if (ls.code !== 0 || !(JSON.parse(ls.stdout) as string[]).includes(key)) problems.push(`list-objects-v2 lacks the key: ${ls.stdout}${ls.stderr}`);
      const presign = await env.cli(['s3', 'presign', `s3://${BUCKET}/${key}`], exact);
      if (presign.code !== 0) problems.push(`presign: ${presign.stderr.trim()}`);
      else {
        const answer = await getUrl(presign.stdout.trim());
        if (answer.status !== 200 || answer.body !== body(key)) problems.push(`presigned GET: ${answer.status} ${answer.body.slice(0, 200)}`);
      }
      const presignedByOther = await env.cli(['s3', 'presign', `s3://${BUCKET}/${key}`], otherOnly);
      if (presignedByOther.code === 0) {
        const answer = await getUrl(presignedByOther.stdout.trim());
        if (answer.status !== 403) problems.push(`presigned GET by the other key's user: ${answer.status}`);
      }
      if (problems.length > 0) failures.push(`${c.name}: ${problems.join('; ')}`);
    }
    // `s3 ls` of a prefix lists what moto holds there.
    const lister = await user('cli-ls', allow('s3:ListBucket', `arn:aws:s3:::${BUCKET}`));
    const ls = await env.cli(['s3', 'ls', `s3://${BUCKET}/cli/uni2/`], lister);
    assert.equal(ls.code, 0, ls.stderr);
    assert.ok(ls.stdout.includes(NFD) && !ls.stdout.includes(NFC), ls.stdout);
    const lsLead = await env.cli(['s3', 'ls', `s3://${BUCKET}/cli//lead/`], lister);
    assert.equal(lsLead.code, 0, lsLead.stderr);
    assert.match(lsLead.stdout, / x\n/);
    assert.deepEqual(failures, []);
  });

  test('SDK v3 presigned URLs: a URL signed for a key reads that key, and the other key\'s user\'s URL is refused', async () => {
    for (const [index, { name, key: k, other: o }] of CASES.entries()) {
      const c = { name, key: under('presign/', k), other: under('presign/', o) };
      await env.s3(root).send(new PutObjectCommand({ Bucket: BUCKET, Key: c.key, Body: body(c.key) }));
      const exact = env.s3(await user(`presign-exact-${index}`, allow('s3:GetObject', exactArn(c.key))));
      const otherOnly = env.s3(await user(`presign-other-${index}`, allow('s3:GetObject', exactArn(c.other))));
      const url = await getSignedUrl(exact, new GetObjectCommand({ Bucket: BUCKET, Key: c.key }), { expiresIn: 300 });
      const answer = await getUrl(url);
      assert.equal(answer.status, 200, `${c.name}: ${url} ${answer.body}`);
      assert.equal(answer.body, body(c.key), c.name);
      const refused = await getUrl(await getSignedUrl(otherOnly, new GetObjectCommand({ Bucket: BUCKET, Key: c.key }), { expiresIn: 300 }));
      assert.equal(refused.status, 403, c.name);
      assert.match(refused.body, /<Code>AccessDenied<\/Code>/, c.name);
    }
  });
  /** A signed JSON (or, with `form`, Query) request to the gateway, or to moto itself in the account. */
  async function call(to: 'gateway' | 'moto', credentials: Credentials, service: string, target: string, input: Record<string, unknown> | string, version = '1.1'): Promise<RawResponse> {
    const base = to === 'gateway' ? env.server.url : env.moto.url;
    const host = new URL(base).host;
    const form = typeof input === 'string';
    const headers: Record<string, string> = form
      ? { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }
      : { host, 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target };
    if (to === 'moto') headers['x-moto-account-id'] = env.server.accountId;
    const payload = form ? input : JSON.stringify(input);
    const signed = signRequest({ method: 'POST', path: '/', query: '', headers, body: payload }, credentials, { region: 'us-east-1', service, date: new Date() });
    return sendRaw(base, { method: 'POST', path: '/', headers: signed.headers as Record<string, string>, body: payload });
  }
  const upstream = { accessKeyId: 'test', secretAccessKey: 'test' };
  const ok = (answer: RawResponse, what: string) => assert.ok(answer.status >= 200 && answer.status < 300, `${what}: ${answer.status} ${answer.body}`);
  const refused = (answer: RawResponse, what: string) => {
    assert.ok(answer.status === 400 || answer.status === 403, `${what}: ${answer.status} ${answer.body}`);
    assert.match(answer.body, /AccessDenied|AuthorizationError/, what);
  };

  /** Names that differ by a doubled slash, a trailing slash or case: a user allowed on one is refused the others, and moto acts on the one decided. */
  const NAME_PAIRS: [string, string][] = [['/app//db', '/app/db'], ['/app/db/', '/app/db'], ['/App/DB', '/app/db']];

  test('SSM parameters: /a//b, a trailing / and case are distinct parameters to the decision and to moto', async () => {
    const region = 'us-east-1';
    const account = env.server.accountId;
    for (const [index, [name, other]] of NAME_PAIRS.entries()) {
      for (const n of [name, other]) {
        const created = await call('moto', upstream, 'ssm', 'AmazonSSM.PutParameter', { Name: n, Value: `moto ${n}`, Type: 'String', Overwrite: true });
        ok(created, `moto PutParameter ${n}`);
      }
      const arn = `arn:aws:ssm:${region}:${account}:parameter${name}`;
      const reader = await user(`ssm-${index}`, allow(['ssm:GetParameter', 'ssm:PutParameter'], arn));
      const read = await call('gateway', reader, 'ssm', 'AmazonSSM.GetParameter', { Name: name });
      ok(read, `GetParameter ${name}`);
      assert.equal(JSON.parse(read.body).Parameter.Value, `moto ${name}`);
      refused(await call('gateway', reader, 'ssm', 'AmazonSSM.GetParameter', { Name: other }), `GetParameter ${other}`);
      refused(await call('gateway', reader, 'ssm', 'AmazonSSM.PutParameter', { Name: other, Value: 'overwritten', Type: 'String', Overwrite: true }), `PutParameter ${other}`);
      ok(await call('gateway', reader, 'ssm', 'AmazonSSM.PutParameter', { Name: name, Value: 'written', Type: 'String', Overwrite: true }), `PutParameter ${name}`);
      const [mine, theirs] = await Promise.all([name, other].map(async (n) => JSON.parse((await call('moto', upstream, 'ssm', 'AmazonSSM.GetParameter', { Name: n })).body).Parameter.Value as string));
      assert.deepEqual([mine, theirs], ['written', `moto ${other}`], `${name} / ${other}`);
    }
  });

  test('Secrets Manager: /a//b, a trailing / and case are distinct secrets to the decision and to moto', async () => {
    for (const [index, [name, other]] of NAME_PAIRS.entries()) {
      const arns: Record<string, string> = {};
      for (const n of [name, other]) {
        const created = await call('moto', upstream, 'secretsmanager', 'secretsmanager.CreateSecret', { Name: `s${index}${n}`, SecretString: `moto ${n}` });
        ok(created, `moto CreateSecret ${n}`);
        arns[n] = JSON.parse(created.body).ARN;
      }
      const reader = await user(`secret-${index}`, allow(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], arns[name]!));
      const read = await call('gateway', reader, 'secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: `s${index}${name}` });
      ok(read, `GetSecretValue ${name}`);
      assert.equal(JSON.parse(read.body).SecretString, `moto ${name}`);
      refused(await call('gateway', reader, 'secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: `s${index}${other}` }), `GetSecretValue ${other}`);
      refused(await call('gateway', reader, 'secretsmanager', 'secretsmanager.PutSecretValue', { SecretId: `s${index}${other}`, SecretString: 'overwritten' }), `PutSecretValue ${other}`);
      ok(await call('gateway', reader, 'secretsmanager', 'secretsmanager.PutSecretValue', { SecretId: `s${index}${name}`, SecretString: 'written' }), `PutSecretValue ${name}`);
      const values = await Promise.all([name, other].map(async (n) => JSON.parse((await call('moto', upstream, 'secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: `s${index}${n}` })).body).SecretString as string));
      assert.deepEqual(values, ['written', `moto ${other}`], `${name} / ${other}`);
    }
  });

  test('SQS, SNS and DynamoDB: names differing only by case are distinct to the decision and to moto', async () => {
    const account = env.server.accountId;
    // SQS (JSON protocol), by QueueUrl.
    const urls: Record<string, string> = {};
    for (const n of ['Orders', 'orders']) {
      const created = await call('moto', upstream, 'sqs', 'AmazonSQS.CreateQueue', { QueueName: n }, '1.0');
      ok(created, `CreateQueue ${n}`);
      urls[n] = JSON.parse(created.body).QueueUrl;
    }
    const sender = await user('sqs-case', allow(['sqs:SendMessage', 'sqs:ReceiveMessage'], `arn:aws:sqs:us-east-1:${account}:Orders`));
    ok(await call('gateway', sender, 'sqs', 'AmazonSQS.SendMessage', { QueueUrl: urls.Orders, MessageBody: 'to Orders' }, '1.0'), 'SendMessage Orders');
    refused(await call('gateway', sender, 'sqs', 'AmazonSQS.SendMessage', { QueueUrl: urls.orders, MessageBody: 'to orders' }, '1.0'), 'SendMessage orders');
    // A QueueUrl with a trailing / or a doubled / names no other queue to moto than to the decision.
    for (const url of [`${urls.orders}/`, urls.orders!.replace(`/${account}/`, `/${account}//`)]) {
      const answer = await call('gateway', sender, 'sqs', 'AmazonSQS.SendMessage', { QueueUrl: url, MessageBody: 'to orders' }, '1.0');
      assert.ok(answer.status >= 400, `${url}: ${answer.status} ${answer.body}`);
    }
    const received = await Promise.all(['Orders', 'orders'].map(async (n) => JSON.parse((await call('moto', upstream, 'sqs', 'AmazonSQS.ReceiveMessage', { QueueUrl: urls[n], MaxNumberOfMessages: 10 }, '1.0')).body).Messages?.map((m: { Body: string }) => m.Body) ?? []));
    assert.deepEqual(received, [['to Orders'], []]);

    // SNS (Query protocol), by TopicArn.
    for (const n of ['Alerts', 'alerts']) ok(await call('moto', upstream, 'sns', '', `Action=CreateTopic&Name=${n}&Version=2010-03-31`), `CreateTopic ${n}`);
    const tagger = await user('sns-case', allow('sns:TagResource', `arn:aws:sns:us-east-1:${account}:Alerts`));
    const tag = (n: string) => `Action=TagResource&ResourceArn=${encodeURIComponent(`arn:aws:sns:us-east-1:${account}:${n}`)}&Tags.member.1.Key=by&Tags.member.1.Value=gateway&Version=2010-03-31`;
    ok(await call('gateway', tagger, 'sns', '', tag('Alerts')), 'TagResource Alerts');
    refused(await call('gateway', tagger, 'sns', '', tag('alerts')), 'TagResource alerts');
    const tags = await Promise.all(['Alerts', 'alerts'].map(async (n) => /<Key>by<\/Key>/.test((await call('moto', upstream, 'sns', '', `Action=ListTagsForResource&ResourceArn=${encodeURIComponent(`arn:aws:sns:us-east-1:${account}:${n}`)}&Version=2010-03-31`)).body)));
    assert.deepEqual(tags, [true, false]);

    // DynamoDB, by TableName.
    for (const n of ['Users', 'users']) {
      ok(await call('moto', upstream, 'dynamodb', 'DynamoDB_20120810.CreateTable', { TableName: n, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }, '1.0'), `CreateTable ${n}`);
    }
    const writer = await user('ddb-case', allow(['dynamodb:PutItem', 'dynamodb:GetItem'], `arn:aws:dynamodb:us-east-1:${account}:table/Users`));
    const item = (n: string) => ({ TableName: n, Item: { id: { S: 'k' }, by: { S: 'gateway' } } });
    ok(await call('gateway', writer, 'dynamodb', 'DynamoDB_20120810.PutItem', item('Users'), '1.0'), 'PutItem Users');
    refused(await call('gateway', writer, 'dynamodb', 'DynamoDB_20120810.PutItem', item('users'), '1.0'), 'PutItem users');
    const items = await Promise.all(['Users', 'users'].map(async (n) => JSON.parse((await call('moto', upstream, 'dynamodb', 'DynamoDB_20120810.GetItem', { TableName: n, Key: { id: { S: 'k' } } }, '1.0')).body).Item !== undefined));
    assert.deepEqual(items, [true, false]);
  });
  /** A SigV4-signed S3 request of this raw path and query (the signer canonicalizes both as the gateway does). */
  async function s3Raw(credentials: Credentials, method: string, path: string, query: string, decodedPath: string, content = ''): Promise<RawResponse> {
    const host = new URL(env.server.url).host;
    const signed = signRequest({ method, path: decodedPath, query, headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: content }, credentials, { region: 'us-east-1', service: 's3', date: new Date(), normalizePath: false });
    return sendRaw(env.server.url, { method, path, query, headers: { ...(signed.headers as Record<string, string>), 'content-length': String(Buffer.byteLength(content)) }, body: content });
  }

  test('raw paths: %2e%2e, %2F, a backslash and %00 are the key\'s own characters to the decision and to moto; undecodable bytes are refused', async () => {
    const writer = await user('raw-writer', allow(['s3:PutObject', 's3:GetObject'], `arn:aws:s3:::${BUCKET}/raw/ok/*`));
    const cases: [string, string][] = [
      ['/raw/ok/%2e%2e/%2e%2e/escaped1', 'raw/ok/../../escaped1'],
      ['/raw/ok/%2E/x', 'raw/ok/./x'],
      ['/raw/ok/%2F%2Fescaped2', 'raw/ok///escaped2'],
      ['/raw/ok/a\\b', 'raw/ok/a\\b'],
      ['/raw/ok/n%00x', 'raw/ok/n\u0000x'],
      ['/raw/ok/%c3%a9', `raw/ok/\u00e9`],
    ];
    for (const [path, key] of cases) {
      const answer = await s3Raw(writer, 'PUT', `/${BUCKET}${path}`, '', `/${BUCKET}/${key}`, body(key));
      assert.equal(answer.status, 200, `${path}: ${answer.body}`);
      assert.equal(await motoBody(key), body(key), path);
    }
    const held = await motoKeys();
    for (const outside of ['escaped1', 'raw/escaped1', 'escaped2', 'raw/ok/x']) assert.ok(!held.has(outside), `moto holds ${outside}`);
    // Dot segments do not climb out of a prefix: S3 keeps them in the key, and so do the decision and moto.
    const outside = await user('raw-outside', allow(['s3:PutObject'], `arn:aws:s3:::${BUCKET}/raw/out/*`));
    const refusedAnswer = await s3Raw(outside, 'PUT', `/${BUCKET}/raw/out/../ok/planted`, '', `/${BUCKET}/raw/out/../ok/planted`, 'x');
    assert.equal(refusedAnswer.status, 200, refusedAnswer.body);
    assert.ok(!(await motoKeys()).has('raw/ok/planted'));
    assert.ok((await motoKeys()).has('raw/out/../ok/planted'));
    for (const path of ['/raw/ok/x%E9', '/raw/ok/x%C0%AF', '/raw/ok/%zz']) {
      const answer = await s3Raw(writer, 'PUT', `/${BUCKET}${path}`, '', `/${BUCKET}${path}`, 'x');
      assert.ok(answer.status >= 400, `${path}: ${answer.status}`);
    }
    assert.deepEqual([...(await motoKeys())].filter((k) => k.startsWith('raw/ok/x')), []);
  });

  test('a + in an S3 query parameter: the decision and moto read the same s3:prefix (a+b is not a b)', async () => {
    for (const key of ['plusq/a+b/secret', 'plusq/a b/public']) await env.s3(root).send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    // Allowed to list `plusq/a b/` only (StringEquals: no wildcard).
    const lister = await user('plus-prefix', allow('s3:ListBucket', `arn:aws:s3:::${BUCKET}`, { Condition: { StringEquals: { 's3:prefix': 'plusq/a b/' } } }));
    const listed = (answer: RawResponse) => [...answer.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
    // The SDK's own encoding: %20.
    const spaced = await s3Raw(lister, 'GET', `/${BUCKET}`, 'list-type=2&prefix=plusq%2Fa%20b%2F', `/${BUCKET}`);
    assert.equal(spaced.status, 200, spaced.body);
    assert.deepEqual(listed(spaced), ['plusq/a b/public']);
    const plusEncoded = await s3Raw(lister, 'GET', `/${BUCKET}`, 'list-type=2&prefix=plusq%2Fa%2Bb%2F', `/${BUCKET}`);
    assert.equal(plusEncoded.status, 403, plusEncoded.body);
    // A raw +: whatever the gateway decides it is, moto must list that prefix — never the other.
    const plus = await s3Raw(lister, 'GET', `/${BUCKET}`, 'list-type=2&prefix=plusq/a+b/', `/${BUCKET}`);
    if (plus.status === 200) assert.deepEqual(listed(plus), ['plusq/a b/public'], 'authorized as prefix "plusq/a b/", moto listed another prefix');
    else assert.equal(plus.status, 403, plus.body);
  });
  test('CopyObject: x-amz-copy-source names the source key the decision was about', async () => {
    const encode = (key: string) => key.split('/').map((segment) => encodeURIComponent(segment)).join('/');
    const failures: string[] = [];
    for (const [index, c] of CASES.entries()) {
      const source = under('src/', c.key);
      const other = under('src/', c.other);
      await env.s3(root).send(new PutObjectCommand({ Bucket: BUCKET, Key: source, Body: body(source) }));
      await env.s3(root).send(new PutObjectCommand({ Bucket: BUCKET, Key: other, Body: body(other) }));
      const copier = env.s3(await user(`copy-${index}`, allow('s3:GetObject', exactArn(source)), allow('s3:PutObject', `arn:aws:s3:::${BUCKET}/copied/*`)));
      const copied = `copied/${index}`;
      const got = {
        copy: await outcomeName(copier.send(new CopyObjectCommand({ Bucket: BUCKET, Key: copied, CopySource: `${BUCKET}/${encode(source)}` }))),
        stored: await motoBody(copied),
        otherCopy: await outcomeName(copier.send(new CopyObjectCommand({ Bucket: BUCKET, Key: `${copied}-other`, CopySource: `${BUCKET}/${encode(other)}` }))),
        otherStored: await motoBody(`${copied}-other`),
      };
      const want = { copy: 'ok', stored: body(source), otherCopy: 'AccessDenied', otherStored: undefined };
      if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`${c.name}: ${JSON.stringify(got)}`);
    }
    assert.deepEqual(failures, []);
  });
  test('SQS: a queue named by the request path as well as (or instead of) QueueUrl is decided on the queue moto sends to', async () => {
    const account = env.server.accountId;
    const urls: Record<string, string> = {};
    for (const n of ['path-allowed', 'path-victim']) {
      const created = await call('moto', upstream, 'sqs', 'AmazonSQS.CreateQueue', { QueueName: n }, '1.0');
      ok(created, `CreateQueue ${n}`);
      urls[n] = JSON.parse(created.body).QueueUrl;
    }
    const sender = await user('sqs-path', allow('sqs:SendMessage', `arn:aws:sqs:us-east-1:${account}:path-allowed`));
    const host = new URL(env.server.url).host;
    const send = async (path: string, headers: Record<string, string>, payload: string) => {
      const signed = signRequest({ method: 'POST', path, query: '', headers: { host, ...headers }, body: payload }, sender, { region: 'us-east-1', service: 'sqs', date: new Date() });
      return sendRaw(env.server.url, { method: 'POST', path, headers: signed.headers as Record<string, string>, body: payload });
    };
    const victimPath = `/${account}/path-victim`;
    const json = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' };
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    // moto reads the queue from the path when the request has no QueueUrl.
    assert.ok((await send(victimPath, json, JSON.stringify({ MessageBody: 'json, no QueueUrl' }))).status >= 400);
    assert.ok((await send(victimPath, form, 'Action=SendMessage&MessageBody=query%2C+no+QueueUrl&Version=2012-11-05')).status >= 400);
    assert.ok((await send('/', json, JSON.stringify({ QueueUrl: victimPath, MessageBody: 'json, QueueUrl a path' }))).status >= 400);
    // With a QueueUrl, moto sends to it whatever the path: allowed.
    ok(await send(victimPath, json, JSON.stringify({ QueueUrl: urls['path-allowed'], MessageBody: 'json, QueueUrl' })), 'SendMessage with QueueUrl');
    const received = await Promise.all(['path-allowed', 'path-victim'].map(async (n) => JSON.parse((await call('moto', upstream, 'sqs', 'AmazonSQS.ReceiveMessage', { QueueUrl: urls[n], MaxNumberOfMessages: 10 }, '1.0')).body).Messages?.map((m: { Body: string }) => m.Body) ?? []));
    assert.deepEqual(received, [['json, QueueUrl'], []]);
  });
  test('SSM GetParametersByPath: a path with trailing slashes (//, ///, /a/, /a//) is decided as the path moto lists (its trailing slashes removed; // is the root)', async () => {
    const account = env.server.accountId;
    for (const name of ['/bypath-public/a', '/bypath-private/key']) ok(await call('moto', upstream, 'ssm', 'AmazonSSM.PutParameter', { Name: name, Value: 'v', Type: 'String', Overwrite: true }), `PutParameter ${name}`);
    // Listing the whole hierarchy (the root path) and /bypath-private is denied.
    const lister = await user('ssm-bypath', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ssm:GetParametersByPath', Resource: '*' },
        { Effect: 'Deny', Action: 'ssm:GetParametersByPath', Resource: [`arn:aws:ssm:us-east-1:${account}:parameter/`, `arn:aws:ssm:us-east-1:${account}:parameter/bypath-private`] },
      ],
    });
    const root = await call('gateway', lister, 'ssm', 'AmazonSSM.GetParametersByPath', { Path: '/', Recursive: true });
    assert.equal(root.status, 400, root.body);
    assert.match(root.body, /AccessDeniedException/);
    ok(await call('gateway', lister, 'ssm', 'AmazonSSM.GetParametersByPath', { Path: '/bypath-public', Recursive: true }), '/bypath-public');
    // moto reads the path with its trailing `/`s removed: `//` is `/`, `/bypath-private//` is `/bypath-private`.
    const listedDenied: string[] = [];
    for (const path of ['//', '///', '/bypath-private/', '/bypath-private//']) {
      const answer = await call('gateway', lister, 'ssm', 'AmazonSSM.GetParametersByPath', { Path: path, Recursive: true });
      if (answer.status !== 400 || /bypath-private\/key/.test(answer.body)) listedDenied.push(`${path}: ${answer.status} ${answer.body.slice(0, 160)}`);
    }
    assert.deepEqual(listedDenied, []);
  });
});
