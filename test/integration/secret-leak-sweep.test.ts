import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  AttachUserPolicyCommand, ChangePasswordCommand, CreateAccessKeyCommand, CreateLoginProfileCommand, CreateOpenIDConnectProviderCommand, CreateRoleCommand,
  CreateSAMLProviderCommand, CreateServiceSpecificCredentialCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand,
  EnableOrganizationsRootSessionsCommand, PutUserPolicyCommand, ResetServiceSpecificCredentialCommand, UpdateLoginProfileCommand, UploadServerCertificateCommand,
} from '@aws-sdk/client-iam';
import {
  AssumeRoleCommand, AssumeRoleWithSAMLCommand, AssumeRoleWithWebIdentityCommand, AssumeRootCommand, GetFederationTokenCommand, GetSessionTokenCommand,
} from '@aws-sdk/client-sts';
import { CreateAccountCommand, CreateOrganizationCommand, EnableAWSServiceAccessCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createHash, createHmac } from 'node:crypto';
import { jsonLogger } from '../../src/server/logger.ts';
import { parseUpstreams } from '../../src/gateway/upstreams.ts';
import { signRequest } from '../../src/sigv4/index.ts';
import { jwksTagsFor } from '../../src/iam/providers/jwks-tags.ts';
import { startTestIdp, type TestIdp } from '../../src/federation/test-idp/oidc-idp.ts';
import { spawn } from 'node:child_process';
import { issueCertificate } from '../support/certificates.ts';
import { findPostgresBinDir, startPostgresCluster } from '../support/postgres-cluster.ts';
import { startMoto, type MotoServer } from '../support/moto-server.ts';
import { sendRaw, signedJson, signedQuery, type RawResponse } from '../support/raw-request.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * An attacker's secret-leak sweep. Every operation that carries a secret is made once with a
 * recognizable value (or its server-made secret is taken from the answer), then every place a
 * reader other than the secret's owner can see is searched for it — raw, base64 (each of the
 * three alignments), base64url, hex, JSON-escaped and URL-encoded:
 *   (a) CloudTrail LookupEvents answers (the CloudTrailEvent JSON),
 *   (b) the files a trail delivered (management and data events),
 *   (c) the server's log lines at debug level (a superset of the default level's),
 *   (d) the raw bytes of the SQLite files (store and audit, with their -wal) before and after
 *       the server's close checkpoints them,
 *   (e) error messages answered to other principals,
 *   (f) reports: the credential report, GetAccountAuthorizationDetails, service last accessed
 *       details, and the listings of credentials.
 * And where the operation must still work, that it did (the allowed reader gets the secret).
 */

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (action: string | string[], resource: string | string[] = '*') => ({ Effect: 'Allow', Action: action, Resource: resource });
const tag = randomBytes(4).toString('hex');
/** A recognizable value: LKM (leak marker), what it is, a random suffix. */
const marker = (what: string) => `LKM${what}${tag}${randomBytes(6).toString('hex')}`;
/** A password of the default policy's classes around a marker. */
const password = (what: string) => `Aa1!${marker(what)}`;

interface Secret { label: string; value: string | Buffer; }

/** The forms a secret can take on the wire or in a file; none shorter than 10 bytes. */
function formsOf(value: string | Buffer): Buffer[] {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const forms = new Set<string>();
  const text = bytes.toString('utf8');
  if (typeof value === 'string') {
    forms.add(text);
    forms.add(JSON.stringify(text).slice(1, -1));
    forms.add(JSON.stringify(JSON.stringify(text)).slice(1, -1));
    forms.add(encodeURIComponent(text));
    forms.add(new URLSearchParams({ v: text }).toString().slice(2));
  }
  forms.add(bytes.toString('hex'));
  forms.add(bytes.toString('hex').toUpperCase());
  // base64 of the value at each of the three offsets it can start at within a longer value:
  // the characters that depend only on the value's own bytes.
  for (let shift = 0; shift < 3; shift++) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    const start = shift === 0 ? 0 : 4;
    for (const alphabet of ['base64', 'base64url'] as const) {
      const encoded = shifted.toString(alphabet).replace(/=+$/, '');
      const stable = encoded.slice(start, Math.floor(shifted.length / 3) * 4);
      if (stable.length >= 12) forms.add(stable);
    }
  }
  const found: Buffer[] = [...forms].filter((form) => form.length >= 10).map((form) => Buffer.from(form, 'utf8'));
  if (typeof value !== 'string') found.push(bytes);
  return found;
}

