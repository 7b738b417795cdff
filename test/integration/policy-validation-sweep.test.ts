// Policy documents people get wrong, sent through every IAM operation that takes one
// (CreatePolicy, CreatePolicyVersion, PutUserPolicy, PutRolePolicy, PutGroupPolicy for the
// size quota, CreateRole and UpdateAssumeRolePolicy for trust policies), with the answer AWS
// gives: error code, HTTP status and — where a recorded AWS answer exists — the message.
//
// Evidence, cited per case:
//   [MOTO]  getmoto/moto tests/test_iam/test_iam_policies.py, invalid_policy_document_test_cases:
//           CreatePolicy answers recorded from AWS.
//   [API]   IAM API Reference, CreatePolicy / PutUserPolicy / CreateRole: PolicyDocument
//           "Pattern: [\u0009\u000A\u000D\u0020-\u00FF]+", "Length Constraints: Minimum
//           length of 1"; MalformedPolicyDocument / LimitExceeded HTTP 400 / 409.
//   [QUOTA] IAM User Guide, "IAM and AWS STS quotas": managed 6,144, inline user 2,048,
//           group 5,120, role 10,240, role trust policy 2,048 characters; "IAM doesn't count
//           white space when calculating the size of a policy".
//   [GH-…]  Answers quoted in public issues (URL given at the case).
// Where no evidence of the message exists, only the code and status are asserted, and that
// nothing was stored. Every refused call is followed by a read proving nothing was written.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateGroupCommand, CreatePolicyCommand, CreatePolicyVersionCommand, CreateRoleCommand, CreateUserCommand, GetPolicyCommand,
  GetRoleCommand, GetRolePolicyCommand, GetUserPolicyCommand, GetGroupPolicyCommand, ListPolicyVersionsCommand, PutGroupPolicyCommand,
  PutRolePolicyCommand, PutUserPolicyCommand, UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

const MALFORMED = 'MalformedPolicyDocumentException';
const SYNTAX = 'Syntax errors in policy.';
const LEGACY = 'The policy failed legacy parsing';
const VENDOR = 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';
const PATTERN = '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+';

const ok = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::example-bucket/*' };
const doc = (statement: unknown, version: string | null = '2012-10-17') =>
  JSON.stringify(version === null ? { Statement: statement } : { Version: version, Statement: statement });
const withStatement = (extra: Record<string, unknown>) => doc({ ...ok, ...extra });

interface Case {
  name: string;
  text: string;
  /** SDK error name. */
  code: string;
  status: number;
  /** AWS's exact message, only where a recorded answer exists. */
  message?: string;
}

