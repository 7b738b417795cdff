// IAM and STS answers read as the XML on the wire, element by element, against what AWS's
// API reference and the service models (models/aws/iam-2010-05-08.json, sts-2011-06-15.json)
// state: which members a list leaves out and a get includes, URL-encoded policy documents kept
// as submitted, dates, IDs, ARNs, empty lists, paging flags, and the STS credential answers.
// Tools such as Terraform's AWS provider and the SDKs read these field by field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { signedQuery } from '../support/raw-request.ts';

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** A minimal XML tree: enough for AWS Query answers (elements, attributes, text, entities). */
interface Node {
  name: string;
  attrs: Record<string, string>;
  children: Node[];
  text: string;
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

function parseXml(xml: string): Node {
  const root: Node = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: Node[] = [root];
  const token = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<\/([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=>/]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(xml)) !== null) {
    const top = stack[stack.length - 1]!;
    if (m[1] !== undefined) {
      assert.equal(top.name, m[1], `well-formed XML: </${m[1]}> closes <${top.name}>`);
      stack.pop();
    } else if (m[2] !== undefined) {
      const attrs: Record<string, string> = {};
      for (const a of (m[3] ?? '').matchAll(/([^\s=]+)="([^"]*)"/g)) attrs[a[1]!] = decodeEntities(a[2]!);
      const node: Node = { name: m[2], attrs, children: [], text: '' };
      top.children.push(node);
      if (m[4] !== '/') stack.push(node);
    } else if (m[5] !== undefined) {
      top.text += decodeEntities(m[5]);
    }
  }
  assert.equal(stack.length, 1, 'every element is closed');
  assert.equal(root.children.length, 1, 'one document element');
  return root.children[0]!;
}

/** The child elements' names, in document order. */
const names = (n: Node) => n.children.map((c) => c.name);
function child(n: Node, name: string): Node {
  const found = n.children.filter((c) => c.name === name);
  assert.equal(found.length, 1, `<${n.name}> has exactly one <${name}> (has: ${names(n).join(', ')})`);
  return found[0]!;
}
const has = (n: Node, name: string) => n.children.some((c) => c.name === name);
const text = (n: Node, name: string) => child(n, name).text;
const members = (list: Node) => {
  for (const c of list.children) assert.equal(c.name, 'member', `<${list.name}> holds <member> elements`);
  return list.children;
};

/** dateType / dateType of STS: ISO 8601 in UTC with Z (API reference: "in ISO 8601 date-time format"). */
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
function isoDate(value: string, what: string): Date {
  assert.match(value, ISO_Z, `${what} is ISO 8601 with Z`);
  const d = new Date(value);
  assert.ok(!Number.isNaN(d.getTime()), `${what} is a real date`);
  return d;
}

/**
 * IAM unique IDs (IAM User Guide, "IAM identifiers", Unique identifiers: "AIDA IAM user, AROA
 * role, AGPA user group, ANPA managed policy, AIPA instance profile, AKIA access key, ASIA
 * temporary (AWS STS) access key IDs"); the documented examples (AIDAJQABLZS4A3QDU576Q,
 * AKIAIOSFODNN7EXAMPLE) are 21 and 20 characters of upper-case letters and digits.
 */
function uniqueId(value: string, prefix: string, what: string): void {
  assert.match(value, new RegExp(`^${prefix}[A-Z0-9]{17}$`), `${what} ${value} is ${prefix} + 17 (21 characters)`);
}
function accessKeyId(value: string, prefix: 'AKIA' | 'ASIA', what: string): void {
  assert.match(value, new RegExp(`^${prefix}[A-Z0-9]{16}$`), `${what} ${value} is ${prefix} + 16 (20 characters)`);
}

/**
 * Policies returned by IAM "are URL-encoded compliant with RFC 3986 ... if you use Java, you can
 * use the decode method of the java.net.URLDecoder" (GetRolePolicy, GetUserPolicy,
 * GetGroupPolicy, GetPolicyVersion, Role.AssumeRolePolicyDocument in the API reference). So the
 * text holds only RFC 3986 unreserved characters and %XX escapes (no raw '+', which URLDecoder
 * would turn into a space), and decoding it gives back the document exactly as it was submitted.
 */
function encodedDocument(value: string, submitted: string, what: string): void {
  assert.match(value, /^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/, `${what} is percent-encoded (RFC 3986 unreserved characters and %XX only)`);
  assert.equal(decodeURIComponent(value), submitted, `${what} decodes to the document exactly as submitted`);
}