function leaksIn(sinks: Record<string, Buffer>, secrets: readonly Secret[]): string[] {
  const leaks: string[] = [];
  for (const secret of secrets) {
    const forms = formsOf(secret.value);
    for (const [where, bytes] of Object.entries(sinks)) {
      for (const form of forms) {
        const at = bytes.indexOf(form);
        if (at >= 0) {
          leaks.push(`${secret.label} in ${where} (as ${form.toString('utf8').slice(0, 24)}…): …${bytes.subarray(Math.max(0, at - 120), at + 40).toString('utf8').replace(/\s+/g, ' ')}…`);
          break;
        }
      }
    }
  }
  return leaks;
}

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits) from a base32 seed. */
function totp(seed: string, at = Date.now(), steps = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of seed.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000) + steps));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1]! & 0xf;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

describe('secret-leak sweep: no secret in audit, trails, logs, the store files, errors or reports', () => {
  let base: string;
  let trailDir: string;
  let dataDir: string;
  let moto: MotoServer;
  let server: TestServer;
  let idp: TestIdp;
  const logLines: string[] = [];
  /** Secrets nobody but their owner may see again. */
  const secrets: Secret[] = [];
  /** Every answer another principal got (denied callers), and every report's raw answer. */
  const foreignAnswers: string[] = [];
  const reports: string[] = [];
  const clients: { destroy(): void }[] = [];
  /** What must still work, checked in the first test. */
  const worked: Record<string, boolean> = {};
  let account = '';
  let mfaCodes: string[] = [];
  let badTokenCode = '';
  const upstreamSecret = marker('UpstreamSecret');

  const json = (credentials: Credentials, service: string, target: string, payload: object) => signedJson(server.url, credentials, target, payload, { service });
  const sm = (c: Credentials, op: string, p: object) => json(c, 'secretsmanager', `secretsmanager.${op}`, p);
  const ssm = (c: Credentials, op: string, p: object) => json(c, 'ssm', `AmazonSSM.${op}`, p);
  const kms = (c: Credentials, op: string, p: object) => json(c, 'kms', `TrentService.${op}`, p);
  const cloudtrail = (c: Credentials, op: string, p: object) => json(c, 'cloudtrail', `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.${op}`, p);
  const ok = (what: string, r: RawResponse) => {
    assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.body.slice(0, 400)}`);
    return r.body === '' ? {} : JSON.parse(r.body) as Record<string, any>;
  };
  async function restJson(c: Credentials, service: string, method: string, path: string, payload?: object): Promise<RawResponse> {
    const host = new URL(server.url).host;
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const signed = signRequest({ method, path, query: '', headers: { host, 'content-type': 'application/json' }, body }, c, { region: 'us-east-1', service, date: new Date() });
    return sendRaw(server.url, { method, path, headers: signed.headers, body });
  }
  async function user(name: string, statements: object[]): Promise<Credentials> {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: name }));
    if (statements.length > 0) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: doc(statements) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    secrets.push({ label: `CreateAccessKey SecretAccessKey (${name})`, value: key.SecretAccessKey! });
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  }
  const asCredentials = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined, label: string): Credentials => {
    secrets.push({ label: `${label} SecretAccessKey`, value: c!.SecretAccessKey! });
    secrets.push({ label: `${label} SessionToken`, value: c!.SessionToken! });
    return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! };
  };

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'secret-leak-sweep-'));
    trailDir = join(base, 'trails');
    dataDir = join(base, 'data');
    await mkdir(join(trailDir, 'leak-trail'), { recursive: true });
    await mkdir(dataDir, { recursive: true });
    moto = await startMoto();
    idp = await startTestIdp();
    server = await startTestServer({
      trailDir,
      dataDir,
      store: `sqlite:${join(dataDir, 'tessera.db')}`,
      logLevel: 'debug',
      gateway: {
        ...parseUpstreams([moto.url], '--upstream'),
        credentials: new Map([['*', { accessKeyId: 'test', secretAccessKey: upstreamSecret }]]),
        accountHeader: 'x-moto-account-id', mode: 'enforce',
      },
    }, { logger: jsonLogger('debug', (line) => logLines.push(line)), keepDataDir: dataDir });
    account = server.accountId;
    secrets.push({ label: 'root secret access key (--root-secret-access-key)', value: server.root.secretAccessKey });
    secrets.push({ label: 'upstream secret (--upstream-credentials)', value: upstreamSecret });
    const masterKey = (await readFile(join(dataDir, 'master.key'), 'utf8')).split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'))!.trim();
    secrets.push({ label: 'master key (master.key)', value: masterKey });
    secrets.push({ label: 'master key bytes', value: Buffer.from(masterKey, 'base64') });
    const adminToken = await readFile(join(dataDir, 'admin-token'), 'utf8').catch(() => '');
    if (adminToken.trim() !== '') secrets.push({ label: 'admin token', value: adminToken.trim() });
    const root = server.root;
    const iam = server.iam();

    // A trail delivering every management event and every S3 and Lambda data event.
    ok('CreateTrail', await cloudtrail(root, 'CreateTrail', { Name: 'leak', S3BucketName: 'leak-trail' }));
    ok('PutEventSelectors', await cloudtrail(root, 'PutEventSelectors', { TrailName: 'leak', EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }, { Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda'] }] }] }));
    ok('StartLogging', await cloudtrail(root, 'StartLogging', { Name: 'leak' }));

    // ---- IAM: access keys, passwords, service-specific credentials, MFA, certificates ----
    const alice = await user('alice', [allow(['iam:ChangePassword', 'iam:GetUser'], `arn:aws:iam::${account}:user/alice`), allow(['sts:AssumeRole', 'sts:GetFederationToken', 'sts:GetSessionToken'])]);
    const p1 = password('CreateLoginProfile');
    const p2 = password('UpdateLoginProfile');
    const p3 = password('ChangePasswordNew');
    const pWrong = password('ChangePasswordWrongOld');
    const pLong = `Aa1!${marker('PasswordTooLong').repeat(6)}`.slice(0, 140);
    secrets.push({ label: 'CreateLoginProfile Password', value: p1 }, { label: 'UpdateLoginProfile Password', value: p2 }, { label: 'ChangePassword NewPassword', value: p3 },
      { label: 'ChangePassword wrong OldPassword (refused)', value: pWrong }, { label: 'CreateLoginProfile over-long Password (refused)', value: pLong });
    await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: p1 }));
    await iam.send(new UpdateLoginProfileCommand({ UserName: 'alice', Password: p2 }));
    await server.iam(alice).send(new ChangePasswordCommand({ OldPassword: p2, NewPassword: p3 }));
    worked['ChangePassword'] = true;
    const wrongOld = await awsError(() => server.iam(alice).send(new ChangePasswordCommand({ OldPassword: pWrong, NewPassword: password('ChangePasswordUnused') })));
    foreignAnswers.push(wrongOld.message);
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    const tooLong = await awsError(() => iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: pLong })));
    worked['over-long password refused'] = tooLong.name === 'ValidationError';
    const weak = marker('weakpassword').toLowerCase();
    secrets.push({ label: 'CreateLoginProfile password refused by the policy', value: weak });
    await awsError(() => iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: weak })));

    const ssc = (await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' }))).ServiceSpecificCredential!;
    secrets.push({ label: 'CreateServiceSpecificCredential ServicePassword', value: ssc.ServicePassword! });
    const reset = (await iam.send(new ResetServiceSpecificCredentialCommand({ UserName: 'alice', ServiceSpecificCredentialId: ssc.ServiceSpecificCredentialId! }))).ServiceSpecificCredential!;
    secrets.push({ label: 'ResetServiceSpecificCredential ServicePassword', value: reset.ServicePassword! });
    worked['service password reset'] = reset.ServicePassword !== ssc.ServicePassword;
    const bedrock = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'bedrock.amazonaws.com', CredentialAgeDays: 1 })).catch(() => undefined);
    if (bedrock?.ServiceSpecificCredential?.ServiceCredentialSecret) secrets.push({ label: 'CreateServiceSpecificCredential ServiceCredentialSecret (API key)', value: bedrock.ServiceSpecificCredential.ServiceCredentialSecret });

    const mfa = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'alice-phone' }))).VirtualMFADevice!;
    const seed = Buffer.from(mfa.Base32StringSeed!).toString('utf8');
    secrets.push({ label: 'CreateVirtualMFADevice Base32StringSeed', value: seed });
    secrets.push({ label: 'CreateVirtualMFADevice QRCodePNG (bytes 64..128)', value: Buffer.from(mfa.QRCodePNG!).subarray(64, 128) });
    mfaCodes = [totp(seed, Date.now(), -1), totp(seed, Date.now())];
    await iam.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: mfa.SerialNumber!, AuthenticationCode1: mfaCodes[0]!, AuthenticationCode2: mfaCodes[1]! }));

    const certificate = issueCertificate({ keyType: 'ec', commonName: 'leak.example.com' });
    const keyBody = certificate.privateKeyPem.split('\n').filter((l) => l !== '' && !l.startsWith('-----')).join('');
    secrets.push({ label: 'UploadServerCertificate PrivateKey', value: keyBody.slice(20, 80) });
    await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'leak', CertificateBody: certificate.certificatePem, PrivateKey: certificate.privateKeyPem }));

    // ---- STS: every credential issuer, tokens and assertions passed in ----
    await iam.send(new CreateRoleCommand({ RoleName: 'reader', AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/alice` }, Action: 'sts:AssumeRole' }]) }));
    asCredentials((await server.sts(alice).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/reader`, RoleSessionName: 'sweep' }))).Credentials, 'AssumeRole');
    const mfaCode = totp(seed, Date.now(), 1);
    mfaCodes.push(mfaCode);
    asCredentials((await server.sts(alice).send(new GetSessionTokenCommand({ SerialNumber: mfa.SerialNumber!, TokenCode: mfaCode }))).Credentials, 'GetSessionToken');
    badTokenCode = 'Zq7Xw9';
    await awsError(() => server.sts(alice).send(new GetSessionTokenCommand({ SerialNumber: mfa.SerialNumber!, TokenCode: badTokenCode })));
    asCredentials((await server.sts(alice).send(new GetFederationTokenCommand({ Name: 'fed', Policy: doc([allow('s3:ListAllMyBuckets')]) }))).Credentials, 'GetFederationToken');

    const providerUrl = idp.issuer.slice('https://'.length);
    const oidc = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: ['sts.amazonaws.com'], Tags: jwksTagsFor(idp.jwks() as never) }))).OpenIDConnectProviderArn!;
    await iam.send(new CreateRoleCommand({ RoleName: 'web', AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { Federated: oidc }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${providerUrl}:aud`]: 'sts.amazonaws.com' } } }]) }));
    const webToken = await idp.mint({ sub: 'ci-job', aud: 'sts.amazonaws.com' });
    secrets.push({ label: 'AssumeRoleWithWebIdentity WebIdentityToken', value: webToken }, { label: 'WebIdentityToken signature', value: webToken.split('.')[2]! });
    const anon = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'not-a-real-secret-0000000000000000000000' };
    asCredentials((await server.sts(anon).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${account}:role/web`, RoleSessionName: 'ci', WebIdentityToken: webToken }))).Credentials, 'AssumeRoleWithWebIdentity');
    const forgedToken = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'x', aud: 'y', iss: idp.issuer })).toString('base64url')}.${Buffer.from(marker('ForgedJwtSig')).toString('base64url')}`;
    secrets.push({ label: 'refused WebIdentityToken', value: forgedToken });
    await awsError(() => server.sts(anon).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${account}:role/web`, RoleSessionName: 'ci', WebIdentityToken: forgedToken })));

    const metadata = await (await fetch(`${idp.url}/saml/metadata`)).text();
    const samlProvider = (await iam.send(new CreateSAMLProviderCommand({ Name: 'idp', SAMLMetadataDocument: metadata }))).SAMLProviderArn!;
    const samlRole = (await iam.send(new CreateRoleCommand({ RoleName: 'saml', AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { Federated: samlProvider }, Action: 'sts:AssumeRoleWithSAML' }]) }))).Role!.Arn!;
    const minted = await fetch(`${idp.url}/saml/response`, { method: 'POST', body: JSON.stringify({ roleArn: samlRole, providerArn: samlProvider, sessionName: 'alice' }) });
    const assertion = ((await minted.json()) as { SAMLResponse: string }).SAMLResponse;
    const assertionXml = Buffer.from(assertion, 'base64').toString('utf8');
    const signatureValue = /SignatureValue>([^<]+)</.exec(assertionXml)?.[1]?.replace(/\s+/g, '') ?? '';
    secrets.push({ label: 'AssumeRoleWithSAML SAMLAssertion', value: assertion.slice(100, 200) }, { label: 'SAML assertion SignatureValue', value: signatureValue.slice(0, 60) });
    asCredentials((await server.sts(anon).send(new AssumeRoleWithSAMLCommand({ RoleArn: samlRole, PrincipalArn: samlProvider, SAMLAssertion: assertion }))).Credentials, 'AssumeRoleWithSAML');
    const forgedAssertion = Buffer.from(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${marker('ForgedSaml')}</samlp:Response>`).toString('base64');
    secrets.push({ label: 'refused SAMLAssertion', value: forgedAssertion.slice(40, 120) });
    await awsError(() => server.sts(anon).send(new AssumeRoleWithSAMLCommand({ RoleArn: samlRole, PrincipalArn: samlProvider, SAMLAssertion: forgedAssertion })));

    // AssumeRoot: an organization with a member account and root sessions enabled.
    const admin = await user('admin', []);
    await iam.send(new AttachUserPolicyCommand({ UserName: 'admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    const organizations = new OrganizationsClient({ endpoint: server.url, region: 'us-east-1', credentials: admin, maxAttempts: 1 });
    clients.push(organizations);
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const member = (await organizations.send(new CreateAccountCommand({ Email: 'member@example.com', AccountName: 'Member' }))).CreateAccountStatus!.AccountId!;
    await organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    await server.iam(admin).send(new EnableOrganizationsRootSessionsCommand({}));
    asCredentials((await server.sts(admin).send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials' } }))).Credentials, 'AssumeRoot');

    // ---- Gateway: Secrets Manager, SSM, KMS, Lambda, S3 ----
    const writer = await user('writer', [allow(['secretsmanager:*', 'ssm:*', 'kms:*', 'lambda:*', 's3:*', 'iam:PassRole'])]);
    const outsider = await user('outsider', [allow(['secretsmanager:DescribeSecret', 'ssm:GetParameter', 'ssm:GetParameters', 'ssm:DescribeParameters', 'kms:DescribeKey', 'lambda:GetFunction', 's3:ListBucket'])]);

    const s1 = marker('SecretString');
    const s2 = marker('PutSecretValueBinary');
    const s3v = marker('UpdateSecretString');
    const sLong = marker('SecretStringTooLong');
    secrets.push({ label: 'CreateSecret SecretString', value: s1 }, { label: 'PutSecretValue SecretBinary', value: Buffer.from(s2) }, { label: 'UpdateSecret SecretString', value: s3v }, { label: 'CreateSecret SecretString over the limit', value: sLong });
    ok('CreateSecret', await sm(writer, 'CreateSecret', { Name: 'db-password', ClientRequestToken: randomUUID(), SecretString: s1 }));
    const got1 = ok('GetSecretValue', await sm(writer, 'GetSecretValue', { SecretId: 'db-password' }));
    worked['GetSecretValue returns CreateSecret value'] = got1['SecretString'] === s1;
    ok('PutSecretValue', await sm(writer, 'PutSecretValue', { SecretId: 'db-password', ClientRequestToken: randomUUID(), SecretBinary: Buffer.from(s2).toString('base64') }));
    const got2 = ok('GetSecretValue', await sm(writer, 'GetSecretValue', { SecretId: 'db-password' }));
    worked['GetSecretValue returns PutSecretValue binary'] = Buffer.from(String(got2['SecretBinary']), 'base64').toString() === s2;
    ok('UpdateSecret', await sm(writer, 'UpdateSecret', { SecretId: 'db-password', ClientRequestToken: randomUUID(), SecretString: s3v }));
    const batch = await sm(writer, 'BatchGetSecretValue', { SecretIdList: ['db-password'] });
    worked['BatchGetSecretValue returns UpdateSecret value'] = batch.status === 200 && batch.body.includes(s3v);
    await sm(writer, 'CreateSecret', { Name: 'too-long', SecretString: `${sLong}${'x'.repeat(65_536)}` });
    const deniedSecret = await sm(outsider, 'GetSecretValue', { SecretId: 'db-password' });
    worked['outsider refused GetSecretValue'] = deniedSecret.status === 400 || deniedSecret.status === 403;
    foreignAnswers.push(deniedSecret.body, (await sm(outsider, 'DescribeSecret', { SecretId: 'db-password' })).body);

    const pv = marker('SecureStringValue');
    const pvLong = marker('SecureStringTooLong');
    secrets.push({ label: 'PutParameter SecureString Value', value: pv }, { label: 'PutParameter Value over the limit', value: pvLong });
    ok('PutParameter', await ssm(writer, 'PutParameter', { Name: '/app/db', Type: 'SecureString', Value: pv }));
    const param = ok('GetParameter', await ssm(writer, 'GetParameter', { Name: '/app/db', WithDecryption: true }));
    worked['GetParameter WithDecryption returns the value'] = param['Parameter']?.['Value'] === pv;
    const params = await ssm(writer, 'GetParameters', { Names: ['/app/db'], WithDecryption: true });
    worked['GetParameters WithDecryption returns the value'] = params.body.includes(pv);
    await ssm(writer, 'PutParameter', { Name: '/app/long', Type: 'SecureString', Value: `${pvLong}${'y'.repeat(9000)}` });
    // Under the AWS managed key aws/ssm any principal of the account allowed ssm:GetParameter
    // may decrypt (its key policy says so, on AWS too); under a customer managed key whose
    // policy leaves it to IAM, a caller without kms:Decrypt is refused and sees no value.
    const cmk = ok('CreateKey', await kms(writer, 'CreateKey', {}))['KeyMetadata']['KeyId'] as string;
    const pvCmk = marker('SecureStringCmk');
    secrets.push({ label: 'PutParameter SecureString Value (customer managed key)', value: pvCmk });
    ok('PutParameter', await ssm(writer, 'PutParameter', { Name: '/app/cmk', Type: 'SecureString', KeyId: cmk, Value: pvCmk }));
    worked['GetParameter WithDecryption (customer managed key) returns the value'] = ok('GetParameter', await ssm(writer, 'GetParameter', { Name: '/app/cmk', WithDecryption: true }))['Parameter']?.['Value'] === pvCmk;
    const deniedParam = await ssm(outsider, 'GetParameter', { Name: '/app/cmk', WithDecryption: true });
    worked['outsider without kms:Decrypt refused GetParameter WithDecryption'] = deniedParam.status >= 400;
    foreignAnswers.push(deniedParam.body, (await ssm(outsider, 'GetParameters', { Names: ['/app/cmk'], WithDecryption: true })).body);

    const keyId = ok('CreateKey', await kms(writer, 'CreateKey', {}))['KeyMetadata']['KeyId'] as string;
    const plaintext = marker('KmsPlaintext');
    secrets.push({ label: 'KMS Encrypt Plaintext', value: Buffer.from(plaintext) });
    const cipher = ok('Encrypt', await kms(writer, 'Encrypt', { KeyId: keyId, Plaintext: Buffer.from(plaintext).toString('base64') }))['CiphertextBlob'] as string;
    const decrypted = ok('Decrypt', await kms(writer, 'Decrypt', { CiphertextBlob: cipher }));
    worked['Decrypt returns the plaintext'] = Buffer.from(String(decrypted['Plaintext']), 'base64').toString() === plaintext;
    const dataKey = ok('GenerateDataKey', await kms(writer, 'GenerateDataKey', { KeyId: keyId, KeySpec: 'AES_256' }));
    secrets.push({ label: 'GenerateDataKey Plaintext', value: Buffer.from(String(dataKey['Plaintext']), 'base64') });
    const random = ok('GenerateRandom', await kms(writer, 'GenerateRandom', { NumberOfBytes: 32 }));
    secrets.push({ label: 'GenerateRandom Plaintext', value: Buffer.from(String(random['Plaintext']), 'base64') });
    foreignAnswers.push((await kms(outsider, 'Decrypt', { CiphertextBlob: cipher })).body);

    const envValue = marker('LambdaEnv');
    secrets.push({ label: 'Lambda CreateFunction Environment variable', value: envValue });
    const zip = Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64');
    const fn = await restJson(writer, 'lambda', 'POST', '/2015-03-31/functions', {
      FunctionName: 'leaky', Runtime: 'python3.12', Handler: 'index.handler', Role: `arn:aws:iam::${account}:role/reader`,
      Code: { ZipFile: zip.toString('base64') }, Environment: { Variables: { DB_PASSWORD: envValue } },
    });
    worked['Lambda CreateFunction forwarded'] = fn.status < 500;
    if (fn.status < 300) {
      const conf = await restJson(writer, 'lambda', 'GET', '/2015-03-31/functions/leaky/configuration');
      worked['GetFunctionConfiguration returns the variable'] = conf.body.includes(envValue);
    }
    foreignAnswers.push((await restJson(outsider, 'lambda', 'GET', '/2015-03-31/functions/leaky')).body);

    const s3 = new S3Client({ endpoint: server.url, region: 'us-east-1', credentials: writer, forcePathStyle: true, maxAttempts: 1 });
    clients.push(s3);
    await s3.send(new CreateBucketCommand({ Bucket: 'leak-bucket' }));
    const customerKey = Buffer.from(marker('SseC').padEnd(32, 'k').slice(0, 32));
    secrets.push({ label: 'S3 SSE-C customer key', value: customerKey });
    const ssec = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey.toString('base64'), SSECustomerKeyMD5: createHash('md5').update(customerKey).digest('base64') };
    const body = marker('ObjectBody');
    await s3.send(new PutObjectCommand({ Bucket: 'leak-bucket', Key: 'obj', Body: body, ...ssec }));
    const fetched = await s3.send(new GetObjectCommand({ Bucket: 'leak-bucket', Key: 'obj', ...ssec }));
    worked['SSE-C GetObject returns the body'] = (await fetched.Body!.transformToString()) === body;
    await s3.send(new PutObjectCommand({ Bucket: 'leak-bucket', Key: 'plain', Body: 'plain' }));
    const presigned = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'leak-bucket', Key: 'plain' }), { expiresIn: 300 });
    const presignedSignature = new URL(presigned).searchParams.get('X-Amz-Signature')!;
    secrets.push({ label: 'presigned URL X-Amz-Signature', value: presignedSignature });
    const viaUrl = await fetch(presigned);
    worked['presigned GetObject'] = viaUrl.status === 200 && (await viaUrl.text()) === 'plain';
    // The Authorization header signature of a signed call.
    const signed = signRequest({ method: 'POST', path: '/', query: '', headers: { host: new URL(server.url).host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: 'Action=ListUsers&Version=2010-05-08' }, root, { region: 'us-east-1', service: 'iam', date: new Date() });
    const headerSignature = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['Authorization']))![1]!;
    secrets.push({ label: 'Authorization header Signature', value: headerSignature });
    await sendRaw(server.url, { method: 'POST', path: '/', headers: signed.headers, body: 'Action=ListUsers&Version=2010-05-08' });

    // ---- Reports another principal may read ----
    await signedQuery(server.url, root, { Action: 'GenerateCredentialReport', Version: '2010-05-08' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const reportCalls: Record<string, string>[] = [
      { Action: 'GetCredentialReport' }, { Action: 'GetAccountAuthorizationDetails' }, { Action: 'ListServiceSpecificCredentials', UserName: 'alice' },
      { Action: 'ListVirtualMFADevices' }, { Action: 'GetLoginProfile', UserName: 'alice' }, { Action: 'ListAccessKeys', UserName: 'alice' },
      { Action: 'GetServerCertificate', ServerCertificateName: 'leak' }, { Action: 'GetUser', UserName: 'alice' }, { Action: 'ListSSHPublicKeys', UserName: 'alice' },
    ];
    for (const params of reportCalls) {
      const answer = await signedQuery(server.url, root, { ...params, Version: '2010-05-08' });
      reports.push(answer.body);
      if (params.Action === 'GetCredentialReport') {
        const content = /<Content>([^<]+)</.exec(answer.body)?.[1];
        if (content) reports.push(Buffer.from(content, 'base64').toString('utf8'));
      }
    }
    const job = /<JobId>([^<]+)</.exec((await signedQuery(server.url, root, { Action: 'GenerateServiceLastAccessedDetails', Arn: `arn:aws:iam::${account}:user/alice`, Version: '2010-05-08' })).body)?.[1];
    if (job) reports.push((await signedQuery(server.url, root, { Action: 'GetServiceLastAccessedDetails', JobId: job, Version: '2010-05-08' })).body);
  });

  after(async () => {
    for (const client of clients) client.destroy();
    await server?.stop();
    await idp?.close();
    await moto?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  test('each operation carrying a secret did what it must (the allowed reader gets the secret back)', () => {
    for (const [what, done] of Object.entries(worked)) assert.ok(done, what);
    assert.ok(secrets.length >= 35, `${secrets.length} secrets`);
  });

  test('the search finds a secret in each of its forms (a control: no false "clean")', () => {
    const value = marker('Control');
    const bytes = Buffer.from(value);
    for (const planted of [value, JSON.stringify(JSON.stringify({ v: value })), encodeURIComponent(`a b ${value}`), bytes.toString('hex'),
      Buffer.concat([Buffer.from('x'), bytes]).toString('base64'), Buffer.concat([Buffer.from('xy'), bytes]).toString('base64url'), bytes.toString('base64')]) {
      assert.equal(leaksIn({ sink: Buffer.from(`prefix ${planted} suffix`) }, [{ label: 'control', value }]).length, 1, planted);
      assert.equal(leaksIn({ sink: Buffer.from(`prefix ${planted} suffix`) }, [{ label: 'control', value: bytes }]).length, 1, planted);
    }
  });

  test('(a) LookupEvents: no secret in any CloudTrailEvent', async () => {
    const pages: string[] = [];
    let next: string | undefined;
    do {
      const page = ok('LookupEvents', await cloudtrail(server.root, 'LookupEvents', { MaxResults: 50, ...(next ? { NextToken: next } : {}) }));
      pages.push(JSON.stringify(page));
      next = page['NextToken'];
    } while (next);
    const all = pages.join('\n');
    assert.ok(all.includes('CreateLoginProfile') && all.includes('AssumeRoleWithSAML') && all.includes('PutSecretValue'), 'the events are there');
    assert.deepEqual(leaksIn({ LookupEvents: Buffer.from(all) }, secrets), []);
  });

  test('(a) MFA codes and a malformed TokenCode are in no event', async () => {
    const events = await server.tessera.deps.store.listAudit({ limit: 100_000 });
    const text = JSON.stringify(events);
    for (const code of mfaCodes) assert.ok(!text.includes(`"${code}"`), `MFA code ${code} recorded`);
    assert.ok(!text.includes(badTokenCode), `the malformed TokenCode ${badTokenCode} is recorded: ${text.slice(Math.max(0, text.indexOf(badTokenCode) - 300), text.indexOf(badTokenCode) + 40)}`);
  });

  test('(b) trail files (management and data events): no secret', async () => {
    await server.tessera.deps.audit.flush();
    await server.tessera.deliverTrails();
    const files = await filesUnder(join(trailDir, 'leak-trail'));
    const bytes = Buffer.concat(await Promise.all(files.map(async (f) => {
      const raw = await readFile(f);
      return f.endsWith('.gz') ? gunzipSync(raw) : raw;
    })));
    assert.ok(bytes.includes('UpdateSecret') && bytes.includes('GetObject'), 'management and data events were delivered');
    assert.deepEqual(leaksIn({ 'trail files': bytes }, secrets), []);
  });

  test('(c) log lines at debug level: no secret', () => {
    const logs = Buffer.from(logLines.join(''));
    assert.ok(logLines.some((l) => l.includes('"msg":"request"')), 'requests were logged');
    assert.deepEqual(leaksIn({ 'debug log': logs }, secrets), []);
  });

  test('(e)(f) answers to other principals and reports: no secret', () => {
    assert.ok(reports.some((r) => r.includes('alice')));
    assert.deepEqual(leaksIn({ 'answers to other principals': Buffer.from(foreignAnswers.join('\n')), reports: Buffer.from(reports.join('\n')) }, secrets), []);
  });

  test('(d) raw SQLite files, with their WAL, before and after the close checkpoint: no secret', async () => {
    await server.tessera.deps.audit.flush();
    const read = async () => Buffer.concat(await Promise.all((await readdir(dataDir)).filter((n) => /\.db(-wal|-shm|-journal)?$/.test(n)).map((n) => readFile(join(dataDir, n)))));
    const open = await read();
    assert.ok(open.length > 50_000);
    const openLeaks = leaksIn({ 'store files (open)': open }, secrets.filter((s) => !s.label.startsWith('master key')));
    await server.stop();
    const closed = await read();
    const closedLeaks = leaksIn({ 'store files (closed)': closed }, secrets.filter((s) => !s.label.startsWith('master key')));
    server = { stop: async () => {} } as unknown as TestServer;
    assert.deepEqual([...openLeaks, ...closedLeaks], []);
  });
});

/**
 * (c) `tessera serve` itself, as an operator runs it, at --log-level debug: everything it
 * writes to stdout and stderr (banner, JSON log lines, worker messages) while it starts,
 * answers requests carrying secrets and stops. Its secret flags — the root secret, the master
 * key, upstream credentials, a PostgreSQL password in --store — never appear.
 */
describe('secret-leak sweep: tessera serve output (stdout and stderr) with secret flags', { skip: findPostgresBinDir() === undefined && 'PostgreSQL binaries (initdb, pg_ctl) not installed' }, () => {
  test('no flag secret and no request secret in what serve prints, one process and several', async () => {
    const cluster = await startPostgresCluster();
    const base = await mkdtemp(join(tmpdir(), 'secret-leak-sweep-serve-'));
    try {
      for (const workers of ['1', '2']) {
        const database = new URL(await cluster.createDatabase(`leak_${workers}`));
        // The cluster trusts loopback: a password in the URL is accepted (and ignored) by the server.
        const pgPassword = marker('PgPassword');
        database.password = pgPassword;
        const rootSecret = marker('RootSecret').padEnd(40, 'r');
        const masterKey = randomBytes(32).toString('base64');
        const upstreamSecret = marker('UpstreamCred');
        const node = process.execPath;
        const child = spawn(node, ['src/cli/main.ts', 'serve', '--port', '0', '--workers', workers, '--data-dir', join(base, workers), '--store', database.toString(),
          '--root-access-key-id', 'AKIAROOTLEAKSWEEP001', '--root-secret-access-key', rootSecret, '--master-key', masterKey, '--log-level', 'debug',
          '--upstream', 'http://127.0.0.1:9', '--upstream-credentials', `*=AKIAUPSTREAM:${upstreamSecret}`], { cwd: join(import.meta.dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
        child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
        const closed = new Promise((resolve) => child.once('close', resolve));
        const deadline = Date.now() + 30_000;
        while (!/listening on (http:\/\/[^\s]+)/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
        const url = /listening on (http:\/\/[^\s]+)/.exec(out)?.[1];
        assert.ok(url, out);
        const root = { accessKeyId: 'AKIAROOTLEAKSWEEP001', secretAccessKey: rootSecret };
        await signedQuery(url, root, { Action: 'CreateUser', UserName: 'u', Version: '2010-05-08' });
        const loginPassword = password('ServeLoginProfile');
        await signedQuery(url, root, { Action: 'CreateLoginProfile', UserName: 'u', Password: loginPassword, Version: '2010-05-08' });
        const created = await signedQuery(url, root, { Action: 'CreateAccessKey', UserName: 'u', Version: '2010-05-08' });
        const userSecret = /<SecretAccessKey>([^<]+)</.exec(created.body)?.[1] ?? '';
        assert.ok(userSecret.length >= 40, created.body);
        const secretValue = marker('ServeSecretString');
        // Forwarded to an upstream that is not there: the failure is logged.
        await signedJson(url, root, 'secretsmanager.CreateSecret', { Name: 's', SecretString: secretValue }, { service: 'secretsmanager' });
        child.kill('SIGTERM');
        await closed;
        assert.match(out, /Tessera stopped/);
        const leaks = leaksIn({ [`serve output (--workers ${workers})`]: Buffer.from(out) }, [
          { label: 'PostgreSQL password in --store', value: pgPassword }, { label: '--root-secret-access-key', value: rootSecret },
          { label: '--master-key', value: masterKey }, { label: '--master-key bytes', value: Buffer.from(masterKey, 'base64') },
          { label: '--upstream-credentials secret', value: upstreamSecret }, { label: 'CreateLoginProfile Password', value: loginPassword },
          { label: 'CreateAccessKey SecretAccessKey', value: userSecret }, { label: 'forwarded SecretString', value: secretValue },
        ]);
        assert.deepEqual(leaks, []);
      }
    } finally {
      await cluster.stop();
      await rm(base, { recursive: true, force: true });
    }
  });
});