/** Identity-policy mistakes: the same answer from CreatePolicy, CreatePolicyVersion, PutUserPolicy and PutRolePolicy. */
const IDENTITY_CASES: Case[] = [
  // --- JSON that does not parse ------------------------------------------------------------
  // [MOTO] "This is not a json document" → Syntax errors in policy.; the same parser refuses
  // every text JSON cannot read ([GH] 99designs/iamy#74: `--policy-document null` → the same text).
  { name: 'trailing comma after the last statement member', text: doc(ok).replace('"}', '",}'), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'trailing comma after the Statement list', text: `{"Version":"2012-10-17","Statement":[${JSON.stringify(ok)},]}`, code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'single-quoted strings (a Python dict pasted as JSON)', text: doc(ok).replace(/"/g, "'"), code: MALFORMED, status: 400, message: SYNTAX },
  { name: '/* block comment */ inside the document', text: `{"Version":"2012-10-17", /* read only */ "Statement":${JSON.stringify(ok)}}`, code: MALFORMED, status: 400, message: SYNTAX },
  { name: '// line comment inside the document', text: `{"Version":"2012-10-17",\n// read only\n"Statement":${JSON.stringify(ok)}}`, code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'unquoted keys (YAML/JS object pasted)', text: `{Version:"2012-10-17",Statement:${JSON.stringify(ok)}}`, code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'two documents concatenated', text: doc(ok) + doc(ok), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'the literal null', text: 'null', code: MALFORMED, status: 400, message: SYNTAX }, // [GH] 99designs/iamy#74
  { name: 'a file name instead of the document (file:// forgotten)', text: 'policy.json', code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'white space only', text: '   \n', code: MALFORMED, status: 400, message: SYNTAX },
  // [API] The parameter's pattern excludes U+FEFF: a byte-order mark fails the model's
  // pattern before any JSON parsing, as a ValidationError.
  { name: 'UTF-8 byte-order mark in front of the JSON', text: `\uFEFF${doc(ok)}`, code: 'ValidationError', status: 400 },
  { name: 'raw control character U+0001 between tokens', text: `{\u0001"Version":"2012-10-17","Statement":${JSON.stringify(ok)}}`, code: 'ValidationError', status: 400 },
  { name: 'a character beyond U+00FF (CJK) in a resource', text: withStatement({ Resource: 'arn:aws:s3:::example-bucket/日本/*' }), code: 'ValidationError', status: 400 },
  { name: 'an emoji (astral plane) in a resource', text: withStatement({ Resource: 'arn:aws:s3:::example-bucket/\u{1F600}' }), code: 'ValidationError', status: 400 },
  { name: 'a curly quote pasted from a word processor', text: doc(ok).replace('"Allow"', '\u201CAllow\u201D'), code: 'ValidationError', status: 400 },

  // --- Version -------------------------------------------------------------------------------
  // [MOTO] "Version": "2013-10-17" → Syntax errors in policy.
  { name: 'Version 2013-01-01 (a date that is no policy version)', text: doc(ok, '2013-01-01'), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'Version as a number', text: `{"Version":2012,"Statement":${JSON.stringify(ok)}}`, code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'Version as the empty string', text: doc(ok, ''), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'Version as today\'s date', text: doc(ok, '2024-01-01'), code: MALFORMED, status: 400, message: SYNTAX },

  // --- Statement -----------------------------------------------------------------------------
  // [MOTO] {"Version": "2012-10-17"} and "Statement": [] → Syntax errors in policy.; ["afd"] too.
  { name: 'no Statement at all', text: '{"Version":"2012-10-17"}', code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'empty Statement list', text: doc([]), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'Statement list holding a string', text: doc(['Allow s3:GetObject']), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'Statement list nested in a list', text: doc([[ok]]), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'Statement: null', text: '{"Version":"2012-10-17","Statement":null}', code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'lower-case element name "statement"', text: JSON.stringify({ Version: '2012-10-17', statement: [ok] }), code: MALFORMED, status: 400, message: SYNTAX },
  // [MOTO] unknown statement field ("Extra field") → Syntax errors in policy.
  { name: 'lower-case "action" inside a statement', text: doc({ Effect: 'Allow', action: 's3:GetObject', Resource: '*' }), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'plural "Actions" inside a statement', text: doc({ Effect: 'Allow', Actions: ['s3:GetObject'], Resource: '*' }), code: MALFORMED, status: 400, message: SYNTAX },

  // --- Effect --------------------------------------------------------------------------------
  // [MOTO] "Effect": "denY" / "aLLow" → The policy failed legacy parsing; "invalid" and a
  // statement without Effect → Syntax errors in policy.
  { name: 'Effect "allow" in lower case', text: withStatement({ Effect: 'allow' }), code: MALFORMED, status: 400, message: LEGACY },
  { name: 'Effect "ALLOW" in upper case', text: withStatement({ Effect: 'ALLOW' }), code: MALFORMED, status: 400, message: LEGACY },
  { name: 'Effect "Permit"', text: withStatement({ Effect: 'Permit' }), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'Effect as a list', text: withStatement({ Effect: ['Allow'] }), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'no Effect', text: doc({ Action: 's3:GetObject', Resource: '*' }), code: MALFORMED, status: 400, message: SYNTAX },

  // --- Action / NotAction --------------------------------------------------------------------
  // [MOTO] Action with NotAction, and Resource with NotResource "*" → Syntax errors in policy.
  { name: 'Action and NotAction together', text: withStatement({ NotAction: 'iam:*' }), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'Resource and NotResource together', text: withStatement({ NotResource: 'arn:aws:s3:::other-bucket/*' }), code: MALFORMED, status: 400, message: SYNTAX },
  // [MOTO] "Action": [] / no Action → Policy statement must contain actions.
  { name: 'no Action', text: doc({ Effect: 'Allow', Resource: '*' }), code: MALFORMED, status: 400, message: 'Policy statement must contain actions.' },
  { name: 'empty Action list', text: withStatement({ Action: [] }), code: MALFORMED, status: 400, message: 'Policy statement must contain actions.' },
  // [MOTO] "Action": "invalid" → the vendor message; "s3:List:Bucket" → one colon.
  { name: 'action without a service prefix ("GetObject")', text: withStatement({ Action: 'GetObject' }), code: MALFORMED, status: 400, message: VENDOR },
  { name: 'action with an empty service prefix (":GetObject")', text: withStatement({ Action: ':GetObject' }), code: MALFORMED, status: 400, message: VENDOR },
  { name: 'an empty action string', text: withStatement({ Action: '' }), code: MALFORMED, status: 400, message: VENDOR },
  { name: 'an ARN written as an action', text: withStatement({ Action: 'arn:aws:s3:::example-bucket' }), code: MALFORMED, status: 400, message: 'Actions/Condition can contain only one colon.' },
  // [MOTO] "a a:ListBucket" → "Vendor a a is not valid" (the vendor quoted as written).
  { name: 'a space before the colon ("s3 :GetObject")', text: withStatement({ Action: 's3 :GetObject' }), code: MALFORMED, status: 400, message: 'Vendor s3  is not valid' },
  { name: 'an underscore in the service prefix', text: withStatement({ Action: 'ec2_x:RunInstances' }), code: MALFORMED, status: 400, message: 'Vendor ec2_x is not valid' },
  { name: 'an action that is a number', text: withStatement({ Action: 5 }), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'an action list holding a list', text: withStatement({ Action: [['s3:GetObject']] }), code: MALFORMED, status: 400, message: SYNTAX },

  // --- Resource ------------------------------------------------------------------------------
  // [MOTO] no Resource / "Resource": [] → Policy statement must contain resources.
  { name: 'no Resource', text: doc({ Effect: 'Allow', Action: 's3:GetObject' }), code: MALFORMED, status: 400, message: 'Policy statement must contain resources.' },
  { name: 'empty Resource list', text: withStatement({ Resource: [] }), code: MALFORMED, status: 400, message: 'Policy statement must contain resources.' },
  // [MOTO] "invalid resource" / "" → Resource <value> must be in ARN format or "*".
  { name: 'a bare bucket name as the resource', text: withStatement({ Resource: 'example-bucket' }), code: MALFORMED, status: 400, message: 'Resource example-bucket must be in ARN format or "*".' },
  { name: 'an empty resource string', text: withStatement({ Resource: '' }), code: MALFORMED, status: 400, message: 'Resource  must be in ARN format or "*".' },
  // [MOTO] "arn:aws" → Resource vendor must be fully qualified and cannot contain regexes.
  { name: 'a resource that stops at the partition', text: withStatement({ Resource: 'arn:aws' }), code: MALFORMED, status: 400, message: 'Resource vendor must be fully qualified and cannot contain regexes.' },
  // [MOTO] "aws:s3:::example_bucket" → Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".
  { name: 'a resource missing its "arn:" prefix', text: withStatement({ Resource: 'aws:s3:::example_bucket' }), code: MALFORMED, status: 400, message: 'Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".' },
  // [MOTO] "arn:aws:s3::example_bucket" (a colon short) → The policy failed legacy parsing.
  { name: 'an S3 ARN one colon short', text: withStatement({ Resource: 'arn:aws:s3::example_bucket' }), code: MALFORMED, status: 400, message: LEGACY },
  // [MOTO] "arn:aws:s3:us-east-1::example_bucket" → "Resource … can not contain region information."
  { name: 'a bucket ARN with a region', text: withStatement({ Resource: 'arn:aws:s3:us-east-1::example_bucket' }), code: MALFORMED, status: 400, message: 'Resource arn:aws:s3:us-east-1::example_bucket can not contain region information.' },
  { name: 'a resource that is an object', text: withStatement({ Resource: { a: 'arn:aws:s3:::example_bucket' } }), code: MALFORMED, status: 400, message: SYNTAX },

  // --- Condition -----------------------------------------------------------------------------
  // [MOTO] {"x": {"a": "1"}} (unknown operator), {"DateGreaterThan": {"a": {}}} (a value that
  // is an object), a Condition list, "ForAnyValue::StringEqualsIfExists" → Syntax errors in policy.
  // [GH] aws-cloudformation/cfn-lint#3751: a Condition with the key but no operator → Syntax errors in policy.
  { name: 'misspelled operator StringEqualz', text: withStatement({ Condition: { StringEqualz: { 'aws:username': 'alice' } } }), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'operator left out (key directly under Condition)', text: withStatement({ Condition: { 'aws:SourceIp': '203.0.113.0/24' } }), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'ForAnyValue with two colons', text: withStatement({ Condition: { 'ForAnyValue::StringLike': { 'aws:TagKeys': 'team*' } } }), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'a condition value that is an object', text: withStatement({ Condition: { StringEquals: { 'aws:PrincipalTag/team': { value: 'blue' } } } }), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'a condition value list holding a list', text: withStatement({ Condition: { StringEquals: { 'aws:PrincipalTag/team': [['blue']] } } }), code: MALFORMED, status: 400, message: SYNTAX },
  { name: 'Condition written as a list of blocks', text: withStatement({ Condition: [{ Bool: { 'aws:SecureTransport': 'true' } }] }), code: MALFORMED, status: 400, message: SYNTAX },
  // [MOTO] {"DateGreaterThan": {"a": "sdfdsf"}} → The policy failed legacy parsing.
  { name: 'a date condition with a human date', text: withStatement({ Condition: { DateLessThan: { 'aws:CurrentTime': 'next friday' } } }), code: MALFORMED, status: 400, message: LEGACY },

  // --- Principal in an identity policy -------------------------------------------------------
  // [GH] hashicorp/terraform-provider-aws#10419, localstack/localstack#10746:
  // "MalformedPolicyDocument: Policy document should not specify a principal."
  { name: 'a Principal in an identity policy', text: withStatement({ Principal: { AWS: 'arn:aws:iam::123456789012:root' } }), code: MALFORMED, status: 400, message: 'Policy document should not specify a principal.' },
  { name: 'Principal "*" in an identity policy', text: withStatement({ Principal: '*' }), code: MALFORMED, status: 400, message: 'Policy document should not specify a principal.' },
  { name: 'a NotPrincipal in an identity policy', text: withStatement({ Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:root' } }), code: MALFORMED, status: 400, message: 'Policy document should not specify a principal.' },

  // --- Sid -----------------------------------------------------------------------------------
  // [MOTO] duplicate "sdf" Sids → Statement IDs (SID) in a single policy must be unique.
  // [GH] kubernetes/kops#4951 quotes the same text from PutRolePolicy.
  { name: 'duplicate Sids', text: doc([{ ...ok, Sid: 'Read' }, { ...ok, Sid: 'Read', Action: 's3:ListBucket' }]), code: MALFORMED, status: 400, message: 'Statement IDs (SID) in a single policy must be unique.' },
  // "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
  // (IAM's answer; the IAM User Guide, "Sid": "supports ASCII uppercase letters (A-Z), lowercase letters (a-z), and numbers (0-9)").
  { name: 'a Sid with a hyphen', text: withStatement({ Sid: 'read-objects' }), code: MALFORMED, status: 400, message: 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*' },
  { name: 'a Sid with a space', text: withStatement({ Sid: 'Read objects' }), code: MALFORMED, status: 400, message: 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*' },
  { name: 'a Sid with a Latin-1 letter (é passes the pattern, not the Sid rule)', text: withStatement({ Sid: 'Caf\u00e9' }), code: MALFORMED, status: 400, message: 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*' },
  // [MOTO] "Sid": {} / [] → Syntax errors in policy.
  { name: 'a Sid that is a number', text: withStatement({ Sid: 1 }), code: MALFORMED, status: 400, message: SYNTAX },
];

/** Documents AWS accepts although they look wrong: accepted through every identity operation, and stored. */
const IDENTITY_ACCEPTED: { name: string; text: string }[] = [
  // [MOTO] valid_policy_documents: "service-prefix:action-name", "fsx:ListBucket" — IAM does
  // not check that a service or action exists.
  { name: 'an unknown service prefix', text: withStatement({ Action: 'notaservice:DoSomething' }) },
  { name: 'an unknown action of a known service', text: withStatement({ Action: 's3:GetObjectz' }) },
  // [MOTO] valid: "iam: asdf safdsf af " (an action name with spaces).
  { name: 'an action name with spaces', text: withStatement({ Action: 's3: Get Object ' }) },
  // [MOTO] valid: "Condition": {} and {"DateGreaterThan": {}}; condition keys need no vendor prefix.
  { name: 'an empty Condition', text: withStatement({ Condition: {} }) },
  // Condition values may be JSON numbers and booleans (IAM User Guide, "Condition element":
  // the examples write `"aws:MultiFactorAuthPresent": true`, `"s3:max-keys": 10`).
  { name: 'a numeric condition value written as a JSON number', text: withStatement({ Condition: { NumericLessThanEquals: { 's3:max-keys': 10 } } }) },
  { name: 'a Bool condition value written as a JSON boolean', text: withStatement({ Condition: { Bool: { 'aws:SecureTransport': true } } }) },
  // IAM User Guide, "IAM policy elements: Variables and tags": ${aws:username} in Resource.
  { name: 'a policy variable in Resource', text: withStatement({ Resource: 'arn:aws:s3:::example-bucket/home/${aws:username}/*' }) },
  { name: 'a Statement written as one object, not a list', text: doc(ok) },
  { name: 'Latin-1 characters inside a resource (within the pattern)', text: withStatement({ Resource: 'arn:aws:s3:::example-bucket/caf\u00e9/*' }) },
  // A \u escape is ASCII text: the pattern is checked on the text, the JSON value may hold any character.
  { name: 'a \\u escape of a character beyond U+00FF', text: doc(ok).replace('example-bucket/*', 'example-bucket/\\u65e5/*') },
];

describe('policy validation sweep: documents people get wrong, through every IAM operation that takes one', () => {
  let server: TestServer;
  let policyArn: string;
  let counter = 0;
  const unique = (prefix: string) => `${prefix}${++counter}`;

  before(async () => {
    server = await startTestServer();
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'ops' }));
    await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST_OK }));
    policyArn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'base', PolicyDocument: doc(ok) }))).Policy!.Arn!;
  });
  after(async () => server.stop());

  /**
   * What is wrong with the answer to one refused call ([] when it is AWS's answer). Problems
   * are collected, not thrown, so that one wrong case does not hide the others.
   */
  const refusal = async (label: string, call: () => Promise<unknown>, c: Case): Promise<string[]> => {
    let err: Awaited<ReturnType<typeof awsError>>;
    try {
      err = await awsError(call);
    } catch {
      return [`${label} / ${c.name}: accepted, expected ${c.code}${c.message ? ` "${c.message}"` : ''}`];
    }
    const problems: string[] = [];
    if (err.name !== c.code) problems.push(`${label} / ${c.name}: ${err.name} "${err.message}", expected ${c.code}`);
    else if (err.status !== c.status) problems.push(`${label} / ${c.name}: HTTP ${err.status}, expected ${c.status}`);
    else if (c.message !== undefined && err.message !== c.message) problems.push(`${label} / ${c.name}: "${err.message}", expected "${c.message}"`);
    else if (c.code === 'ValidationError' && !err.message.includes(`failed to satisfy constraint: Member must satisfy regular expression pattern: ${PATTERN}`)) {
      problems.push(`${label} / ${c.name}: "${err.message}", expected the pattern ${PATTERN}`);
    }
    return problems;
  };
  const expectRefused = async (label: string, call: () => Promise<unknown>, c: Case) => {
    assert.deepEqual(await refusal(label, call, c), []);
  };

  test(`${IDENTITY_CASES.length} identity-policy mistakes: CreatePolicy refuses each with AWS's answer and creates nothing`, async () => {
    const iam = server.iam();
    const problems: string[] = [];
    for (const c of IDENTITY_CASES) {
      const name = unique('bad');
      problems.push(...await refusal('CreatePolicy', () => iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: c.text })), c));
      const missing = await awsError(() => iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${server.accountId}:policy/${name}` })));
      assert.equal(missing.name, 'NoSuchEntityException', `${c.name}: nothing created`);
    }
    assert.deepEqual(problems, []);
  });

  test('CreatePolicyVersion refuses each and leaves the policy at v1', async () => {
    const iam = server.iam();
    const problems: string[] = [];
    for (const c of IDENTITY_CASES) {
      problems.push(...await refusal('CreatePolicyVersion', () => iam.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: c.text, SetAsDefault: true })), c));
    }
    assert.deepEqual(problems, []);
    const versions = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: policyArn }))).Versions!;
    assert.deepEqual(versions.map((v) => [v.VersionId, v.IsDefaultVersion]), [['v1', true]]);
  });

  test('PutUserPolicy refuses each and stores nothing (GetUserPolicy: NoSuchEntity)', async () => {
    const iam = server.iam();
    const problems: string[] = [];
    for (const c of IDENTITY_CASES) {
      const name = unique('inline');
      problems.push(...await refusal('PutUserPolicy', () => iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: name, PolicyDocument: c.text })), c));
      const missing = await awsError(() => iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: name })));
      assert.equal(missing.name, 'NoSuchEntityException', `${c.name}: nothing stored`);
      assert.equal(missing.status, 404);
    }
    assert.deepEqual(problems, []);
  });

  test('PutRolePolicy refuses each and stores nothing (GetRolePolicy: NoSuchEntity)', async () => {
    const iam = server.iam();
    const problems: string[] = [];
    for (const c of IDENTITY_CASES) {
      const name = unique('inline');
      problems.push(...await refusal('PutRolePolicy', () => iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: name, PolicyDocument: c.text })), c));
      const missing = await awsError(() => iam.send(new GetRolePolicyCommand({ RoleName: 'app', PolicyName: name })));
      assert.equal(missing.name, 'NoSuchEntityException', `${c.name}: nothing stored`);
    }
    assert.deepEqual(problems, []);
  });

  test('an empty document is a ValidationError of length and pattern, not MalformedPolicyDocument [API]', async () => {
    const iam = server.iam();
    for (const call of [
      () => iam.send(new CreatePolicyCommand({ PolicyName: 'empty', PolicyDocument: '' })),
      () => iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'empty', PolicyDocument: '' })),
      () => iam.send(new CreateRoleCommand({ RoleName: 'empty', AssumeRolePolicyDocument: '' })),
    ]) {
      const err = await awsError(call);
      assert.equal(err.name, 'ValidationError');
      assert.equal(err.status, 400);
      assert.match(err.message, /Member must have length greater than or equal to 1/);
    }
    assert.equal((await awsError(() => iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'empty' })))).name, 'NoSuchEntityException');
  });

  test('the managed-policy Version rule: CreatePolicy and CreatePolicyVersion need 2012-10-17, inline policies do not [MOTO]', async () => {
    const iam = server.iam();
    const version = 'Policy document must be version 2012-10-17 or greater.';
    for (const text of [doc(ok, null), doc(ok, '2008-10-17'), doc({ ...ok, Resource: 'arn:aws:s3:::example-bucket/${aws:username}' }, '2008-10-17')]) {
      const c: Case = { name: text, text, code: MALFORMED, status: 400, message: version };
      await expectRefused('CreatePolicy', () => iam.send(new CreatePolicyCommand({ PolicyName: unique('old'), PolicyDocument: text })), c);
      await expectRefused('CreatePolicyVersion', () => iam.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: text })), c);
    }
    // A wrong-case Effect would fail legacy parsing, but the Version is checked first [MOTO].
    await expectRefused('CreatePolicy', () => iam.send(new CreatePolicyCommand({ PolicyName: unique('old'), PolicyDocument: doc({ ...ok, Effect: 'denY' }, null) })),
      { name: 'version before legacy', text: '', code: MALFORMED, status: 400, message: version });
    // Inline policies take an old or missing Version.
    await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'legacy', PolicyDocument: doc(ok, null) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'legacy', PolicyDocument: doc(ok, '2008-10-17') }));
    assert.equal(decodeURIComponent((await iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'legacy' }))).PolicyDocument!), doc(ok, null));
  });

  test(`${IDENTITY_ACCEPTED.length} documents that look wrong but AWS accepts: stored through every identity operation, byte for byte`, async () => {
    const iam = server.iam();
    for (const { name, text } of IDENTITY_ACCEPTED) {
      const policyName = unique('fine');
      const created = (await iam.send(new CreatePolicyCommand({ PolicyName: policyName, PolicyDocument: text }))).Policy!;
      assert.equal(created.DefaultVersionId, 'v1', name);
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: created.Arn, PolicyDocument: text, SetAsDefault: true }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: policyName, PolicyDocument: text }));
      await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: policyName, PolicyDocument: text }));
      const stored = decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: 'app', PolicyName: policyName }))).PolicyDocument!);
      assert.equal(stored, text, `${name}: stored as written`);
      await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: policyName, PolicyDocument: doc(ok) })); // keep alice small
    }
  });

  // --- Size quotas [QUOTA] --------------------------------------------------------------------

  /** A document of exactly `size` non-white-space characters (the Resource is padded). */
  const sized = (size: number) => {
    const base = doc({ ...ok, Resource: 'arn:aws:s3:::b/' });
    const text = doc({ ...ok, Resource: `arn:aws:s3:::b/${'x'.repeat(size - base.replace(/\s/g, '').length)}` });
    assert.equal(text.replace(/\s/g, '').length, size);
    return text;
  };
  /** The same document, pretty-printed: white space does not count. */
  const pretty = (text: string) => JSON.stringify(JSON.parse(text), null, 4);

  test('managed policy size: 6,144 characters (white space excluded) fits, 6,145 is LimitExceeded 409 "Cannot exceed quota for PolicySize: 6144"', async () => {
    const iam = server.iam();
    const quota = 'Cannot exceed quota for PolicySize: 6144'; // [GH] hashicorp/terraform-provider-aws issues quote this text; [QUOTA]
    const fits = (await iam.send(new CreatePolicyCommand({ PolicyName: 'at-quota', PolicyDocument: pretty(sized(6144)) }))).Policy!;
    for (const call of [
      () => iam.send(new CreatePolicyCommand({ PolicyName: 'over-quota', PolicyDocument: sized(6145) })),
      () => iam.send(new CreatePolicyVersionCommand({ PolicyArn: fits.Arn, PolicyDocument: sized(6145) })),
    ]) {
      const err = await awsError(call);
      assert.equal(err.name, 'LimitExceededException');
      assert.equal(err.status, 409);
      assert.equal(err.message, quota);
    }
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: fits.Arn, PolicyDocument: sized(6144) }));
    assert.equal((await awsError(() => iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${server.accountId}:policy/over-quota` })))).name, 'NoSuchEntityException');
    assert.equal((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: fits.Arn }))).Versions!.length, 2, 'the oversized version was not added');
  });

  test('inline policy size: user 2,048, group 5,120, role 10,240 — at the quota fits, one over is LimitExceeded naming the entity', async () => {
    const iam = server.iam();
    // "Maximum policy size of 2048 bytes exceeded for user <name>" (IAM's LimitExceeded text for inline policies).
    const cases = [
      { limit: 2048, what: 'user', name: 'quota-user', create: () => iam.send(new CreateUserCommand({ UserName: 'quota-user' })),
        put: (n: string, t: string) => iam.send(new PutUserPolicyCommand({ UserName: 'quota-user', PolicyName: n, PolicyDocument: t })),
        get: (n: string) => iam.send(new GetUserPolicyCommand({ UserName: 'quota-user', PolicyName: n })) },
      { limit: 5120, what: 'group', name: 'quota-group', create: () => iam.send(new CreateGroupCommand({ GroupName: 'quota-group' })),
        put: (n: string, t: string) => iam.send(new PutGroupPolicyCommand({ GroupName: 'quota-group', PolicyName: n, PolicyDocument: t })),
        get: (n: string) => iam.send(new GetGroupPolicyCommand({ GroupName: 'quota-group', PolicyName: n })) },
      { limit: 10240, what: 'role', name: 'quota-role', create: () => iam.send(new CreateRoleCommand({ RoleName: 'quota-role', AssumeRolePolicyDocument: TRUST_OK })),
        put: (n: string, t: string) => iam.send(new PutRolePolicyCommand({ RoleName: 'quota-role', PolicyName: n, PolicyDocument: t })),
        get: (n: string) => iam.send(new GetRolePolicyCommand({ RoleName: 'quota-role', PolicyName: n })) },
    ];
    for (const c of cases) {
      await c.create();
      const over = await awsError(() => c.put('over', sized(c.limit + 1)));
      assert.equal(over.name, 'LimitExceededException', c.what);
      assert.equal(over.status, 409);
      assert.equal(over.message, `Maximum policy size of ${c.limit} bytes exceeded for ${c.what} ${c.name}`);
      assert.equal((await awsError(() => c.get('over'))).name, 'NoSuchEntityException', `${c.what}: nothing stored`);
      await c.put('at', pretty(sized(c.limit)));
      assert.equal(decodeURIComponent((await c.get('at')).PolicyDocument!), pretty(sized(c.limit)));
    }
  });

  // --- Trust policies ---------------------------------------------------------------------------

  test(`trust-policy mistakes: CreateRole refuses each (no role made) and UpdateAssumeRolePolicy refuses each (trust unchanged)`, async () => {
    const iam = server.iam();
    const problems: string[] = [];
    for (const c of TRUST_CASES(server.accountId)) {
      const roleName = unique('trust');
      const created = await refusal('CreateRole', () => iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: c.text })), c);
      problems.push(...created);
      if (created.length === 0) {
        assert.equal((await awsError(() => iam.send(new GetRoleCommand({ RoleName: roleName })))).name, 'NoSuchEntityException', `${c.name}: no role`);
      }
      problems.push(...await refusal('UpdateAssumeRolePolicy', () => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'app', PolicyDocument: c.text })), c));
      const current = decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: 'app' }))).Role!.AssumeRolePolicyDocument!);
      if (current !== TRUST_OK) {
        problems.push(`UpdateAssumeRolePolicy / ${c.name}: the trust policy was replaced`);
        await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'app', PolicyDocument: TRUST_OK }));
      }
    }
    assert.deepEqual(problems, []);
  });

  test('trust-policy size: 2,048 characters fits, 2,049 is LimitExceeded 409 "Cannot exceed quota for ACLSizePerRole: 2048" on create and update', async () => {
    const iam = server.iam();
    const base = trust({ AWS: '123456789012' }, { Sid: 'S' });
    const ofSize = (n: number) => base.replace('"Sid":"S"', `"Sid":"S${'a'.repeat(n - base.length)}"`);
    assert.equal(ofSize(2049).length, 2049);
    for (const call of [
      () => iam.send(new CreateRoleCommand({ RoleName: 'big-trust', AssumeRolePolicyDocument: ofSize(2049) })),
      () => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'app', PolicyDocument: ofSize(2049) })),
    ]) {
      const err = await awsError(call);
      assert.equal(err.name, 'LimitExceededException');
      assert.equal(err.status, 409);
      assert.equal(err.message, 'Cannot exceed quota for ACLSizePerRole: 2048');
    }
    assert.equal((await awsError(() => iam.send(new GetRoleCommand({ RoleName: 'big-trust' })))).name, 'NoSuchEntityException');
    await iam.send(new CreateRoleCommand({ RoleName: 'big-trust', AssumeRolePolicyDocument: pretty(ofSize(2048)) }));
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'big-trust', PolicyDocument: ofSize(2048) }));
  });

  test('trust policies AWS accepts although they look unusual', async () => {
    const iam = server.iam();
    for (const text of [
      // IAM User Guide, Principal: "AWS": "123456789012" (an account ID) and "*" are valid principals.
      trust({ AWS: '123456789012' }),
      trust('*'),
      // Regional service principals (e.g. logs.<region>.amazonaws.com) are real principals.
      trust({ Service: 'logs.us-east-1.amazonaws.com' }),
      // No Version: trust policies are not managed policies (only CreatePolicy requires 2012-10-17).
      JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
      // sts:TagSession alongside sts:AssumeRole (IAM User Guide, "Passing session tags in AWS STS").
      trust({ AWS: '123456789012' }, { Action: ['sts:AssumeRole', 'sts:TagSession'] }),
    ]) {
      const roleName = unique('fine-trust');
      await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: text }));
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: text }));
    }
  });

  // --- The aws CLI -------------------------------------------------------------------------------

  test('the aws CLI prints AWS\'s line for a trailing comma and for a Principal in an identity policy', async () => {
    const home = await mkdtemp(join(tmpdir(), 'tessera-cli-'));
    try {
      const run = (args: string[]) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile('aws', ['--endpoint-url', server.url, ...args], {
          env: {
            ...process.env, HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
            AWS_ACCESS_KEY_ID: server.root.accessKeyId, AWS_SECRET_ACCESS_KEY: server.root.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1',
            AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '', AWS_MAX_ATTEMPTS: '1',
          },
        }, (error, _stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr }));
      });
      // [GH] 99designs/iamy#74: "An error occurred (MalformedPolicyDocument) when calling the CreatePolicy operation: Syntax errors in policy."
      const comma = await run(['iam', 'create-policy', '--policy-name', 'cli-comma', '--policy-document', doc(ok).replace('"}', '",}')]);
      assert.notEqual(comma.code, 0);
      assert.match(comma.stderr, /An error occurred \(MalformedPolicyDocument\) when calling the CreatePolicy operation: Syntax errors in policy\./);
      const principal = await run(['iam', 'put-user-policy', '--user-name', 'alice', '--policy-name', 'cli-principal', '--policy-document', withStatement({ Principal: '*' })]);
      assert.notEqual(principal.code, 0);
      assert.match(principal.stderr, /An error occurred \(MalformedPolicyDocument\) when calling the PutUserPolicy operation: Policy document should not specify a principal\./);
      const trustComma = await run(['iam', 'create-role', '--role-name', 'cli-role', '--assume-role-policy-document', `${TRUST_OK.slice(0, -1)},}`]);
      // [GH] AWSCookbook/Security#2, brendanhay/amazonka#434: CreateRole with text that is not JSON.
      assert.match(trustComma.stderr, /An error occurred \(MalformedPolicyDocument\) when calling the CreateRole operation: This policy contains invalid Json/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

function trust(principal: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra }] });
}
const TRUST_OK = trust({ Service: 'ec2.amazonaws.com' });

