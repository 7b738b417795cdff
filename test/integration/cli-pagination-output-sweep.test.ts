import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  AddRoleToInstanceProfileCommand, AddUserToGroupCommand, AttachGroupPolicyCommand, AttachRolePolicyCommand, AttachUserPolicyCommand, CreateAccessKeyCommand,
  CreateAccountAliasCommand, CreateGroupCommand, CreateInstanceProfileCommand, CreateOpenIDConnectProviderCommand, CreatePolicyCommand,
  CreatePolicyVersionCommand, CreateRoleCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, PutRolePolicyCommand, PutUserPolicyCommand,
  TagRoleCommand, TagUserCommand, UploadServerCertificateCommand, UploadSigningCertificateCommand, UploadSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import { awsCliAvailable, awsEnv } from '../support/cli-process.ts';
import { issueCertificate } from '../support/certificates.ts';
import { signedJson, signedQuery } from '../support/raw-request.ts';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { createAccount } from '../../src/iam/accounts.ts';
import { parseSshPublicKey } from '../../src/iam/certificates/ssh-key.ts';

/**
 * The aws CLI as users run it, over Tessera's own services: every paginated IAM listing
 * walked with `--page-size 1` (the CLI follows the server's Marker one item at a time) and
 * with `--max-items 2` then `--starting-token` (the CLI's own token wrapping the server's
 * Marker), each giving the whole set exactly once and in one order; a Marker from another
 * listing refused with IAM's "Invalid Marker."; MaxItems outside 1..1000 refused with IAM's
 * ValidationError text. Then Organizations' and CloudTrail's NextToken the same way; the
 * `--output text|table` and `--query` forms; the IAM waiters; get-caller-identity for each
 * kind of caller; and the wire form of timestamps.
 *
 * The server runs in this process; the CLI runs as a child without blocking it (awsCliAsync's
 * way), several at once where the calls are independent.
 */

const skip = awsCliAvailable() ? false : 'the aws CLI is not installed (`aws --version` failed)';

interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  json: any;
}

const cliEnv = awsEnv;

/** The CLI's pagination token: base64 of a JSON object holding the service's own token. */
function cliToken(inner: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(inner)).toString('base64');
}
function openCliToken(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
}

