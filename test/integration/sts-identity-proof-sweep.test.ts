import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { FixedClock } from '../../src/kernel/clock.ts';
import { sendRaw, xmlText, type RawResponse } from '../support/raw-request.ts';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * Signed and presigned sts:GetCallerIdentity used as a proof of identity by a third party that
 * replays the request to STS — what aws-iam-authenticator (EKS tokens: `k8s-aws-v1.` +
 * base64url of a presigned GET with a signed `x-k8s-aws-id`), Vault's AWS IAM auth method (a
 * signed POST with a signed `X-Vault-AWS-IAM-Server-ID`, replayed as sent) and boto3's
 * `generate_presigned_url('get_caller_identity')` do. The replay reaches Tessera with the Host
 * the client signed for (`sts.amazonaws.com`, `sts.us-east-1.amazonaws.com`), as a proxy sends it.
 *
 * AWS behaviour relied on:
 * - STS ignores X-Amz-Expires on a presigned GetCallerIdentity: the URL is valid for 15 minutes
 *   after X-Amz-Date whatever X-Amz-Expires says (aws/aws-sdk-go#2167; aws-iam-authenticator:
 *   "The sts GetCallerIdentity request is valid for 15 minutes regardless of this parameters
 *   value after it has been signed … IT IS IGNORED", requestPresignParam = 60).
 * - Past it: RequestExpired (400), STS/IAM common errors "Request has expired" (the code
 *   test/integration/authentication.test.ts already asserts for a 900 s URL).
 * - With `Accept: application/json` STS answers JSON
 *   {"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account","Arn","UserId"},
 *   "ResponseMetadata":{"RequestId"}}} — the envelope aws-iam-authenticator's verifier
 *   (getCallerIdentityWrapper) unmarshals after setting `accept: application/json`.
 * - UserId: a user's unique ID (AIDA…), an assumed role's `RoleId:session`, the root's the account
 *   ID; Arn: user/…, arn:aws:sts::…:assumed-role/ROLE/SESSION, :root (GetCallerIdentity docs).
 */

const START = new Date(Math.floor(Date.now() / 1000) * 1000);
const IDENTITY_QUERY = { Action: 'GetCallerIdentity', Version: '2011-06-15' };