/** Trust-policy mistakes, each refused by CreateRole and UpdateAssumeRolePolicy alike. */
function TRUST_CASES(accountId: string): Case[] {
  return [
    // [GH] aws-samples/aws-microservices-deploy-options#118, AWSCookbook/Security#2: a trust
    // policy that is not JSON → "This policy contains invalid Json".
    { name: 'trust policy with a trailing comma', text: `${TRUST_OK.slice(0, -1)},}`, code: MALFORMED, status: 400, message: 'This policy contains invalid Json' },
    { name: 'a file name instead of the trust policy', text: 'trust-policy.json', code: MALFORMED, status: 400, message: 'This policy contains invalid Json' },
    { name: 'trust policy with a byte-order mark', text: `\uFEFF${TRUST_OK}`, code: 'ValidationError', status: 400 }, // [API] pattern
    { name: 'trust policy with a curly quote', text: TRUST_OK.replace('"Allow"', '\u201CAllow\u201D'), code: 'ValidationError', status: 400 },
    // [GH] devopsacademyau/academy#1368: CreateRole "Has prohibited field Resource".
    { name: 'a Resource in a trust policy (permissions pasted as trust)', text: trust({ Service: 'ec2.amazonaws.com' }, { Resource: '*' }), code: MALFORMED, status: 400, message: 'Has prohibited field Resource' },
    // AWS: "AssumeRole policy may only specify STS AssumeRole actions."
    { name: 'a permissions statement as the trust policy', text: trust({ Service: 'ec2.amazonaws.com' }, { Action: 's3:GetObject' }), code: MALFORMED, status: 400, message: 'AssumeRole policy may only specify STS AssumeRole actions.' },
    { name: 'iam:PassRole in a trust policy', text: trust({ AWS: '123456789012' }, { Action: 'iam:PassRole' }), code: MALFORMED, status: 400, message: 'AssumeRole policy may only specify STS AssumeRole actions.' },
    // No recorded text for a trust policy without Principal: the code only.
    { name: 'a trust policy without Principal', text: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] }), code: MALFORMED, status: 400 },
    // [GH] opstrace/opstrace#88, hashicorp/terraform-provider-aws#8905: a user or role that
    // does not exist → Invalid principal in policy: "AWS":"<arn>".
    { name: 'a user that does not exist', text: trust({ AWS: `arn:aws:iam::${accountId}:user/nobody` }), code: MALFORMED, status: 400, message: `Invalid principal in policy: "AWS":"arn:aws:iam::${accountId}:user/nobody"` },
    { name: 'a role that does not exist', text: trust({ AWS: `arn:aws:iam::${accountId}:role/nobody` }), code: MALFORMED, status: 400, message: `Invalid principal in policy: "AWS":"arn:aws:iam::${accountId}:role/nobody"` },
    // A wildcard inside a principal ARN is refused (IAM User Guide, Principal: "You cannot
    // use a wildcard to match part of a principal name or ARN"); AWS quotes the value.
    { name: 'a wildcard inside a role ARN', text: trust({ AWS: 'arn:aws:iam::123456789012:role/*' }), code: MALFORMED, status: 400, message: 'Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/*"' },
    { name: 'an account ID one digit short', text: trust({ AWS: '12345678901' }), code: MALFORMED, status: 400, message: 'Invalid principal in policy: "AWS":"12345678901"' },
    { name: 'a role name instead of its ARN', text: trust({ AWS: 'deploy-role' }), code: MALFORMED, status: 400, message: 'Invalid principal in policy: "AWS":"deploy-role"' },
    // [GH] aws-cdk issue (lightrun mirror): ServicePrincipal('') → Invalid principal in policy: "SERVICE":"".
    { name: 'an empty service principal', text: trust({ Service: '' }), code: MALFORMED, status: 400, message: 'Invalid principal in policy: "SERVICE":""' },
    // [GH] aws-samples/aws-cdk-examples#801: Invalid principal in policy: "SERVICE":"amazonaws.com".
    { name: 'a service principal that is only the domain', text: trust({ Service: 'amazonaws.com' }), code: MALFORMED, status: 400, message: 'Invalid principal in policy: "SERVICE":"amazonaws.com"' },
    { name: 'a service principal with a trailing space', text: trust({ Service: 'ec2.amazonaws.com ' }), code: MALFORMED, status: 400, message: 'Invalid principal in policy: "SERVICE":"ec2.amazonaws.com "' },
    { name: 'a wildcard service principal', text: trust({ Service: '*.amazonaws.com' }), code: MALFORMED, status: 400, message: 'Invalid principal in policy: "SERVICE":"*.amazonaws.com"' },
    // [GH] terraform-aws-modules/terraform-aws-iam#202: "MalformedPolicyDocument: Federated
    // principals must be valid domain names or SAML metadata ARNs".
    { name: 'a federated principal that is no domain name', text: trust({ Federated: 'my oidc provider' }, { Action: 'sts:AssumeRoleWithWebIdentity' }), code: MALFORMED, status: 400, message: 'Federated principals must be valid domain names or SAML metadata ARNs' },
    { name: 'a federated principal that is a user ARN', text: trust({ Federated: 'arn:aws:iam::123456789012:user/bob' }, { Action: 'sts:AssumeRoleWithWebIdentity' }), code: MALFORMED, status: 400 },
    // [MOTO]-recorded parser texts hold for trust policies too (same parser).
    { name: 'Effect "allow" in a trust policy', text: trust({ Service: 'ec2.amazonaws.com' }, { Effect: 'allow' }), code: MALFORMED, status: 400, message: LEGACY },
    { name: 'a misspelled operator in a trust policy', text: trust({ AWS: '123456789012' }, { Condition: { StringEqualz: { 'sts:ExternalId': 'x' } } }), code: MALFORMED, status: 400, message: SYNTAX },
    { name: 'an empty Statement list in a trust policy', text: JSON.stringify({ Version: '2012-10-17', Statement: [] }), code: MALFORMED, status: 400, message: SYNTAX },
    { name: 'Version 2013-01-01 in a trust policy', text: JSON.stringify({ Version: '2013-01-01', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }), code: MALFORMED, status: 400, message: SYNTAX },
    // IAM User Guide, NotPrincipal: not allowed in a role trust policy. No recorded text: code only.
    { name: 'NotPrincipal in a trust policy', text: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' }] }), code: MALFORMED, status: 400 },
  ];
}