describe('IAM and STS response shapes on the wire', () => {
  let server: TestServer;
  let account: string;
  let admin: Credentials;

  // Documents with the whitespace, line breaks, tabs, non-ASCII and characters that
  // URL-encoding must escape, which AWS keeps as submitted.
  const trust = (principal: string) =>
    `{\n  "Version": "2012-10-17",\n  "Statement": [ {\t"Effect": "Allow", "Principal": {"AWS": "${principal}"},\n    "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"] } ]\n}\n`;
  const inline = '{"Version":"2012-10-17",\n\t"Statement":{"Sid":"S1","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/k+(x)!\'~*",'
    + '"Condition":{"StringEquals":{"aws:username":"jos\u00e9 & <b>"}}}}';
  const managedV1 = '{ "Version": "2012-10-17", "Statement": { "Effect": "Allow", "Action": "s3:Get*", "Resource": "*" } }';
  const managedV2 = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}}';
  const everything = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}';

  async function call(params: Record<string, string>, options: { service?: 'iam' | 'sts'; as?: Credentials } = {}): Promise<Node> {
    const service = options.service ?? 'iam';
    const res = await signedQuery(server.url, options.as ?? server.root, { Version: service === 'iam' ? '2010-05-08' : '2011-06-15', ...params }, { service });
    assert.equal(res.status, 200, `${params['Action']}: ${res.body}`);
    const doc = parseXml(res.body);
    // Every Query answer: <{Action}Response xmlns=...> with <ResponseMetadata><RequestId>.
    assert.equal(doc.name, `${params['Action']}Response`);
    assert.equal(doc.attrs['xmlns'], service === 'iam' ? IAM_NS : STS_NS, `${params['Action']} namespace`);
    const metadata = child(doc, 'ResponseMetadata');
    assert.deepEqual(names(metadata), ['RequestId']);
    assert.match(text(metadata, 'RequestId'), /^[0-9a-f-]{36}$/, `${params['Action']} RequestId`);
    assert.equal(doc.children[doc.children.length - 1]!.name, 'ResponseMetadata', 'ResponseMetadata comes last');
    return doc;
  }
  const result = async (params: Record<string, string>, options: { service?: 'iam' | 'sts'; as?: Credentials } = {}) =>
    child(await call(params, options), `${params['Action']}Result`);

  before(async () => {
    server = await startTestServer();
    account = server.accountId;
    await call({ Action: 'CreateUser', UserName: 'admin' });
    await call({ Action: 'PutUserPolicy', UserName: 'admin', PolicyName: 'everything', PolicyDocument: everything });
    const key = child(await result({ Action: 'CreateAccessKey', UserName: 'admin' }), 'AccessKey');
    admin = { accessKeyId: text(key, 'AccessKeyId'), secretAccessKey: text(key, 'SecretAccessKey') };
  });
  after(async () => server.stop());

  test('empty lists are rendered as empty elements, IsTruncated false is present and Marker absent', async () => {
    // Required list members (model: ListRolesResponse.required = [Roles], GetGroupResponse.required
    // = [Group, Users], InstanceProfile.required includes Roles, ...) are present even when empty.
    const fresh = await startTestServer();
    try {
      const lists: Array<[Record<string, string>, string]> = [
        [{ Action: 'ListRoles' }, 'Roles'],
        [{ Action: 'ListGroups' }, 'Groups'],
        [{ Action: 'ListInstanceProfiles' }, 'InstanceProfiles'],
        [{ Action: 'ListPolicies', Scope: 'Local' }, 'Policies'],
        [{ Action: 'ListUsers' }, 'Users'],
      ];
      for (const [params, list] of lists) {
        const res = await signedQuery(fresh.url, fresh.root, { Version: '2010-05-08', ...params });
        const r = child(parseXml(res.body), `${params['Action']}Result`);
        assert.deepEqual(names(r), [list, 'IsTruncated'], `${params['Action']}: ${res.body}`);
        assert.deepEqual(child(r, list).children, [], `${params['Action']}: <${list}/> is empty`);
        assert.equal(text(r, 'IsTruncated'), 'false');
      }
    } finally {
      await fresh.stop();
    }

    await call({ Action: 'CreateGroup', GroupName: 'empty-group' });
    const group = await result({ Action: 'GetGroup', GroupName: 'empty-group' });
    assert.deepEqual(names(group), ['Group', 'Users', 'IsTruncated']);
    assert.deepEqual(child(group, 'Users').children, []);
    assert.equal(text(group, 'IsTruncated'), 'false');
    for (const [params, list] of [
      [{ Action: 'ListUserPolicies', UserName: 'admin' }, 'PolicyNames'],
      [{ Action: 'ListAttachedUserPolicies', UserName: 'admin' }, 'AttachedPolicies'],
      [{ Action: 'ListGroupsForUser', UserName: 'admin' }, 'Groups'],
      [{ Action: 'ListUserTags', UserName: 'admin' }, 'Tags'],
      [{ Action: 'ListGroupPolicies', GroupName: 'empty-group' }, 'PolicyNames'],
    ] as Array<[Record<string, string>, string]>) {
      const r = await result(params);
      assert.ok(has(r, list), `${params['Action']} has <${list}>`);
      assert.equal(text(r, 'IsTruncated'), 'false', `${params['Action']} IsTruncated`);
      assert.equal(has(r, 'Marker'), false, `${params['Action']} has no Marker when not truncated`);
    }
  });

  test('a truncated page carries IsTruncated true and a Marker; the last page neither a Marker nor true', async () => {
    // API reference, every IAM list: "If additional items exist beyond the maximum you specify,
    // the IsTruncated response element is true"; Marker: "When IsTruncated is true, this
    // element is present and contains the value to use for the Marker parameter".
    for (const name of ['page-a', 'page-b']) await call({ Action: 'CreateGroup', GroupName: name });
    const first = await result({ Action: 'ListGroups', PathPrefix: '/', MaxItems: '1' });
    assert.deepEqual(names(first), ['Groups', 'IsTruncated', 'Marker']);
    assert.equal(text(first, 'IsTruncated'), 'true');
    assert.equal(members(child(first, 'Groups')).length, 1);
    let marker = text(first, 'Marker');
    let pages = 1;
    for (;;) {
      const page = await result({ Action: 'ListGroups', MaxItems: '1', Marker: marker });
      pages++;
      if (text(page, 'IsTruncated') === 'false') {
        assert.equal(has(page, 'Marker'), false, 'no Marker on the last page');
        break;
      }
      marker = text(page, 'Marker');
      assert.ok(pages < 10);
    }
    assert.ok(pages >= 3, 'page-a, page-b and empty-group (or more) over single-item pages');

    const gaad = await result({ Action: 'GetAccountAuthorizationDetails', 'Filter.member.1': 'Group', MaxItems: '1' });
    assert.equal(text(gaad, 'IsTruncated'), 'true');
    assert.ok(text(gaad, 'Marker').length > 0);
  });

  test('ListRoles leaves out PermissionsBoundary, RoleLastUsed and Tags; GetRole has them, RoleLastUsed always', async () => {
    // ListRoles: "This operation does not return the following attributes, even though they are
    // an attribute of the returned object: PermissionsBoundary, RoleLastUsed, Tags. To view all of
    // the information for a role, see GetRole." Role.required: Path, RoleName, RoleId, Arn, CreateDate.
    const doc = trust(`arn:aws:iam::${account}:root`);
    const created = child(await result({
      Action: 'CreateRole', RoleName: 'shaped', Path: '/team/app/', AssumeRolePolicyDocument: doc, Description: 'a role',
      MaxSessionDuration: '7200', PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'blue',
    }), 'Role');
    const roleId = text(created, 'RoleId');
    uniqueId(roleId, 'AROA', 'RoleId');
    assert.equal(text(created, 'Arn'), `arn:aws:iam::${account}:role/team/app/shaped`);
    encodedDocument(text(created, 'AssumeRolePolicyDocument'), doc, 'CreateRole AssumeRolePolicyDocument');

    const listed = members(child(await result({ Action: 'ListRoles', PathPrefix: '/team/' }), 'Roles'));
    assert.equal(listed.length, 1);
    const item = listed[0]!;
    for (const absent of ['PermissionsBoundary', 'RoleLastUsed', 'Tags']) assert.equal(has(item, absent), false, `ListRoles has no ${absent}`);
    assert.equal(text(item, 'Path'), '/team/app/');
    assert.equal(text(item, 'RoleName'), 'shaped');
    assert.equal(text(item, 'RoleId'), roleId);
    assert.equal(text(item, 'Arn'), `arn:aws:iam::${account}:role/team/app/shaped`);
    isoDate(text(item, 'CreateDate'), 'ListRoles CreateDate');
    assert.equal(text(item, 'MaxSessionDuration'), '7200');
    assert.equal(text(item, 'Description'), 'a role');
    encodedDocument(text(item, 'AssumeRolePolicyDocument'), doc, 'ListRoles AssumeRolePolicyDocument');

    const got = child(await result({ Action: 'GetRole', RoleName: 'shaped' }), 'Role');
    assert.equal(text(got, 'MaxSessionDuration'), '7200');
    assert.deepEqual(names(child(got, 'PermissionsBoundary')), ['PermissionsBoundaryType', 'PermissionsBoundaryArn']);
    assert.equal(text(child(got, 'PermissionsBoundary'), 'PermissionsBoundaryArn'), 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    const tags = members(child(got, 'Tags'));
    assert.deepEqual(tags.map((t) => [text(t, 'Key'), text(t, 'Value')]), [['team', 'blue']]);
    // Never used: RoleLastUsed is there, empty (RoleLastUsed: "This data type is returned as a
    // response element in the GetRole and GetAccountAuthorizationDetails operations").
    assert.deepEqual(child(got, 'RoleLastUsed').children, []);
    encodedDocument(text(got, 'AssumeRolePolicyDocument'), doc, 'GetRole AssumeRolePolicyDocument');

    // A role without explicit settings: Path "/" and MaxSessionDuration 3600 (CreateRole:
    // "If you do not specify a value for this setting, the default value of one hour is applied").
    await call({ Action: 'CreateRole', RoleName: 'plain', AssumeRolePolicyDocument: doc });
    const plain = child(await result({ Action: 'GetRole', RoleName: 'plain' }), 'Role');
    assert.equal(text(plain, 'Path'), '/');
    assert.equal(text(plain, 'MaxSessionDuration'), '3600');
    assert.equal(text(plain, 'Arn'), `arn:aws:iam::${account}:role/plain`);
    assert.equal(has(plain, 'Tags'), false, 'no Tags element for a role without tags');
    assert.equal(has(plain, 'PermissionsBoundary'), false);

    // Once used: LastUsedDate and Region; still absent from ListRoles.
    await result({ Action: 'AssumeRole', RoleArn: `arn:aws:iam::${account}:role/plain`, RoleSessionName: 'touch' }, { service: 'sts', as: admin });
    const used = child(child(await result({ Action: 'GetRole', RoleName: 'plain' }), 'Role'), 'RoleLastUsed');
    assert.deepEqual(names(used), ['LastUsedDate', 'Region']);
    isoDate(text(used, 'LastUsedDate'), 'RoleLastUsed.LastUsedDate');
    assert.equal(text(used, 'Region'), 'us-east-1');
    const again = members(child(await result({ Action: 'ListRoles' }), 'Roles')).find((r) => text(r, 'RoleName') === 'plain')!;
    assert.equal(has(again, 'RoleLastUsed'), false);
  });

  test('ListUsers leaves out PermissionsBoundary and Tags; GetUser has them; PasswordLastUsed only after a password sign-in', async () => {
    // ListUsers: "does not return the following attributes ...: PermissionsBoundary, Tags. To
    // view all of the information for a user, see GetUser." User.PasswordLastUsed: absent when
    // the user has never signed in with a password (a login profile alone is no sign-in).
    await call({
      Action: 'CreateUser', UserName: 'described', Path: '/division/',
      PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess', 'Tags.member.1.Key': 'cost', 'Tags.member.1.Value': '42',
    });
    await call({ Action: 'CreateLoginProfile', UserName: 'described', Password: 'Correct-Horse-Battery-9!' });
    const listed = members(child(await result({ Action: 'ListUsers', PathPrefix: '/division/' }), 'Users'));
    assert.equal(listed.length, 1);
    assert.deepEqual(names(listed[0]!), ['Path', 'UserName', 'UserId', 'Arn', 'CreateDate']);
    uniqueId(text(listed[0]!, 'UserId'), 'AIDA', 'UserId');
    assert.equal(text(listed[0]!, 'Arn'), `arn:aws:iam::${account}:user/division/described`);
    isoDate(text(listed[0]!, 'CreateDate'), 'User CreateDate');

    const got = child(await result({ Action: 'GetUser', UserName: 'described' }), 'User');
    assert.equal(has(got, 'PasswordLastUsed'), false);
    assert.equal(text(child(got, 'PermissionsBoundary'), 'PermissionsBoundaryType'), 'Policy');
    assert.deepEqual(members(child(got, 'Tags')).map((t) => [text(t, 'Key'), text(t, 'Value')]), [['cost', '42']]);
    assert.equal(text(got, 'UserId'), text(listed[0]!, 'UserId'));

    // GetUser without UserName: the caller ("defaults to the user making the request").
    const self = child(await result({ Action: 'GetUser' }, { as: admin }), 'User');
    assert.equal(text(self, 'UserName'), 'admin');
    assert.equal(text(self, 'Path'), '/');
    assert.equal(text(self, 'Arn'), `arn:aws:iam::${account}:user/admin`);
  });

  test('ListPolicies leaves out Tags and Description; GetPolicy has them; UpdateDate is the newest version\'s date', async () => {
    // ListPolicies: "this operation does not return tags"; Policy.Description: "included in the
    // response to the GetPolicy operation. It is not included in the response to the
    // ListPolicies operation." Policy.UpdateDate: "When a policy has more than one version, this
    // field contains the date and time when the most recent policy version was created."
    const arn = `arn:aws:iam::${account}:policy/shared/reader`;
    const created = child(await result({
      Action: 'CreatePolicy', PolicyName: 'reader', Path: '/shared/', PolicyDocument: managedV1, Description: 'reads',
      'Tags.member.1.Key': 'owner', 'Tags.member.1.Value': 'ops',
    }), 'Policy');
    uniqueId(text(created, 'PolicyId'), 'ANPA', 'PolicyId');
    assert.equal(text(created, 'Arn'), arn);
    await new Promise((r) => setTimeout(r, 1100));
    await call({ Action: 'CreatePolicyVersion', PolicyArn: arn, PolicyDocument: managedV2, SetAsDefault: 'true' });

    const listed = members(child(await result({ Action: 'ListPolicies', Scope: 'Local', PathPrefix: '/shared/' }), 'Policies'));
    assert.equal(listed.length, 1);
    assert.equal(has(listed[0]!, 'Tags'), false);
    assert.equal(has(listed[0]!, 'Description'), false);
    assert.equal(text(listed[0]!, 'DefaultVersionId'), 'v2');

    const got = child(await result({ Action: 'GetPolicy', PolicyArn: arn }), 'Policy');
    assert.equal(text(got, 'Description'), 'reads');
    assert.deepEqual(members(child(got, 'Tags')).map((t) => [text(t, 'Key'), text(t, 'Value')]), [['owner', 'ops']]);
    const v2 = child(await result({ Action: 'GetPolicyVersion', PolicyArn: arn, VersionId: 'v2' }), 'PolicyVersion');
    assert.deepEqual(names(v2), ['Document', 'VersionId', 'IsDefaultVersion', 'CreateDate']);
    assert.equal(text(got, 'UpdateDate'), text(v2, 'CreateDate'), 'UpdateDate is when v2 was created');
    assert.notEqual(text(got, 'UpdateDate'), text(got, 'CreateDate'));
    const v1 = child(await result({ Action: 'GetPolicyVersion', PolicyArn: arn, VersionId: 'v1' }), 'PolicyVersion');
    encodedDocument(text(v1, 'Document'), managedV1, 'GetPolicyVersion v1 Document');
    assert.equal(text(v1, 'IsDefaultVersion'), 'false');
    encodedDocument(text(v2, 'Document'), managedV2, 'GetPolicyVersion v2 Document');
    assert.equal(text(v2, 'IsDefaultVersion'), 'true');
  });

  test('an AWS managed policy\'s newest version was created at the policy\'s UpdateDate', async () => {
    // Policy.UpdateDate, as above: the date "when the most recent policy version was created";
    // ReadOnlyAccess has many versions, its default being the newest.
    const arn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    const policy = child(await result({ Action: 'GetPolicy', PolicyArn: arn }), 'Policy');
    const defaultVersion = text(policy, 'DefaultVersionId');
    const versions = members(child(await result({ Action: 'ListPolicyVersions', PolicyArn: arn, MaxItems: '1000' }), 'Versions'));
    const newest = versions.reduce((a, b) => (Number(text(a, 'VersionId').slice(1)) > Number(text(b, 'VersionId').slice(1)) ? a : b));
    assert.equal(text(newest, 'VersionId'), defaultVersion);
    assert.equal(text(newest, 'CreateDate'), text(policy, 'UpdateDate'), 'ListPolicyVersions: the newest version\'s CreateDate');
    const got = child(await result({ Action: 'GetPolicyVersion', PolicyArn: arn, VersionId: defaultVersion }), 'PolicyVersion');
    assert.equal(text(got, 'CreateDate'), text(policy, 'UpdateDate'), 'GetPolicyVersion: the default version\'s CreateDate');
  });

  test('ListInstanceProfiles leaves out Tags; GetInstanceProfile has them; both list the roles', async () => {
    // ListInstanceProfiles: "this operation does not return tags ... To view all of the
    // information for an instance profile, see GetInstanceProfile". InstanceProfile.required
    // includes Roles.
    const doc = trust(`arn:aws:iam::${account}:root`);
    await call({ Action: 'CreateRole', RoleName: 'ip-role', Path: '/ec2/', AssumeRolePolicyDocument: doc });
    const created = child(await result({ Action: 'CreateInstanceProfile', InstanceProfileName: 'profile', Path: '/ec2/', 'Tags.member.1.Key': 'k', 'Tags.member.1.Value': 'v' }), 'InstanceProfile');
    uniqueId(text(created, 'InstanceProfileId'), 'AIPA', 'InstanceProfileId');
    assert.equal(text(created, 'Arn'), `arn:aws:iam::${account}:instance-profile/ec2/profile`);
    assert.deepEqual(child(created, 'Roles').children, [], 'a new profile has <Roles/>');
    await call({ Action: 'AddRoleToInstanceProfile', InstanceProfileName: 'profile', RoleName: 'ip-role' });

    const listed = members(child(await result({ Action: 'ListInstanceProfiles', PathPrefix: '/ec2/' }), 'InstanceProfiles'));
    assert.equal(listed.length, 1);
    assert.equal(has(listed[0]!, 'Tags'), false);
    const got = child(await result({ Action: 'GetInstanceProfile', InstanceProfileName: 'profile' }), 'InstanceProfile');
    assert.deepEqual(members(child(got, 'Tags')).map((t) => [text(t, 'Key'), text(t, 'Value')]), [['k', 'v']]);
    for (const profile of [listed[0]!, got]) {
      const roles = members(child(profile, 'Roles'));
      assert.equal(roles.length, 1);
      const role = roles[0]!;
      for (const required of ['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate']) assert.ok(has(role, required), `role in profile has ${required}`);
      assert.equal(text(role, 'Arn'), `arn:aws:iam::${account}:role/ec2/ip-role`);
      uniqueId(text(role, 'RoleId'), 'AROA', 'RoleId in profile');
      encodedDocument(text(role, 'AssumeRolePolicyDocument'), doc, 'role in profile AssumeRolePolicyDocument');
    }
  });

  test('inline policy documents are URL-encoded and exactly as submitted, for users, groups and roles', async () => {
    await call({ Action: 'CreateGroup', GroupName: 'readers' });
    await call({ Action: 'CreateRole', RoleName: 'inline-role', AssumeRolePolicyDocument: trust(`arn:aws:iam::${account}:root`) });
    await call({ Action: 'PutUserPolicy', UserName: 'admin', PolicyName: 'odd', PolicyDocument: inline });
    await call({ Action: 'PutGroupPolicy', GroupName: 'readers', PolicyName: 'odd', PolicyDocument: inline });
    await call({ Action: 'PutRolePolicy', RoleName: 'inline-role', PolicyName: 'odd', PolicyDocument: inline });
    const user = await result({ Action: 'GetUserPolicy', UserName: 'admin', PolicyName: 'odd' });
    assert.deepEqual(names(user), ['UserName', 'PolicyName', 'PolicyDocument']);
    encodedDocument(text(user, 'PolicyDocument'), inline, 'GetUserPolicy');
    const group = await result({ Action: 'GetGroupPolicy', GroupName: 'readers', PolicyName: 'odd' });
    assert.deepEqual(names(group), ['GroupName', 'PolicyName', 'PolicyDocument']);
    encodedDocument(text(group, 'PolicyDocument'), inline, 'GetGroupPolicy');
    const role = await result({ Action: 'GetRolePolicy', RoleName: 'inline-role', PolicyName: 'odd' });
    assert.deepEqual(names(role), ['RoleName', 'PolicyName', 'PolicyDocument']);
    encodedDocument(text(role, 'PolicyDocument'), inline, 'GetRolePolicy');

    // UpdateAssumeRolePolicy keeps the new text as given too.
    const updated = ` ${trust(`arn:aws:iam::${account}:user/admin`)}\r\n`;
    await call({ Action: 'UpdateAssumeRolePolicy', RoleName: 'inline-role', PolicyDocument: updated });
    encodedDocument(text(child(await result({ Action: 'GetRole', RoleName: 'inline-role' }), 'Role'), 'AssumeRolePolicyDocument'), updated, 'updated trust policy');
  });

  test('GetAccountAuthorizationDetails gives the full shapes, documents URL-encoded', async () => {
    const doc = trust(`arn:aws:iam::${account}:root`);
    await call({ Action: 'CreateUser', UserName: 'gaad-user' });
    await call({ Action: 'CreateGroup', GroupName: 'gaad-group' });
    await call({ Action: 'AddUserToGroup', GroupName: 'gaad-group', UserName: 'gaad-user' });
    await call({ Action: 'PutUserPolicy', UserName: 'gaad-user', PolicyName: 'u-inline', PolicyDocument: inline });
    await call({ Action: 'PutGroupPolicy', GroupName: 'gaad-group', PolicyName: 'g-inline', PolicyDocument: managedV1 });
    const managed = child(await result({ Action: 'CreatePolicy', PolicyName: 'gaad-managed', PolicyDocument: managedV1, Description: 'described' }), 'Policy');
    const managedArn = text(managed, 'Arn');
    await call({ Action: 'CreatePolicyVersion', PolicyArn: managedArn, PolicyDocument: managedV2 });
    await call({ Action: 'AttachUserPolicy', UserName: 'gaad-user', PolicyArn: managedArn });
    await call({ Action: 'AttachGroupPolicy', GroupName: 'gaad-group', PolicyArn: managedArn });
    await call({ Action: 'CreateRole', RoleName: 'gaad-role', AssumeRolePolicyDocument: doc, 'Tags.member.1.Key': 't', 'Tags.member.1.Value': 'u' });
    await call({ Action: 'PutRolePolicy', RoleName: 'gaad-role', PolicyName: 'r-inline', PolicyDocument: inline });
    await call({ Action: 'AttachRolePolicy', RoleName: 'gaad-role', PolicyArn: managedArn });
    await call({ Action: 'CreateInstanceProfile', InstanceProfileName: 'gaad-profile' });
    await call({ Action: 'AddRoleToInstanceProfile', InstanceProfileName: 'gaad-profile', RoleName: 'gaad-role' });

    const details = await result({ Action: 'GetAccountAuthorizationDetails' });
    assert.deepEqual(names(details), ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies', 'IsTruncated']);
    assert.equal(text(details, 'IsTruncated'), 'false');

    const user = members(child(details, 'UserDetailList')).find((u) => text(u, 'UserName') === 'gaad-user')!;
    assert.equal(text(user, 'Arn'), `arn:aws:iam::${account}:user/gaad-user`);
    uniqueId(text(user, 'UserId'), 'AIDA', 'UserDetail.UserId');
    isoDate(text(user, 'CreateDate'), 'UserDetail.CreateDate');
    const userPolicies = members(child(user, 'UserPolicyList'));
    assert.deepEqual(userPolicies.map((p) => names(p)), [['PolicyName', 'PolicyDocument']]);
    encodedDocument(text(userPolicies[0]!, 'PolicyDocument'), inline, 'UserPolicyList document');
    assert.deepEqual(members(child(user, 'GroupList')).map((g) => g.text), ['gaad-group']);
    assert.deepEqual(members(child(user, 'AttachedManagedPolicies')).map((p) => [text(p, 'PolicyName'), text(p, 'PolicyArn')]), [['gaad-managed', managedArn]]);

    const group = members(child(details, 'GroupDetailList')).find((g) => text(g, 'GroupName') === 'gaad-group')!;
    uniqueId(text(group, 'GroupId'), 'AGPA', 'GroupDetail.GroupId');
    assert.equal(text(group, 'Arn'), `arn:aws:iam::${account}:group/gaad-group`);
    const groupPolicies = members(child(group, 'GroupPolicyList'));
    assert.equal(text(groupPolicies[0]!, 'PolicyName'), 'g-inline');
    encodedDocument(text(groupPolicies[0]!, 'PolicyDocument'), managedV1, 'GroupPolicyList document');
    assert.deepEqual(members(child(group, 'AttachedManagedPolicies')).map((p) => text(p, 'PolicyArn')), [managedArn]);

    const role = members(child(details, 'RoleDetailList')).find((r) => text(r, 'RoleName') === 'gaad-role')!;
    uniqueId(text(role, 'RoleId'), 'AROA', 'RoleDetail.RoleId');
    encodedDocument(text(role, 'AssumeRolePolicyDocument'), doc, 'RoleDetail.AssumeRolePolicyDocument');
    const profiles = members(child(role, 'InstanceProfileList'));
    assert.equal(profiles.length, 1);
    assert.equal(text(profiles[0]!, 'InstanceProfileName'), 'gaad-profile');
    uniqueId(text(profiles[0]!, 'InstanceProfileId'), 'AIPA', 'InstanceProfileList InstanceProfileId');
    assert.deepEqual(members(child(profiles[0]!, 'Roles')).map((r) => text(r, 'RoleName')), ['gaad-role']);
    const rolePolicies = members(child(role, 'RolePolicyList'));
    assert.equal(text(rolePolicies[0]!, 'PolicyName'), 'r-inline');
    encodedDocument(text(rolePolicies[0]!, 'PolicyDocument'), inline, 'RolePolicyList document');
    assert.deepEqual(members(child(role, 'AttachedManagedPolicies')).map((p) => text(p, 'PolicyArn')), [managedArn]);
    assert.deepEqual(members(child(role, 'Tags')).map((t) => [text(t, 'Key'), text(t, 'Value')]), [['t', 'u']]);
    assert.ok(has(role, 'RoleLastUsed'), 'RoleDetail.RoleLastUsed');

    const policy = members(child(details, 'Policies')).find((p) => text(p, 'Arn') === managedArn)!;
    assert.equal(text(policy, 'PolicyId'), text(managed, 'PolicyId'));
    assert.equal(text(policy, 'Description'), 'described');
    assert.equal(text(policy, 'AttachmentCount'), '3');
    const versions = members(child(policy, 'PolicyVersionList'));
    const byId = new Map(versions.map((v) => [text(v, 'VersionId'), v]));
    assert.deepEqual([...byId.keys()].sort(), ['v1', 'v2']);
    for (const v of versions) {
      assert.deepEqual(names(v), ['Document', 'VersionId', 'IsDefaultVersion', 'CreateDate']);
      isoDate(text(v, 'CreateDate'), 'PolicyVersionList CreateDate');
    }
    encodedDocument(text(byId.get('v1')!, 'Document'), managedV1, 'PolicyVersionList v1');
    encodedDocument(text(byId.get('v2')!, 'Document'), managedV2, 'PolicyVersionList v2');
    assert.equal(text(byId.get('v1')!, 'IsDefaultVersion'), 'true');
    assert.equal(text(byId.get('v2')!, 'IsDefaultVersion'), 'false');
  });

  test('GetAccountAuthorizationDetails lists a used AWS managed policy\'s default version with its own CreateDate', async () => {
    // PolicyVersion.CreateDate: "when the policy version was created"; the default version of
    // ReadOnlyAccess is its most recent, created at the policy's UpdateDate (Policy.UpdateDate).
    await call({ Action: 'CreateUser', UserName: 'bounded', PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    const details = await result({ Action: 'GetAccountAuthorizationDetails', 'Filter.member.1': 'AWSManagedPolicy' });
    const policy = members(child(details, 'Policies')).find((p) => text(p, 'PolicyName') === 'ReadOnlyAccess');
    assert.ok(policy, 'ReadOnlyAccess is listed once used as a boundary');
    assert.equal(text(policy, 'Arn'), 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    const versions = members(child(policy, 'PolicyVersionList'));
    const defaultVersion = versions.find((v) => text(v, 'IsDefaultVersion') === 'true')!;
    assert.equal(text(defaultVersion, 'VersionId'), text(policy, 'DefaultVersionId'));
    assert.equal(text(defaultVersion, 'CreateDate'), text(policy, 'UpdateDate'));
  });

  describe('STS', () => {
    const roleArn = () => `arn:aws:iam::${account}:role/sts-target`;
    before(async () => {
      await call({ Action: 'CreateRole', RoleName: 'sts-target', AssumeRolePolicyDocument: trust(`arn:aws:iam::${account}:root`) });
    });

    function credentials(creds: Node, prefix: 'ASIA', lifetimeSeconds: number): Credentials {
      // Credentials.required: AccessKeyId, SecretAccessKey, SessionToken, Expiration (dateType).
      assert.deepEqual(names(creds), ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
      accessKeyId(text(creds, 'AccessKeyId'), prefix, 'temporary AccessKeyId');
      assert.equal(text(creds, 'SecretAccessKey').length, 40, 'a 40-character secret access key');
      const expires = isoDate(text(creds, 'Expiration'), 'Credentials.Expiration');
      const delta = (expires.getTime() - Date.now()) / 1000;
      assert.ok(Math.abs(delta - lifetimeSeconds) < 30, `Expiration ${text(creds, 'Expiration')} is ${lifetimeSeconds}s away`);
      return { accessKeyId: text(creds, 'AccessKeyId'), secretAccessKey: text(creds, 'SecretAccessKey'), sessionToken: text(creds, 'SessionToken') };
    }

    test('AssumeRole: AssumedRoleUser and Credentials; no PackedPolicySize or SourceIdentity when none were passed', async () => {
      const r = await result({ Action: 'AssumeRole', RoleArn: roleArn(), RoleSessionName: 'plain-session' }, { service: 'sts', as: admin });
      assert.deepEqual(names(r), ['Credentials', 'AssumedRoleUser']);
      const roleId = text(child(await result({ Action: 'GetRole', RoleName: 'sts-target' }), 'Role'), 'RoleId');
      // AssumedRoleUser.AssumedRoleId: "A unique identifier that contains the role ID and the
      // role session name of the role that is being assumed"; Arn: the assumed-role ARN.
      const user = child(r, 'AssumedRoleUser');
      assert.deepEqual(names(user), ['AssumedRoleId', 'Arn']);
      assert.equal(text(user, 'AssumedRoleId'), `${roleId}:plain-session`);
      assert.equal(text(user, 'Arn'), `arn:aws:sts::${account}:assumed-role/sts-target/plain-session`);
      const session = credentials(child(r, 'Credentials'), 'ASIA', 3600);

      // GetCallerIdentity with the session: UserId "role-id:caller-specified-role-name".
      const me = await result({ Action: 'GetCallerIdentity' }, { service: 'sts', as: session });
      assert.deepEqual(names(me), ['UserId', 'Account', 'Arn']);
      assert.equal(text(me, 'UserId'), `${roleId}:plain-session`);
      assert.equal(text(me, 'Account'), account);
      assert.equal(text(me, 'Arn'), `arn:aws:sts::${account}:assumed-role/sts-target/plain-session`);
    });

    test('AssumeRole: PackedPolicySize with a session policy or session tags, SourceIdentity echoed', async () => {
      // AssumeRole response: PackedPolicySize "A percentage value that indicates the packed size
      // of the session policies and session tags combined passed in the request"; SourceIdentity
      // is returned when the request set it.
      const withBoth = await result({
        Action: 'AssumeRole', RoleArn: roleArn(), RoleSessionName: 'rich', DurationSeconds: '900', Policy: everything,
        SourceIdentity: 'alice@example', 'Tags.member.1.Key': 'project', 'Tags.member.1.Value': 'blue',
      }, { service: 'sts', as: admin });
      assert.deepEqual(names(withBoth), ['Credentials', 'AssumedRoleUser', 'PackedPolicySize', 'SourceIdentity']);
      assert.match(text(withBoth, 'PackedPolicySize'), /^\d{1,3}$/);
      assert.equal(text(withBoth, 'SourceIdentity'), 'alice@example');
      credentials(child(withBoth, 'Credentials'), 'ASIA', 900);

      const tagsOnly = await result({ Action: 'AssumeRole', RoleArn: roleArn(), RoleSessionName: 'tagged', 'Tags.member.1.Key': 'a', 'Tags.member.1.Value': 'b' }, { service: 'sts', as: admin });
      assert.ok(has(tagsOnly, 'PackedPolicySize'), 'session tags alone count toward PackedPolicySize');
      assert.equal(has(tagsOnly, 'SourceIdentity'), false);
    });

    test('GetSessionToken and GetCallerIdentity of a user and of the root user', async () => {
      const r = await result({ Action: 'GetSessionToken', DurationSeconds: '1800' }, { service: 'sts', as: admin });
      assert.deepEqual(names(r), ['Credentials']);
      const session = credentials(child(r, 'Credentials'), 'ASIA', 1800);
      const userId = text(child(await result({ Action: 'GetUser', UserName: 'admin' }), 'User'), 'UserId');
      // GetCallerIdentity with a user's session token is that user (UserId = the user's unique ID).
      const me = await result({ Action: 'GetCallerIdentity' }, { service: 'sts', as: session });
      assert.equal(text(me, 'UserId'), userId);
      assert.equal(text(me, 'Arn'), `arn:aws:iam::${account}:user/admin`);
      // The root user: UserId is the account ID, Arn ...:root (GetCallerIdentity examples).
      const root = await result({ Action: 'GetCallerIdentity' }, { service: 'sts' });
      assert.deepEqual([text(root, 'UserId'), text(root, 'Account'), text(root, 'Arn')], [account, account, `arn:aws:iam::${account}:root`]);
    });

    test('GetFederationToken: FederatedUser and PackedPolicySize', async () => {
      // GetFederationToken response: FederatedUser (FederatedUserId "account-id:caller-specified
      // name", Arn arn:aws:sts::account:federated-user/name), PackedPolicySize for the passed policy.
      const r = await result({ Action: 'GetFederationToken', Name: 'Bob', Policy: everything, DurationSeconds: '3600' }, { service: 'sts', as: admin });
      assert.deepEqual(names(r), ['Credentials', 'FederatedUser', 'PackedPolicySize']);
      const user = child(r, 'FederatedUser');
      assert.deepEqual(names(user), ['FederatedUserId', 'Arn']);
      assert.equal(text(user, 'FederatedUserId'), `${account}:Bob`);
      assert.equal(text(user, 'Arn'), `arn:aws:sts::${account}:federated-user/Bob`);
      assert.match(text(r, 'PackedPolicySize'), /^\d{1,3}$/);
      const session = credentials(child(r, 'Credentials'), 'ASIA', 3600);
      const me = await result({ Action: 'GetCallerIdentity' }, { service: 'sts', as: session });
      assert.equal(text(me, 'UserId'), `${account}:Bob`);
      assert.equal(text(me, 'Arn'), `arn:aws:sts::${account}:federated-user/Bob`);
    });
  });

  test('access keys: AKIA IDs, ISO dates, Status, and the secret only on creation', async () => {
    await call({ Action: 'CreateUser', UserName: 'keyed' });
    const key = child(await result({ Action: 'CreateAccessKey', UserName: 'keyed' }), 'AccessKey');
    assert.deepEqual(names(key), ['UserName', 'AccessKeyId', 'Status', 'SecretAccessKey', 'CreateDate']);
    accessKeyId(text(key, 'AccessKeyId'), 'AKIA', 'AccessKeyId');
    assert.equal(text(key, 'Status'), 'Active');
    isoDate(text(key, 'CreateDate'), 'AccessKey CreateDate');
    const listed = members(child(await result({ Action: 'ListAccessKeys', UserName: 'keyed' }), 'AccessKeyMetadata'));
    assert.deepEqual(listed.map((k) => names(k)), [['UserName', 'AccessKeyId', 'Status', 'CreateDate']]);
    assert.equal(text(listed[0]!, 'CreateDate'), text(key, 'CreateDate'));
  });
});