describe('STS: GetCallerIdentity as a replayed proof of identity (EKS tokens, Vault, boto3)', () => {
  let server: TestServer;
  const clock = new FixedClock(START);
  let account: string;
  let user: { arn: string; id: string; credentials: Credentials };
  let roleSession: { credentials: Credentials; roleId: string; arn: string };
  let rootSession: Credentials;

  before(async () => {
    server = await startTestServer({}, { clock });
    account = server.accountId;
    const iam = server.iam();
    const created = (await iam.send(new CreateUserCommand({ UserName: 'prover' }))).User!;
    await iam.send(new PutUserPolicyCommand({
      UserName: 'prover', PolicyName: 'assume',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }),
    }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'prover' }))).AccessKey!;
    user = { arn: created.Arn!, id: created.UserId!, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
    const role = (await iam.send(new CreateRoleCommand({
      RoleName: 'node-role',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] }),
    }))).Role!;
    const assumed = await server.sts(user.credentials).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: 'i-0abc' }));
    roleSession = {
      credentials: { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! },
      roleId: role.RoleId!,
      arn: `arn:aws:sts::${account}:assumed-role/node-role/i-0abc`,
    };
    const root = await server.sts().send(new GetSessionTokenCommand({}));
    rootSession = { accessKeyId: root.Credentials!.AccessKeyId!, secretAccessKey: root.Credentials!.SecretAccessKey!, sessionToken: root.Credentials!.SessionToken! };
  });
  after(async () => server.stop());

  /** A presigned GetCallerIdentity URL, as the SDK v3 presigner writes it, for `host`. */
  async function presign(credentials: Credentials, options: { host?: string; headers?: Record<string, string>; expiresIn?: number; date?: Date; region?: string } = {}): Promise<{ path: string; query: string; headers: Record<string, string> }> {
    const host = options.host ?? 'sts.us-east-1.amazonaws.com';
    const signer = new SignatureV4({ service: 'sts', region: options.region ?? 'us-east-1', credentials, sha256: Sha256, uriEscapePath: true, applyChecksum: false });
    const presigned = await signer.presign(
      { method: 'GET', protocol: 'https:', hostname: host, path: '/', query: { ...IDENTITY_QUERY }, headers: { host, ...options.headers } } as never,
      { expiresIn: options.expiresIn ?? 60, signingDate: options.date ?? clock.now() },
    ) as unknown as { path: string; query: Record<string, string>; headers: Record<string, string> };
    const query = Object.entries(presigned.query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    return { path: presigned.path, query, headers: presigned.headers };
  }

  /** Sends a presigned URL's request to Tessera with the given headers (the Host a proxy keeps). */
  function replay(url: { path: string; query: string }, headers: Record<string, string>): Promise<RawResponse> {
    return sendRaw(server.url, { method: 'GET', path: url.path, query: url.query, headers });
  }

  function assertIdentity(res: RawResponse, arn: string, userId: string): void {
    assert.equal(res.status, 200, res.body);
    assert.equal(xmlText(res.body, 'Arn'), arn);
    assert.equal(xmlText(res.body, 'UserId'), userId);
    assert.equal(xmlText(res.body, 'Account'), account);
  }

  function assertSignatureMismatch(res: RawResponse): void {
    assert.equal(res.status, 403, res.body);
    assert.equal(xmlText(res.body, 'Code'), 'SignatureDoesNotMatch');
    assert.equal(xmlText(res.body, 'Type'), 'Sender');
  }

  function queryParam(query: string, name: string): string | null {
    return new URLSearchParams(query).get(name);
  }

  describe('presigned GET (EKS token form)', () => {
    test('long-term key, X-Amz-Expires 60, no session token: answered with the user\'s identity', async () => {
      const url = await presign(user.credentials);
      assert.equal(queryParam(url.query, 'X-Amz-Expires'), '60');
      assert.equal(queryParam(url.query, 'X-Amz-Security-Token'), null);
      assertIdentity(await replay(url, { host: 'sts.us-east-1.amazonaws.com' }), user.arn, user.id);
    });

    test('session token in the query (assumed role): answered with RoleId:session and the assumed-role ARN', async () => {
      const url = await presign(roleSession.credentials);
      assert.equal(queryParam(url.query, 'X-Amz-Security-Token'), roleSession.credentials.sessionToken);
      assertIdentity(await replay(url, { host: 'sts.us-east-1.amazonaws.com' }), roleSession.arn, `${roleSession.roleId}:i-0abc`);
    });

    test('a root session (GetSessionToken of the root): the account ID and the root ARN', async () => {
      const url = await presign(rootSession, { host: 'sts.amazonaws.com' });
      assertIdentity(await replay(url, { host: 'sts.amazonaws.com' }), `arn:aws:iam::${account}:root`, account);
    });

    test('the root\'s long-term key: the account ID and the root ARN', async () => {
      const url = await presign(server.root, { host: 'sts.amazonaws.com' });
      assertIdentity(await replay(url, { host: 'sts.amazonaws.com' }), `arn:aws:iam::${account}:root`, account);
    });

    test('a signed x-k8s-aws-id must be sent with its value; missing or changed → SignatureDoesNotMatch', async () => {
      const url = await presign(roleSession.credentials, { headers: { 'x-k8s-aws-id': 'prod-cluster' } });
      assert.equal(queryParam(url.query, 'X-Amz-SignedHeaders'), 'host;x-k8s-aws-id');
      assertIdentity(await replay(url, { host: 'sts.us-east-1.amazonaws.com', 'x-k8s-aws-id': 'prod-cluster' }), roleSession.arn, `${roleSession.roleId}:i-0abc`);
      assertSignatureMismatch(await replay(url, { host: 'sts.us-east-1.amazonaws.com' }));
      assertSignatureMismatch(await replay(url, { host: 'sts.us-east-1.amazonaws.com', 'x-k8s-aws-id': 'other-cluster' }));
    });

    test('the replayed Host must be the one signed: sts.us-east-1 and the global host both served; a different Host is refused', async () => {
      for (const host of ['sts.us-east-1.amazonaws.com', 'sts.amazonaws.com']) {
        const url = await presign(user.credentials, { host });
        assertIdentity(await replay(url, { host }), user.arn, user.id);
        assertSignatureMismatch(await replay(url, { host: new URL(server.url).host }));
      }
    });

    test('an EKS token (k8s-aws-v1. + base64url of the URL) decodes to a URL Tessera answers', async () => {
      const url = await presign(user.credentials, { headers: { 'x-k8s-aws-id': 'c1' } });
      const token = 'k8s-aws-v1.' + Buffer.from(`https://sts.us-east-1.amazonaws.com${url.path}?${url.query}`).toString('base64url');
      const decoded = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
      const res = await replay({ path: decoded.pathname, query: decoded.search.slice(1) }, { host: decoded.host, 'x-k8s-aws-id': 'c1' });
      assertIdentity(res, user.arn, user.id);
    });

    test('a replay within the window is answered again (STS keeps no nonce)', async () => {
      const url = await presign(user.credentials, { headers: { 'x-k8s-aws-id': 'c1' } });
      const headers = { host: 'sts.us-east-1.amazonaws.com', 'x-k8s-aws-id': 'c1' };
      const first = await replay(url, headers);
      const second = await replay(url, headers);
      assertIdentity(first, user.arn, user.id);
      assertIdentity(second, user.arn, user.id);
      assert.notEqual(xmlText(first.body, 'RequestId'), xmlText(second.body, 'RequestId'));
    });

    test('a tampered query (X-Amz-Expires raised, Action changed, a parameter added) → SignatureDoesNotMatch', async () => {
      const url = await presign(user.credentials);
      const headers = { host: 'sts.us-east-1.amazonaws.com' };
      assertSignatureMismatch(await replay({ path: url.path, query: url.query.replace('X-Amz-Expires=60', 'X-Amz-Expires=900') }, headers));
      assertSignatureMismatch(await replay({ path: url.path, query: url.query.replace('Action=GetCallerIdentity', 'Action=GetSessionToken') }, headers));
      assertSignatureMismatch(await replay({ path: url.path, query: `${url.query}&DurationSeconds=900` }, headers));
      const sig = queryParam(url.query, 'X-Amz-Signature')!;
      const flipped = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
      assertSignatureMismatch(await replay({ path: url.path, query: url.query.replace(sig, flipped) }, headers));
    });
  });

  describe('expiry: STS ignores X-Amz-Expires and keeps a presigned GetCallerIdentity for 15 minutes', () => {
    test('X-Amz-Expires=60 used 2 and 14 minutes later: still answered, as STS answers it (EKS tokens are cached for 14 minutes)', async () => {
      const signedAt = clock.now();
      const url = await presign(user.credentials, { expiresIn: 60, date: signedAt, headers: { 'x-k8s-aws-id': 'c1' } });
      const headers = { host: 'sts.us-east-1.amazonaws.com', 'x-k8s-aws-id': 'c1' };
      try {
        clock.set(new Date(signedAt.getTime() + 59_000));
        assertIdentity(await replay(url, headers), user.arn, user.id);
        clock.set(new Date(signedAt.getTime() + 120_000));
        assertIdentity(await replay(url, headers), user.arn, user.id);
        clock.set(new Date(signedAt.getTime() + 14 * 60_000));
        assertIdentity(await replay(url, headers), user.arn, user.id);
      } finally {
        clock.set(START);
      }
    });

    test('past 15 minutes after X-Amz-Date → RequestExpired (400), whatever X-Amz-Expires says (60 or 3600)', async () => {
      const signedAt = clock.now();
      const short = await presign(user.credentials, { expiresIn: 60, date: signedAt });
      const long = await presign(user.credentials, { expiresIn: 3600, date: signedAt });
      const headers = { host: 'sts.us-east-1.amazonaws.com' };
      try {
        clock.set(new Date(signedAt.getTime() + 16 * 60_000));
        for (const url of [short, long]) {
          const res = await replay(url, headers);
          assert.equal(res.status, 400, `X-Amz-Expires=${queryParam(url.query, 'X-Amz-Expires')}: ${res.status} ${res.body}`);
          assert.equal(xmlText(res.body, 'Code'), 'RequestExpired');
        }
      } finally {
        clock.set(START);
      }
    });
  });

  describe('signed POST replayed as sent (Vault\'s AWS IAM auth method)', () => {
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';

    async function signPost(credentials: Credentials, headers: Record<string, string>): Promise<Record<string, string>> {
      const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials, sha256: Sha256, uriEscapePath: true, applyChecksum: true });
      const signed = await signer.sign(
        { method: 'POST', protocol: 'https:', hostname: 'sts.amazonaws.com', path: '/', query: {}, headers: { host: 'sts.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers }, body } as never,
        { signingDate: clock.now() },
      ) as unknown as { headers: Record<string, string> };
      return signed.headers;
    }

    test('with a signed X-Vault-AWS-IAM-Server-ID: answered (role session and user)', async () => {
      const headers = await signPost(roleSession.credentials, { 'X-Vault-AWS-IAM-Server-ID': 'vault.example.com' });
      assert.match(String(headers['authorization']), /SignedHeaders=[^,]*x-vault-aws-iam-server-id/);
      assert.equal(headers['x-amz-security-token'], roleSession.credentials.sessionToken);
      const res = await sendRaw(server.url, { method: 'POST', path: '/', headers, body });
      assertIdentity(res, roleSession.arn, `${roleSession.roleId}:i-0abc`);
      const again = await sendRaw(server.url, { method: 'POST', path: '/', headers, body });
      assertIdentity(again, roleSession.arn, `${roleSession.roleId}:i-0abc`);
      const userHeaders = await signPost(user.credentials, { 'X-Vault-AWS-IAM-Server-ID': 'vault.example.com' });
      assertIdentity(await sendRaw(server.url, { method: 'POST', path: '/', headers: userHeaders, body }), user.arn, user.id);
    });

    test('the signed server-ID header dropped or changed, or the body changed → SignatureDoesNotMatch', async () => {
      const headers = await signPost(user.credentials, { 'X-Vault-AWS-IAM-Server-ID': 'vault.example.com' });
      const withoutId = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'x-vault-aws-iam-server-id'));
      assert.equal(Object.keys(withoutId).length, Object.keys(headers).length - 1);
      assertSignatureMismatch(await sendRaw(server.url, { method: 'POST', path: '/', headers: withoutId, body }));
      assertSignatureMismatch(await sendRaw(server.url, { method: 'POST', path: '/', headers: { ...withoutId, 'X-Vault-AWS-IAM-Server-ID': 'attacker.example.com' }, body }));
      const { ['x-amz-content-sha256']: _declared, ...undeclared } = headers;
      assertSignatureMismatch(await sendRaw(server.url, { method: 'POST', path: '/', headers: undeclared, body: 'Action=GetCallerIdentity&Version=2011-06-15&X=1' }));
    });
  });

  describe('Accept: application/json (aws-iam-authenticator\'s verifier asks for JSON)', () => {
    test('a presigned GET with Accept: application/json is answered in STS\'s JSON envelope', async () => {
      const url = await presign(roleSession.credentials, { headers: { 'x-k8s-aws-id': 'c1' } });
      const res = await replay(url, { host: 'sts.us-east-1.amazonaws.com', 'x-k8s-aws-id': 'c1', accept: 'application/json' });
      assert.equal(res.status, 200, res.body);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      let parsed: any;
      assert.doesNotThrow(() => { parsed = JSON.parse(res.body); }, `not JSON: ${res.body.slice(0, 120)}`);
      assert.deepEqual(parsed, {
        GetCallerIdentityResponse: {
          GetCallerIdentityResult: { Account: account, Arn: roleSession.arn, UserId: `${roleSession.roleId}:i-0abc` },
          ResponseMetadata: { RequestId: res.headers['x-amzn-requestid'] },
        },
      });
    });

    test('without Accept (or Accept: */*) the answer stays XML', async () => {
      const url = await presign(user.credentials);
      for (const accept of [undefined, '*/*']) {
        const res = await replay(url, { host: 'sts.us-east-1.amazonaws.com', ...(accept ? { accept } : {}) });
        assert.equal(res.status, 200, res.body);
        assert.match(res.body, /<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
        assert.match(String(res.headers['content-type']), /^text\/xml/);
      }
    });
  });

  describe('boto3 generate_presigned_url(\'get_caller_identity\')', () => {
    function boto3Presign(credentials: Credentials, expiresIn: number, httpMethod?: 'GET'): string {
      const script = [
        'import boto3, json, sys',
        'a = json.loads(sys.argv[1])',
        's = boto3.session.Session(aws_access_key_id=a["k"], aws_secret_access_key=a["s"], aws_session_token=a.get("t"), region_name="us-east-1")',
        'c = s.client("sts", endpoint_url=a["e"])',
        'kw = {"HttpMethod": a["m"]} if a.get("m") else {}',
        'print(c.generate_presigned_url("get_caller_identity", Params={}, ExpiresIn=a["x"], **kw))',
      ].join('\n');
      const arg = JSON.stringify({ k: credentials.accessKeyId, s: credentials.secretAccessKey, t: credentials.sessionToken, e: server.url, x: expiresIn, m: httpMethod });
      const out = spawnSync('python3', ['-c', script, arg], {
        encoding: 'utf8', timeout: 20_000,
        env: { PATH: process.env['PATH'] ?? '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' },
      });
      assert.equal(out.status, 0, out.stderr);
      return out.stdout.trim();
    }

    // botocore signs a presigned URL with the operation's HTTP method (POST for STS) unless
    // HttpMethod is given: the URL is then good for that method only — SigV4's canonical
    // request starts with the method, so STS refuses it otherwise.
    test('HttpMethod=GET URLs of a user and an assumed role (ExpiresIn=60) are answered to a GET with their identity', async (t) => {
      if (spawnSync('python3', ['-c', 'import boto3'], { timeout: 10_000 }).status !== 0) return t.skip('boto3 not installed');
      clock.set(new Date()); // boto3 signs with the real clock
      try {
        const cases = [
          { credentials: user.credentials, arn: user.arn, id: user.id },
          { credentials: roleSession.credentials, arn: roleSession.arn, id: `${roleSession.roleId}:i-0abc` },
        ];
        for (const c of cases) {
          const url = new URL(boto3Presign(c.credentials, 60, 'GET'));
          assert.equal(url.searchParams.get('Action'), 'GetCallerIdentity');
          assert.equal(url.searchParams.get('X-Amz-Expires'), '60');
          assert.equal(url.searchParams.get('X-Amz-Security-Token'), c.credentials.sessionToken ?? null);
          const res = await sendRaw(server.url, { method: 'GET', path: url.pathname, query: url.search.slice(1), headers: { host: url.host } });
          assertIdentity(res, c.arn, c.id);
        }
      } finally {
        clock.set(START);
      }
    });

    test('the default URL (signed for POST) is answered to a bodiless POST and refused to a GET', async (t) => {
      if (spawnSync('python3', ['-c', 'import boto3'], { timeout: 10_000 }).status !== 0) return t.skip('boto3 not installed');
      clock.set(new Date());
      try {
        const url = new URL(boto3Presign(roleSession.credentials, 900));
        const target = { path: url.pathname, query: url.search.slice(1), headers: { host: url.host } };
        assertIdentity(await sendRaw(server.url, { method: 'POST', ...target }), roleSession.arn, `${roleSession.roleId}:i-0abc`);
        assertSignatureMismatch(await sendRaw(server.url, { method: 'GET', ...target }));
      } finally {
        clock.set(START);
      }
    });
  });
});