/** IAM's wire form of a timestamp: ISO 8601 in UTC, as AWS's examples show ("2015-06-02T23:19:44Z"). */
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('the aws CLI as users run it: pagination, output forms, waiters', { skip }, () => {
  let server: TestServer;
  let account: string;
  let usersMarker: string;

  function cli(args: string[], credentials: Credentials = server.root, output = 'json'): Promise<CliResult> {
    return new Promise((resolve) => {
      execFile('aws', ['--endpoint-url', server.url, '--output', output, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: cliEnv(credentials) }, (error, stdout, stderr) => {
        let json: any;
        try {
          json = output === 'json' && stdout.trim() ? JSON.parse(stdout) : undefined;
        } catch {
          json = undefined;
        }
        const status = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
        resolve({ status, stdout, stderr, json });
      });
    });
  }

  async function ok(args: string[], credentials: Credentials = server.root, output = 'json'): Promise<any> {
    const r = await cli(args, credentials, output);
    assert.equal(r.status, 0, `aws ${args.join(' ')}: ${r.stderr}`);
    return output === 'json' ? r.json : r.stdout;
  }

  async function fails(args: string[], credentials: Credentials = server.root): Promise<string> {
    const r = await cli(args, credentials);
    assert.notEqual(r.status, 0, `aws ${args.join(' ')} should have failed: ${r.stdout}`);
    return r.stderr;
  }

  const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

  before(async () => {
    server = await startTestServer();
    account = server.accountId;
    const iam = server.iam();
    for (const name of ['Carol', 'alice', 'bob', 'Dave']) await iam.send(new CreateUserCommand({ UserName: name }));
    for (const name of ['Zeta', 'alpha', 'Beta']) await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }));
    for (const name of ['gb', 'Ga', 'gc']) await iam.send(new CreateGroupCommand({ GroupName: name }));
    for (const name of ['Dave', 'alice', 'Carol']) await iam.send(new AddUserToGroupCommand({ GroupName: 'gb', UserName: name }));
    for (const name of ['pB', 'pa', 'pc']) await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: DOC }));
    const pa = `arn:aws:iam::${account}:policy/pa`;
    for (let i = 0; i < 3; i++) await iam.send(new CreatePolicyVersionCommand({ PolicyArn: pa, PolicyDocument: DOC, SetAsDefault: i === 1 }));
    for (const name of ['pB', 'pa', 'pc']) await iam.send(new AttachRolePolicyCommand({ RoleName: 'alpha', PolicyArn: `arn:aws:iam::${account}:policy/${name}` }));
    for (const name of ['bob', 'alice']) await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: pa }));
    for (const name of ['gc', 'Ga']) await iam.send(new AttachGroupPolicyCommand({ GroupName: name, PolicyArn: pa }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'Beta', PolicyArn: pa }));
    for (const name of ['in-b', 'In-A', 'in-c']) await iam.send(new PutRolePolicyCommand({ RoleName: 'alpha', PolicyName: name, PolicyDocument: DOC }));
    for (const name of ['u2', 'U1', 'u3']) await iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: name, PolicyDocument: DOC }));
    for (let i = 0; i < 2; i++) await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
    for (const name of ['ip-b', 'IP-A', 'ip-c']) await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ip-b', RoleName: 'alpha' }));
    await iam.send(new TagRoleCommand({ RoleName: 'alpha', Tags: [{ Key: 'team', Value: 'a' }, { Key: 'Env', Value: 'b' }, { Key: 'cost', Value: 'c' }] }));
    await iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'team', Value: 'a' }, { Key: 'Env', Value: 'b' }, { Key: 'cost', Value: 'c' }] }));
    for (const name of ['mfa-b', 'MFA-A', 'mfa-c']) await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }));
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'sweep-alias' }));
    for (let i = 0; i < 2; i++) {
      await iam.send(new UploadSigningCertificateCommand({ UserName: 'alice', CertificateBody: issueCertificate({ keyType: 'ec', commonName: `signing-${i}` }).certificatePem }));
    }
    for (let i = 0; i < 3; i++) {
      const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
      await iam.send(new UploadSSHPublicKeyCommand({ UserName: 'alice', SSHPublicKeyBody: parseSshPublicKey(pem).ssh }));
    }
    for (const name of ['cert-b', 'Cert-A', 'cert-c']) {
      const cert = issueCertificate({ keyType: 'ec', commonName: `${name}.example.com` });
      await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: name, CertificateBody: cert.certificatePem, PrivateKey: cert.privateKeyPem }));
    }
    for (const host of ['b.example.com', 'a.example.com', 'c.example.com']) {
      await iam.send(new CreateOpenIDConnectProviderCommand({ Url: `https://${host}`, ClientIDList: ['sts.amazonaws.com'], ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'] }));
    }
    const first = await ok(['iam', 'list-users', '--page-size', '1', '--max-items', '1']);
    usersMarker = openCliToken(first.NextToken).Marker as string;
    assert.ok(usersMarker, 'a server Marker inside the CLI token');
  });
  after(async () => server?.stop());

  interface Listing {
    /** The CLI command, e.g. ['iam', 'list-users']. */
    args: string[];
    /** Result keys the CLI merges across pages. */
    keys: string[];
    /** One string naming each item. */
    id: (item: any) => string;
    /** The whole set, in the order the listing must give it (undefined: any order, each once). */
    expected?: string[];
    /** The set when the order is not checked. */
    members?: string[];
    /** The Query action and its parameters, for checks the CLI cannot make (MaxItems 0). */
    action: string;
    params?: Record<string, string>;
    /** Also walk it with --max-items alone (the CLI truncating one server page). */
    onePage?: boolean;
  }

  function itemsOf(out: any, keys: string[], id: (item: any) => string): string[] {
    return keys.flatMap((key) => (out?.[key] ?? []).map((item: any) => `${key}:${id(item)}`));
  }

  async function checkListing(listing: Listing): Promise<void> {
    const { args, keys, id } = listing;
    const label = args.join(' ');
    const tag = (e: string) => (keys.some((k) => e.startsWith(`${k}:`)) ? e : `${keys[0]}:${e}`);
    const [fullOut, byOne, twoAtATime] = await Promise.all([ok(args), ok([...args, '--page-size', '1']), ok([...args, '--max-items', '2', '--page-size', '1'])]);
    const full = itemsOf(fullOut, keys, id);
    if (listing.expected) assert.deepEqual(full, listing.expected.map(tag), `${label}: the whole set in order`);
    if (listing.members) assert.deepEqual([...full].sort(), listing.members.map(tag).sort(), `${label}: the whole set`);
    assert.equal(new Set(full).size, full.length, `${label}: no item twice`);

    // One item per request: the CLI follows each Marker to the end.
    assert.deepEqual(itemsOf(byOne, keys, id), full, `${label} --page-size 1: the same items, the same order, each once`);
    if (full.length > 2) {
      // The server itself truncated at MaxItems 1 (its Marker in the CLI's token), not the CLI.
      assert.ok(twoAtATime.NextToken, `${label}: --max-items 2 leaves a token`);
      const inner = openCliToken(twoAtATime.NextToken);
      assert.equal(typeof inner['Marker'], 'string', `${label}: the server paged at MaxItems 1 (${JSON.stringify(inner)})`);
    }
    // With several result keys botocore empties the secondary keys of the first page after a
    // --starting-token (it assumes they were shown): the resumed walk is checked on one key only.
    if (keys.length > 1) return;
    // --max-items 2 then --starting-token: the rest, exactly once.
    const head = itemsOf(twoAtATime, keys, id);
    const rest = twoAtATime.NextToken ? itemsOf(await ok([...args, '--page-size', '1', '--starting-token', twoAtATime.NextToken]), keys, id) : [];
    assert.deepEqual([...head, ...rest], full, `${label}: --max-items 2 then --starting-token gives the whole set once, in order`);
    if (listing.onePage) {
      // The same without --page-size (the CLI truncates the server's one page itself and skips what it showed).
      const head2 = await ok([...args, '--max-items', '2']);
      const rest2 = head2.NextToken ? itemsOf(await ok([...args, '--starting-token', head2.NextToken]), keys, id) : [];
      assert.deepEqual([...itemsOf(head2, keys, id), ...rest2], full, `${label}: --max-items 2 (one server page) then --starting-token`);
    }
  }

  /** A Marker the server issued for ListUsers, given to another listing: IAM's "Invalid Marker.". */
  async function checkForeignMarker(listing: Listing): Promise<void> {
    const label = listing.args.join(' ');
    const stderr = await fails([...listing.args, '--starting-token', cliToken({ Marker: usersMarker })]);
    const operation = listing.action;
    assert.match(stderr, new RegExp(`An error occurred \\(InvalidInput\\) when calling the ${operation} operation: Invalid Marker\\.`), `${label}: ${stderr}`);
  }

  /** MaxItems outside 1..1000 (the model's maxItemsType): AWS's ValidationError text. */
  async function checkMaxItemsRange(listing: Listing): Promise<void> {
    const label = listing.args.join(' ');
    const over = await fails([...listing.args, '--page-size', '1001']);
    assert.match(over, new RegExp(`An error occurred \\(ValidationError\\) when calling the ${listing.action} operation: 1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000`), `${label}: ${over}`);
    // The CLI refuses MaxItems 0 itself (botocore checks the model's minimum): sent raw.
    const zero = await signedQuery(server.url, server.root, { Action: listing.action, Version: '2010-05-08', ...(listing.params ?? {}), MaxItems: '0' });
    assert.equal(zero.status, 400, `${label} MaxItems=0: ${zero.body}`);
    assert.match(zero.body, /<Code>ValidationError<\/Code>/, `${label}: ${zero.body}`);
    assert.match(zero.body, /<Message>1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1<\/Message>/, `${label}: ${zero.body}`);
  }

  const listings = (): Listing[] => [
    { args: ['iam', 'list-users'], keys: ['Users'], id: (u) => u.UserName, members: ['alice', 'bob', 'Carol', 'Dave'], action: 'ListUsers', onePage: true },
    { args: ['iam', 'list-roles'], keys: ['Roles'], id: (r) => r.RoleName, members: ['alpha', 'Beta', 'Zeta'], action: 'ListRoles' },
    { args: ['iam', 'list-groups'], keys: ['Groups'], id: (g) => g.GroupName, members: ['Ga', 'gb', 'gc'], action: 'ListGroups' },
    { args: ['iam', 'list-policies', '--scope', 'Local'], keys: ['Policies'], id: (p) => p.PolicyName, members: ['pa', 'pB', 'pc'], action: 'ListPolicies', params: { Scope: 'Local' } },
    {
      args: ['iam', 'list-attached-role-policies', '--role-name', 'alpha'], keys: ['AttachedPolicies'], id: (p) => p.PolicyName, members: ['pa', 'pB', 'pc'],
      action: 'ListAttachedRolePolicies', params: { RoleName: 'alpha' },
    },
    { args: ['iam', 'list-role-policies', '--role-name', 'alpha'], keys: ['PolicyNames'], id: (n) => n, members: ['In-A', 'in-b', 'in-c'], action: 'ListRolePolicies', params: { RoleName: 'alpha' } },
    { args: ['iam', 'list-user-policies', '--user-name', 'bob'], keys: ['PolicyNames'], id: (n) => n, members: ['U1', 'u2', 'u3'], action: 'ListUserPolicies', params: { UserName: 'bob' } },
    { args: ['iam', 'list-access-keys', '--user-name', 'alice'], keys: ['AccessKeyMetadata'], id: (k) => k.AccessKeyId, action: 'ListAccessKeys', params: { UserName: 'alice' } },
    {
      args: ['iam', 'list-entities-for-policy', '--policy-arn', `arn:aws:iam::${account}:policy/pa`], keys: ['PolicyGroups', 'PolicyUsers', 'PolicyRoles'],
      id: (e) => e.GroupName ?? e.UserName ?? e.RoleName,
      members: ['PolicyGroups:Ga', 'PolicyGroups:gc', 'PolicyUsers:alice', 'PolicyUsers:bob', 'PolicyRoles:alpha', 'PolicyRoles:Beta'],
      action: 'ListEntitiesForPolicy', params: { PolicyArn: `arn:aws:iam::${account}:policy/pa` },
    },
    {
      // AWS's documented example lists the newest version first (v2, then v1).
      args: ['iam', 'list-policy-versions', '--policy-arn', `arn:aws:iam::${account}:policy/pa`], keys: ['Versions'], id: (v) => `${v.VersionId}${v.IsDefaultVersion ? '*' : ''}`,
      expected: ['v4', 'v3*', 'v2', 'v1'], action: 'ListPolicyVersions', params: { PolicyArn: `arn:aws:iam::${account}:policy/pa` },
    },
    { args: ['iam', 'list-instance-profiles'], keys: ['InstanceProfiles'], id: (p) => p.InstanceProfileName, members: ['IP-A', 'ip-b', 'ip-c'], action: 'ListInstanceProfiles' },
    { args: ['iam', 'list-role-tags', '--role-name', 'alpha'], keys: ['Tags'], id: (t) => `${t.Key}=${t.Value}`, members: ['team=a', 'Env=b', 'cost=c'], action: 'ListRoleTags', params: { RoleName: 'alpha' } },
    { args: ['iam', 'list-user-tags', '--user-name', 'alice'], keys: ['Tags'], id: (t) => `${t.Key}=${t.Value}`, members: ['team=a', 'Env=b', 'cost=c'], action: 'ListUserTags', params: { UserName: 'alice' } },
    { args: ['iam', 'list-mfa-devices', '--user-name', 'alice'], keys: ['MFADevices'], id: (d) => d.SerialNumber, members: [], action: 'ListMFADevices', params: { UserName: 'alice' } },
    {
      args: ['iam', 'list-virtual-mfa-devices'], keys: ['VirtualMFADevices'], id: (d) => d.SerialNumber,
      members: ['MFA-A', 'mfa-b', 'mfa-c'].map((n) => `arn:aws:iam::${account}:mfa/${n}`), action: 'ListVirtualMFADevices',
    },
    { args: ['iam', 'list-account-aliases'], keys: ['AccountAliases'], id: (a) => a, expected: ['sweep-alias'], action: 'ListAccountAliases' },
    { args: ['iam', 'list-signing-certificates', '--user-name', 'alice'], keys: ['Certificates'], id: (c) => c.CertificateId, action: 'ListSigningCertificates', params: { UserName: 'alice' } },
    { args: ['iam', 'list-ssh-public-keys', '--user-name', 'alice'], keys: ['SSHPublicKeys'], id: (k) => k.SSHPublicKeyId, action: 'ListSSHPublicKeys', params: { UserName: 'alice' } },
    { args: ['iam', 'get-group', '--group-name', 'gb'], keys: ['Users'], id: (u) => u.UserName, members: ['alice', 'Carol', 'Dave'], action: 'GetGroup', params: { GroupName: 'gb' }, onePage: true },
    { args: ['iam', 'list-server-certificates'], keys: ['ServerCertificateMetadataList'], id: (c) => c.ServerCertificateName, members: ['Cert-A', 'cert-b', 'cert-c'], action: 'ListServerCertificates' },
    {
      args: ['iam', 'get-account-authorization-details', '--filter', 'User', 'Role', 'Group', 'LocalManagedPolicy'],
      keys: ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'], id: (e) => e.UserName ?? e.GroupName ?? e.RoleName ?? e.PolicyName,
      members: [
        ...['alice', 'bob', 'Carol', 'Dave'].map((n) => `UserDetailList:${n}`), ...['Ga', 'gb', 'gc'].map((n) => `GroupDetailList:${n}`),
        ...['alpha', 'Beta', 'Zeta'].map((n) => `RoleDetailList:${n}`), ...['pa', 'pB', 'pc'].map((n) => `Policies:${n}`),
      ],
      action: 'GetAccountAuthorizationDetails', params: { 'Filter.member.1': 'User', 'Filter.member.2': 'Role', 'Filter.member.3': 'Group', 'Filter.member.4': 'LocalManagedPolicy' },
    },
    {
      // Results follow the order of the actions asked about.
      args: ['iam', 'simulate-principal-policy', '--policy-source-arn', `arn:aws:iam::${account}:user/bob`, '--action-names', 's3:PutObject', 's3:GetObject', 'iam:ListUsers'],
      keys: ['EvaluationResults'], id: (r) => `${r.EvalActionName}=${r.EvalDecision}`,
      expected: ['s3:PutObject=implicitDeny', 's3:GetObject=allowed', 'iam:ListUsers=implicitDeny'].map((e) => `EvaluationResults:${e}`),
      action: 'SimulatePrincipalPolicy', params: { PolicySourceArn: `arn:aws:iam::${account}:user/bob`, 'ActionNames.member.1': 's3:PutObject', 'ActionNames.member.2': 's3:GetObject', 'ActionNames.member.3': 'iam:ListUsers' },
    },
  ];

  test('every paginated IAM listing: --page-size 1 and --max-items 2 + --starting-token give the whole set once, in one order', async () => {
    const all = listings();
    const failures: string[] = [];
    // Two listings at a time: each check runs several CLI processes itself.
    for (let i = 0; i < all.length; i += 2) {
      const batch = all.slice(i, i + 2);
      const results = await Promise.allSettled(batch.map((l) => checkListing(l)));
      results.forEach((r, j) => r.status === 'rejected' && failures.push(`${batch[j]!.args.slice(0, 2).join(' ')}: ${(r.reason as Error).message}`));
    }
    assert.deepEqual(failures, []);
  });

  test('every paginated IAM listing: a ListUsers Marker is refused with "Invalid Marker."', async () => {
    const others = listings().filter((l) => l.action !== 'ListUsers');
    const failures: string[] = [];
    const results = await Promise.allSettled(others.map((l) => checkForeignMarker(l)));
    results.forEach((r, j) => r.status === 'rejected' && failures.push(`${others[j]!.action}: ${(r.reason as Error).message}`));
    assert.deepEqual(failures, []);
  });

  test('every paginated IAM listing: MaxItems 0 and 1001 get AWS\'s ValidationError', async () => {
    const all = listings();
    const failures: string[] = [];
    const results = await Promise.allSettled(all.map((l) => checkMaxItemsRange(l)));
    results.forEach((r, j) => r.status === 'rejected' && failures.push(`${all[j]!.action}: ${(r.reason as Error).message}`));
    assert.deepEqual(failures, []);
  });

  test('the access keys, signing certificates and SSH keys listings hold what was made', async () => {
    const [keys, certs, ssh] = await Promise.all([
      ok(['iam', 'list-access-keys', '--user-name', 'alice', '--page-size', '1']),
      ok(['iam', 'list-signing-certificates', '--user-name', 'alice', '--page-size', '1']),
      ok(['iam', 'list-ssh-public-keys', '--user-name', 'alice', '--page-size', '1']),
    ]);
    assert.equal(keys.AccessKeyMetadata.length, 2);
    assert.equal(new Set(keys.AccessKeyMetadata.map((k: { AccessKeyId: string }) => k.AccessKeyId)).size, 2);
    assert.equal(new Set(certs.Certificates.map((c: { CertificateId: string }) => c.CertificateId)).size, 2);
    assert.equal(new Set(ssh.SSHPublicKeys.map((k: { SSHPublicKeyId: string }) => k.SSHPublicKeyId)).size, 3);
    for (const k of ssh.SSHPublicKeys) assert.match(k.SSHPublicKeyId, /^APKA[A-Z0-9]{16,}$/);
  });

  test('list-open-id-connect-providers is not paginated (no Marker in the model): all providers in one answer', async () => {
    const out = await ok(['iam', 'list-open-id-connect-providers']);
    assert.deepEqual(out.OpenIDConnectProviderList.map((p: { Arn: string }) => p.Arn).sort(),
      ['a.example.com', 'b.example.com', 'c.example.com'].map((h) => `arn:aws:iam::${account}:oidc-provider/${h}`));
    assert.deepEqual(Object.keys(out), ['OpenIDConnectProviderList']);
    // The CLI knows no paginator for it, so it has no --page-size.
    const paged = await cli(['iam', 'list-open-id-connect-providers', '--page-size', '1']);
    assert.notEqual(paged.status, 0);
    assert.match(paged.stderr, /Unknown options: --page-size/);
  });

  test('timestamps: IAM CreateDate on the wire is ISO 8601 in UTC and not in the future', async () => {
    const [users, roles, keys, versions, profiles, mfa, certs] = await Promise.all([
      ok(['iam', 'list-users']), ok(['iam', 'list-roles']), ok(['iam', 'list-access-keys', '--user-name', 'alice']),
      ok(['iam', 'list-policy-versions', '--policy-arn', `arn:aws:iam::${account}:policy/pa`]), ok(['iam', 'list-instance-profiles']),
      ok(['iam', 'list-virtual-mfa-devices']), ok(['iam', 'list-server-certificates']),
    ]);
    const stamps: string[] = [
      ...users.Users.map((u: any) => u.CreateDate), ...roles.Roles.map((r: any) => r.CreateDate), ...keys.AccessKeyMetadata.map((k: any) => k.CreateDate),
      ...versions.Versions.map((v: any) => v.CreateDate), ...profiles.InstanceProfiles.map((p: any) => p.CreateDate),
      ...certs.ServerCertificateMetadataList.map((c: any) => c.UploadDate),
    ];
    for (const c of certs.ServerCertificateMetadataList) assert.match(c.Expiration, ISO_UTC);
    // A virtual MFA device that no user has enabled has no EnableDate.
    assert.ok(mfa.VirtualMFADevices.every((d: any) => d.EnableDate === undefined && d.User === undefined));
    const now = Date.now();
    for (const stamp of stamps) {
      assert.match(stamp, ISO_UTC);
      assert.ok(Date.parse(stamp) <= now + 1000, stamp);
    }
    // Versions newest first: their CreateDates do not go up.
    const times = versions.Versions.map((v: any) => Date.parse(v.CreateDate));
    assert.deepEqual(times, [...times].sort((a: number, b: number) => b - a));
  });

  test('--query and --output text|table', async () => {
    const arn = await ok(['iam', 'get-user', '--user-name', 'alice', '--query', 'User.Arn'], server.root, 'text');
    assert.equal(arn, `arn:aws:iam::${account}:user/alice\n`);
    // A paginated listing in text: one line per item, the CLI's columns in the model's member order.
    const names = await ok(['iam', 'list-groups', '--query', 'Groups[].[GroupName,Path]'], server.root, 'text');
    assert.deepEqual(names.trim().split('\n').map((l: string) => l.split('\t')).sort(), [['Ga', '/'], ['gb', '/'], ['gc', '/']]);
    // --query over a paginated listing applies to the merged pages: the same with --page-size 1.
    const onePerPage = await ok(['iam', 'list-groups', '--query', 'Groups[].[GroupName,Path]', '--page-size', '1'], server.root, 'text');
    assert.equal(onePerPage, names);
    const table = await ok(['iam', 'get-role', '--role-name', 'alpha', '--query', 'Role.{Name:RoleName,Arn:Arn}'], server.root, 'table');
    assert.match(table, /\|\s+GetRole\s+\|/);
    assert.match(table, new RegExp(`\\|\\s+arn:aws:iam::${account}:role/alpha\\s+\\|\\s+alpha\\s+\\|`));
    const who = await ok(['sts', 'get-caller-identity'], server.root, 'text');
    assert.equal(who, `${account}\tarn:aws:iam::${account}:root\t${account}\n`);
    const count = await ok(['iam', 'list-users', '--query', 'length(Users)'], server.root, 'text');
    assert.equal(count.trim(), '4');
  });

  test('get-caller-identity for the root user, an IAM user, an assumed role and a federated user', async () => {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'caller' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'caller', PolicyName: 'sts', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:GetFederationToken'], Resource: '*' }] }) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'caller' }))).AccessKey!;
    const user = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    await iam.send(new CreateRoleCommand({ RoleName: 'who', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/caller` }, Action: 'sts:AssumeRole' }] }) }));
    const role = (await ok(['iam', 'get-role', '--role-name', 'who'])).Role;

    const root = await ok(['sts', 'get-caller-identity']);
    assert.deepEqual(root, { UserId: account, Account: account, Arn: `arn:aws:iam::${account}:root` });
    const asUser = await ok(['sts', 'get-caller-identity'], user);
    const userId = (await ok(['iam', 'get-user', '--user-name', 'caller'])).User.UserId;
    assert.deepEqual(asUser, { UserId: userId, Account: account, Arn: `arn:aws:iam::${account}:user/caller` });

    const assumed = (await ok(['sts', 'assume-role', '--role-arn', role.Arn, '--role-session-name', 'cli-who'], user)).Credentials;
    assert.match(assumed.Expiration, ISO_UTC);
    const asRole = await ok(['sts', 'get-caller-identity'], { accessKeyId: assumed.AccessKeyId, secretAccessKey: assumed.SecretAccessKey, sessionToken: assumed.SessionToken });
    assert.deepEqual(asRole, { UserId: `${role.RoleId}:cli-who`, Account: account, Arn: `arn:aws:sts::${account}:assumed-role/who/cli-who` });

    const fed = await ok(['sts', 'get-federation-token', '--name', 'fed-who', '--policy', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] })], user);
    assert.equal(fed.FederatedUser.Arn, `arn:aws:sts::${account}:federated-user/fed-who`);
    assert.equal(fed.FederatedUser.FederatedUserId, `${account}:fed-who`);
    const c = fed.Credentials;
    const asFed = await ok(['sts', 'get-caller-identity'], { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken });
    assert.deepEqual(asFed, { UserId: `${account}:fed-who`, Account: account, Arn: `arn:aws:sts::${account}:federated-user/fed-who` });
  });

  test('iam wait user-exists / role-exists / policy-exists / instance-profile-exists succeed at once for what exists', async () => {
    const started = Date.now();
    const results = await Promise.all([
      cli(['iam', 'wait', 'user-exists', '--user-name', 'alice']),
      cli(['iam', 'wait', 'role-exists', '--role-name', 'alpha']),
      cli(['iam', 'wait', 'policy-exists', '--policy-arn', `arn:aws:iam::${account}:policy/pa`]),
      cli(['iam', 'wait', 'instance-profile-exists', '--instance-profile-name', 'ip-b']),
    ]);
    for (const r of results) assert.equal(r.status, 0, r.stderr);
    // Each waiter polls once a second (instance profiles: every second too); all passing at the first poll takes far less than a delay.
    assert.ok(Date.now() - started < 15_000, `${Date.now() - started} ms`);
  });

  test('the waiters keep polling for what is missing: NoSuchEntity (404), not a terminal failure', async () => {
    // What each waiter's retry acceptor matches: error NoSuchEntity (users, roles, policies) and HTTP 404 (instance profiles).
    const missing: Array<[Record<string, string>, RegExp]> = [
      [{ Action: 'GetUser', UserName: 'ghost' }, /The user with name ghost cannot be found\./],
      [{ Action: 'GetRole', RoleName: 'ghost' }, /The role with name ghost cannot be found\./],
      [{ Action: 'GetPolicy', PolicyArn: `arn:aws:iam::${account}:policy/ghost` }, new RegExp(`Policy arn:aws:iam::${account}:policy/ghost was not found\\.`)],
      [{ Action: 'GetInstanceProfile', InstanceProfileName: 'ghost' }, /Instance Profile ghost cannot be found\./],
    ];
    for (const [params, message] of missing) {
      const res = await signedQuery(server.url, server.root, { Version: '2010-05-08', ...params });
      assert.equal(res.status, 404, `${params['Action']}: ${res.body}`);
      assert.match(res.body, /<Code>NoSuchEntity<\/Code>/);
      assert.match(res.body, message);
    }
    // The real waiter, for a few seconds: still waiting (a terminal failure would have ended it at the first poll).
    const children = ['user-exists --user-name ghost', 'instance-profile-exists --instance-profile-name ghost'].map((w) =>
      spawn('aws', ['--endpoint-url', server.url, 'iam', 'wait', ...w.split(' ')], { env: cliEnv(server.root), stdio: ['ignore', 'pipe', 'pipe'] }));
    const exits = children.map((child) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))));
    let stderr = '';
    for (const child of children) child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const stillWaiting = children.map((child) => child.exitCode === null && child.signalCode === null);
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(exits);
    assert.deepEqual(stillWaiting, [true, true], stderr);
  });

  describe('Organizations listings', () => {
    let rootId: string;
    let scpId: string;
    const call = async (operation: string, payload: object) => {
      const res = await signedJson(server.url, server.root, `AWSOrganizationsV20161128.${operation}`, payload);
      assert.equal(res.status, 200, `${operation}: ${res.body}`);
      return JSON.parse(res.body || '{}');
    };

    before(async () => {
      await call('CreateOrganization', { FeatureSet: 'ALL' });
      rootId = (await call('ListRoots', {})).Roots[0].Id;
      await call('EnablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' });
      for (const name of ['ou-b', 'OU-A', 'ou-c']) await call('CreateOrganizationalUnit', { ParentId: rootId, Name: name });
      for (const name of ['acct-b', 'acct-a', 'acct-c']) await call('CreateAccount', { Email: `${name}@example.com`, AccountName: name });
      const content = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*' }] });
      for (const name of ['scp-b', 'scp-a', 'scp-c']) {
        const id = (await call('CreatePolicy', { Name: name, Description: name, Type: 'SERVICE_CONTROL_POLICY', Content: content })).Policy.PolicySummary.Id;
        if (name === 'scp-a') scpId = id;
      }
      const ous = (await call('ListOrganizationalUnitsForParent', { ParentId: rootId })).OrganizationalUnits;
      for (const ou of ous) await call('AttachPolicy', { PolicyId: scpId, TargetId: ou.Id });
      for (let i = 0; i < 3; i++) {
        const invitee = await createAccount(server.tessera.deps);
        await call('InviteAccountToOrganization', { Target: { Id: invitee.accountId, Type: 'ACCOUNT' } });
      }
    });

    const orgListings = (): Array<{ args: string[]; key: string; id: (item: any) => string; count: number }> => [
      { args: ['organizations', 'list-accounts'], key: 'Accounts', id: (a) => a.Id, count: 4 },
      { args: ['organizations', 'list-roots'], key: 'Roots', id: (r) => r.Id, count: 1 },
      { args: ['organizations', 'list-organizational-units-for-parent', '--parent-id', rootId], key: 'OrganizationalUnits', id: (o) => o.Name, count: 3 },
      { args: ['organizations', 'list-policies', '--filter', 'SERVICE_CONTROL_POLICY'], key: 'Policies', id: (p) => p.Name, count: 4 },
      { args: ['organizations', 'list-targets-for-policy', '--policy-id', scpId], key: 'Targets', id: (t) => t.TargetId, count: 3 },
      { args: ['organizations', 'list-children', '--parent-id', rootId, '--child-type', 'ORGANIZATIONAL_UNIT'], key: 'Children', id: (c) => c.Id, count: 3 },
      { args: ['organizations', 'list-children', '--parent-id', rootId, '--child-type', 'ACCOUNT'], key: 'Children', id: (c) => c.Id, count: 4 },
      { args: ['organizations', 'list-handshakes-for-organization'], key: 'Handshakes', id: (h) => h.Id, count: 3 },
    ];

    test('each listing: --page-size 1 and --max-items 2 + --starting-token give the whole set once, in one order', async () => {
      const failures: string[] = [];
      for (const l of orgListings()) {
        try {
          const label = l.args.slice(0, 2).join(' ');
          const full = (await ok(l.args))[l.key].map(l.id);
          assert.equal(full.length, l.count, `${label}: ${JSON.stringify(full)}`);
          assert.equal(new Set(full).size, full.length, `${label}: no item twice`);
          const [byOne, firstOne, head] = await Promise.all([
            ok([...l.args, '--page-size', '1']), ok([...l.args, '--page-size', '1', '--max-items', '1']), ok([...l.args, '--page-size', '1', '--max-items', '2']),
          ]);
          assert.deepEqual(byOne[l.key].map(l.id), full, `${label} --page-size 1`);
          if (l.count > 1) assert.equal(typeof openCliToken(firstOne.NextToken).NextToken, 'string', `${label}: the server paged at MaxResults 1`);
          const rest = head.NextToken ? (await ok([...l.args, '--page-size', '1', '--starting-token', head.NextToken]))[l.key].map(l.id) : [];
          assert.deepEqual([...head[l.key].map(l.id), ...rest], full, `${label}: --max-items 2 then --starting-token`);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
      assert.deepEqual(failures, []);
    });

    test('a NextToken from another listing is refused with INVALID_NEXT_TOKEN; MaxResults over 20 is refused', async () => {
      const first = await ok(['organizations', 'list-accounts', '--page-size', '1', '--max-items', '1']);
      const token = openCliToken(first.NextToken).NextToken as string;
      const stderr = await fails(['organizations', 'list-organizational-units-for-parent', '--parent-id', rootId, '--starting-token', cliToken({ NextToken: token })]);
      assert.match(stderr, /An error occurred \(InvalidInputException\) when calling the ListOrganizationalUnitsForParent operation: The provided NextToken is not valid\./);
      // The model's MaxResults is 1..20.
      const over = await cli(['organizations', 'list-accounts', '--page-size', '21']);
      assert.notEqual(over.status, 0, over.stdout);
      // Organizations' InvalidInputException reason MAX_VALUE_EXCEEDED, in AWS's documented words.
      assert.match(over.stderr, /An error occurred \(InvalidInputException\) when calling the ListAccounts operation: You provided a numeric parameter that has a larger value than allowed\./);
    });
  });

  describe('CloudTrail lookup-events', () => {
    test('--max-items and --starting-token walk every event once, newest first; with --lookup-attributes too', async () => {
      const all = (await ok(['cloudtrail', 'lookup-events'])).Events as any[];
      assert.ok(all.length >= 20, `${all.length} events`);
      const ids = all.map((e) => e.EventId);
      assert.equal(new Set(ids).size, ids.length);
      const times = all.map((e) => Number(e.EventTime));
      assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
      // JSON protocol: EventTime on the wire is epoch seconds (the CLI v1 shows it as it came).
      for (const t of times) assert.ok(Number.isFinite(t) && t > 1_500_000_000 && t * 1000 <= Date.now() + 1000, String(t));

      // Walk the first 12 events (no new event is older than them) in pages of 5 with --page-size 2.
      const walked: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < 3; page++) {
        const out = await ok(['cloudtrail', 'lookup-events', '--page-size', '2', '--max-items', page < 2 ? '5' : '2', ...(token ? ['--starting-token', token] : [])]);
        walked.push(...out.Events.map((e: any) => e.EventId));
        token = out.NextToken;
        assert.ok(token, `page ${page} leaves a token`);
      }
      // Events made while walking are newer than the walk's start and come before it.
      const fresh = (await ok(['cloudtrail', 'lookup-events'])).Events.map((e: any) => e.EventId) as string[];
      const start = fresh.indexOf(walked[0]!);
      assert.ok(start >= 0, 'the first walked event is still listed');
      assert.deepEqual(walked, fresh.slice(start, start + 12));

      const created = (await ok(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=CreateUser'])).Events as any[];
      assert.ok(created.length >= 4, `${created.length} CreateUser events`);
      assert.ok(created.every((e) => e.EventName === 'CreateUser'));
      const byOne = (await ok(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=CreateUser', '--page-size', '1'])).Events as any[];
      assert.deepEqual(byOne.map((e) => e.EventId), created.map((e) => e.EventId));
      const head = await ok(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=CreateUser', '--page-size', '1', '--max-items', '2']);
      const rest = await ok(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=CreateUser', '--page-size', '1', '--starting-token', head.NextToken]);
      assert.deepEqual([...head.Events, ...rest.Events].map((e: any) => e.EventId), created.map((e) => e.EventId));

      // A token from one lookup does not page another lookup.
      const inner = openCliToken(head.NextToken).NextToken as string;
      assert.equal(typeof inner, 'string');
      const other = await cli(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=ListUsers', '--starting-token', cliToken({ NextToken: inner })]);
      assert.notEqual(other.status, 0, other.stdout);
      assert.match(other.stderr, /\(InvalidNextTokenException\) when calling the LookupEvents operation/);
      // MaxResults over the model's 50 is refused (AWS's exact code here is not documented: only the refusal is checked).
      const over = await cli(['cloudtrail', 'lookup-events', '--page-size', '51']);
      assert.notEqual(over.status, 0);
      assert.match(over.stderr, /when calling the LookupEvents operation/);
    });
  });
});
