// Policy-evaluation conformance sweep against AWS's documentation, through the real server.
//
// Every row of TABLE is one documented rule: (source, policy, request, expected decision),
// run through SimulateCustomPolicy with the AWS SDK. A representative subset is then
// enforced for real: an IAM user (or role session, or member account) holding the policy
// calls IAM. Rows marked `ambiguous` pin Tessera's answer where AWS's documentation is
// silent or contradicts itself (see the report that accompanies this file). Tests named
// "DIVERGENCE" fail while Tessera answers differently from AWS's documented behaviour.
//
// Sources (IAM User Guide; text quoted beside the rows):
//   OPS   = "IAM JSON policy elements: Condition operators"
//           https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
//   MULTI = "Conditions with multiple context keys or values" / "Set operators for multivalued context keys"
//           https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
//   VARS  = "IAM policy elements: Variables and tags"
//           https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
//   VER   = "IAM JSON policy elements: Version"
//           https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
//   RES   = "IAM JSON policy elements: Resource"
//           https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
//   ACT   = "IAM JSON policy elements: Action" / "NotAction"
//   NOTP  = "IAM JSON policy elements: NotPrincipal"
//   EVAL  = "Policy evaluation logic" (and its boundary / session-policy / SCP sections)
//           https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
//   KEYS  = "AWS global condition context keys"
//           https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
//   COND  = "IAM JSON policy elements: Condition" ("Condition key names are not case-sensitive")
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAccessKeyCommand, CreatePolicyCommand as CreateIamPolicyCommand, CreateRoleCommand, CreateUserCommand,
  GetUserCommand, ListRolesCommand, ListUsersCommand, PutRolePolicyCommand, PutUserPermissionsBoundaryCommand, PutUserPolicyCommand, SimulateCustomPolicyCommand,
  type ContextEntry, type IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  AttachPolicyCommand, CreateAccountCommand, CreateOrganizationalUnitCommand, CreateOrganizationCommand, CreatePolicyCommand,
  DetachPolicyCommand, EnablePolicyTypeCommand, ListRootsCommand, MoveAccountCommand,
} from '@aws-sdk/client-organizations';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { organizationsClients } from '../support/organizations.ts';

type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';
type Ctx = [name: string, values: string[], type?: ContextEntry['ContextKeyType']];

interface Row {
  /** The documented rule (source tag from the header, and the words it rests on). */
  rule: string;
  /** Statement(s) of one identity policy, or whole documents (strings). ACCT is replaced. */
  policy: object | object[] | string;
  extraPolicies?: (object | object[] | string)[];
  boundary?: object | object[];
  resourcePolicy?: object | object[];
  callerArn?: string;
  action?: string;
  resource?: string;
  context?: Ctx[];
  expect: Decision;
  /** AWS's documentation is silent or ambiguous: the row pins what Tessera does. */
  ambiguous?: boolean;
}

const V12 = '2012-10-17';
const doc = (statement: object | object[], version = V12) => JSON.stringify({ Version: version, Statement: statement });
const allow = (extra: object = {}) => ({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*', ...extra });
const when = (condition: object) => allow({ Condition: condition });

const TABLE: Row[] = [
  // ---- String operators (OPS: "StringEquals  Exact matching, case sensitive") ----
  { rule: 'OPS StringEquals is case-sensitive (match)', policy: when({ StringEquals: { 'aws:RequestTag/env': 'prod' } }), context: [['aws:RequestTag/env', ['prod']]], expect: 'allowed' },
  { rule: 'OPS StringEquals is case-sensitive (case differs)', policy: when({ StringEquals: { 'aws:RequestTag/env': 'Prod' } }), context: [['aws:RequestTag/env', ['prod']]], expect: 'implicitDeny' },
  { rule: 'OPS StringEqualsIgnoreCase "Exact matching, ignoring case"', policy: when({ StringEqualsIgnoreCase: { 'aws:RequestTag/env': 'PROD' } }), context: [['aws:RequestTag/env', ['prod']]], expect: 'allowed' },
  { rule: 'OPS StringNotEqualsIgnoreCase "Negated matching, ignoring case"', policy: when({ StringNotEqualsIgnoreCase: { 'aws:RequestTag/env': 'PROD' } }), context: [['aws:RequestTag/env', ['prod']]], expect: 'implicitDeny' },
  { rule: 'OPS Important: a missing key makes a positive operator false', policy: when({ StringEquals: { 'aws:RequestTag/env': 'prod' } }), expect: 'implicitDeny' },
  { rule: 'OPS Important: "If the policy condition requires that the key is not matched … and the right key is not present, the condition is true"', policy: when({ StringNotEquals: { 'aws:RequestTag/env': 'prod' } }), expect: 'allowed' },
  { rule: 'OPS StringNotLike with the key missing is true', policy: when({ StringNotLike: { 'aws:RequestTag/env': 'p*' } }), expect: 'allowed' },
  { rule: 'OPS StringLike "*" matches many characters', policy: when({ StringLike: { 's3:prefix': 'home/*' } }), context: [['s3:prefix', ['home/alice/docs']]], expect: 'allowed' },
  { rule: 'OPS StringLike "?" matches exactly one character', policy: when({ StringLike: { 's3:prefix': 'h?me' } }), context: [['s3:prefix', ['hoome']]], expect: 'implicitDeny' },
  { rule: 'OPS StringLike "?" matches one character', policy: when({ StringLike: { 's3:prefix': 'h?me' } }), context: [['s3:prefix', ['home']]], expect: 'allowed' },
  { rule: 'OPS StringLike "You must specify wildcards to achieve partial string matches"', policy: when({ StringLike: { 's3:prefix': 'home' } }), context: [['s3:prefix', ['home/alice']]], expect: 'implicitDeny' },
  { rule: 'OPS StringLike is case-sensitive', policy: when({ StringLike: { 's3:prefix': 'Home/*' } }), context: [['s3:prefix', ['home/x']]], expect: 'implicitDeny' },
  { rule: 'OPS StringLike s3:prefix example lists "" as a value', policy: when({ StringLike: { 's3:prefix': ['', 'home/'] } }), context: [['s3:prefix', ['']]], expect: 'allowed' },
  { rule: '(silent) StringLike "*" spans a newline in a multi-line value', policy: when({ StringLike: { 'aws:RequestTag/note': 'line1*line3' } }), context: [['aws:RequestTag/note', ['line1\nline2\nline3']]], expect: 'allowed', ambiguous: true },
  { rule: '(silent) StringLike "?" matches a newline', policy: when({ StringLike: { 'aws:RequestTag/note': 'a?b' } }), context: [['aws:RequestTag/note', ['a\nb']]], expect: 'allowed', ambiguous: true },

  // ---- Multiple values / keys / operators (MULTI) ----
  { rule: 'MULTI "multiple values for a context key … evaluated using a logical OR"', policy: when({ StringEquals: { 'aws:RequestTag/env': ['dev', 'prod'] } }), context: [['aws:RequestTag/env', ['prod']]], expect: 'allowed' },
  { rule: 'MULTI "negated matching condition operator … multiple values … logical NOR" (one matches)', policy: when({ StringNotEquals: { 'aws:RequestTag/env': ['dev', 'prod'] } }), context: [['aws:RequestTag/env', ['prod']]], expect: 'implicitDeny' },
  { rule: 'MULTI negated operator, NOR (none matches)', policy: when({ StringNotEquals: { 'aws:RequestTag/env': ['dev', 'prod'] } }), context: [['aws:RequestTag/env', ['test']]], expect: 'allowed' },
  { rule: 'MULTI "multiple context keys attached to a single condition operator … logical AND"', policy: when({ StringEquals: { 'aws:RequestTag/env': 'prod', 'aws:RequestTag/team': 'red' } }), context: [['aws:RequestTag/env', ['prod']], ['aws:RequestTag/team', ['blue']]], expect: 'implicitDeny' },
  { rule: 'MULTI "multiple condition operators … logical AND"', policy: when({ StringEquals: { 'aws:RequestTag/env': 'prod' }, StringLike: { 'aws:RequestTag/team': 'r*' } }), context: [['aws:RequestTag/env', ['prod']], ['aws:RequestTag/team', ['red']]], expect: 'allowed' },
  { rule: 'MULTI multiple operators AND (second false)', policy: when({ StringEquals: { 'aws:RequestTag/env': 'prod' }, StringLike: { 'aws:RequestTag/team': 'b*' } }), context: [['aws:RequestTag/env', ['prod']], ['aws:RequestTag/team', ['red']]], expect: 'implicitDeny' },

  // ---- Condition key names are case-insensitive, values are not (COND, VARS) ----
  { rule: 'COND "Condition key names are not case-sensitive" (AWS:SOURCEIP ≡ aws:SourceIp)', policy: when({ IpAddress: { 'AWS:SOURCEIP': '203.0.113.0/24' } }), context: [['aws:SourceIp', ['203.0.113.9'], 'ip']], expect: 'allowed' },
  { rule: 'VARS "Key names are case-insensitive … aws:CurrentTime is equivalent to AWS:currenttime"', policy: when({ DateGreaterThan: { 'AWS:currenttime': '2020-01-01T00:00:00Z' } }), context: [['aws:CurrentTime', ['2021-01-01T00:00:00Z'], 'date']], expect: 'allowed' },

  // ---- Numeric (OPS: "comparing a key to an integer or decimal value") ----
  { rule: 'OPS NumericLessThanEquals s3:max-keys 10 with 10', policy: when({ NumericLessThanEquals: { 's3:max-keys': '10' } }), context: [['s3:max-keys', ['10'], 'numeric']], expect: 'allowed' },
  { rule: 'OPS NumericLessThanEquals s3:max-keys 10 with 11', policy: when({ NumericLessThanEquals: { 's3:max-keys': '10' } }), context: [['s3:max-keys', ['11'], 'numeric']], expect: 'implicitDeny' },
  { rule: 'OPS Numeric compares decimal values (1.0 equals 1)', policy: when({ NumericEquals: { 's3:max-keys': '1.0' } }), context: [['s3:max-keys', ['1'], 'numeric']], expect: 'allowed' },
  { rule: 'OPS NumericGreaterThan', policy: when({ NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } }), context: [['aws:MultiFactorAuthAge', ['3601'], 'numeric']], expect: 'allowed' },
  { rule: 'OPS NumericNotEquals with the key missing is true', policy: when({ NumericNotEquals: { 's3:max-keys': '10' } }), expect: 'allowed' },
  { rule: '(silent) NumericEquals with a non-numeric policy value never matches', policy: when({ NumericEquals: { 's3:max-keys': 'ten' } }), context: [['s3:max-keys', ['10'], 'numeric']], expect: 'implicitDeny', ambiguous: true },
  { rule: '(silent) NumericNotEquals with a non-numeric policy value is false too (fails closed)', policy: when({ NumericNotEquals: { 's3:max-keys': 'ten' } }), context: [['s3:max-keys', ['10'], 'numeric']], expect: 'implicitDeny', ambiguous: true },
  { rule: '(silent) a numeric key given as a string that reads as a number compares numerically', policy: when({ NumericLessThan: { 's3:max-keys': '100' } }), context: [['s3:max-keys', ['20']]], expect: 'allowed', ambiguous: true },

  // ---- Date (OPS: "W3C implementations of the ISO 8601 date formats or in epoch (UNIX) time") ----
  { rule: 'OPS DateGreaterThan with ISO 8601', policy: when({ DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:01Z' } }), context: [['aws:CurrentTime', ['2020-06-01T00:00:00Z'], 'date']], expect: 'allowed' },
  { rule: 'OPS DateLessThan with ISO 8601 (after)', policy: when({ DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:01Z' } }), context: [['aws:CurrentTime', ['2020-06-01T00:00:00Z'], 'date']], expect: 'implicitDeny' },
  { rule: 'OPS Date policy value in epoch time against an ISO request value', policy: when({ DateLessThan: { 'aws:CurrentTime': '1609459200' } }), context: [['aws:CurrentTime', ['2020-12-31T23:59:59Z'], 'date']], expect: 'allowed' },
  { rule: 'OPS Date: aws:EpochTime (epoch) against an ISO policy value', policy: when({ DateGreaterThanEquals: { 'aws:EpochTime': '2021-01-01T00:00:00Z' } }), context: [['aws:EpochTime', ['1609459200'], 'date']], expect: 'allowed' },
  { rule: 'OPS Date: W3C date-only form is midnight UTC', policy: when({ DateEquals: { 'aws:CurrentTime': '2020-01-01' } }), context: [['aws:CurrentTime', ['2020-01-01T00:00:00Z'], 'date']], expect: 'allowed' },
  { rule: 'OPS Date: W3C form with an offset', policy: when({ DateEquals: { 'aws:CurrentTime': '2020-01-01T01:00:00+01:00' } }), context: [['aws:CurrentTime', ['2020-01-01T00:00:00Z'], 'date']], expect: 'allowed' },
  { rule: 'OPS DateNotEquals, key missing: true', policy: when({ DateNotEquals: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' } }), expect: 'allowed' },
  { rule: 'OPS DateGreaterThan aws:TokenIssueTime, key missing (long-term keys): false', policy: when({ DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } }), expect: 'implicitDeny' },

  // ---- Bool (OPS: "comparing a key to "true" or "false"") ----
  { rule: 'OPS Bool true', policy: when({ Bool: { 'aws:SecureTransport': 'true' } }), context: [['aws:SecureTransport', ['true'], 'boolean']], expect: 'allowed' },
  { rule: 'OPS Bool false vs true', policy: when({ Bool: { 'aws:SecureTransport': 'false' } }), context: [['aws:SecureTransport', ['true'], 'boolean']], expect: 'implicitDeny' },
  { rule: 'OPS Bool, key missing: false', policy: when({ Bool: { 'aws:MultiFactorAuthPresent': 'false' } }), expect: 'implicitDeny' },
  { rule: 'OPS BoolIfExists, key missing: true', policy: when({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }), expect: 'allowed' },
  { rule: 'OPS Bool with a JSON boolean value', policy: when({ Bool: { 'aws:SecureTransport': true } }), context: [['aws:SecureTransport', ['true'], 'boolean']], expect: 'allowed' },
  { rule: '(silent) Bool values compare case-insensitively ("TRUE")', policy: when({ Bool: { 'aws:SecureTransport': 'TRUE' } }), context: [['aws:SecureTransport', ['true'], 'boolean']], expect: 'allowed', ambiguous: true },
  { rule: '(silent) Bool with a value that is neither true nor false never matches', policy: when({ Bool: { 'aws:SecureTransport': 'yes' } }), context: [['aws:SecureTransport', ['true'], 'boolean']], expect: 'implicitDeny', ambiguous: true },

  // ---- Binary (OPS: "compares the value … byte for byte against a base-64 encoded representation") ----
  { rule: 'OPS BinaryEquals same bytes', policy: when({ BinaryEquals: { 'custom:blob': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }), context: [['custom:blob', ['QmluYXJ5VmFsdWVJbkJhc2U2NA=='], 'binary']], expect: 'allowed' },
  { rule: 'OPS BinaryEquals other bytes', policy: when({ BinaryEquals: { 'custom:blob': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }), context: [['custom:blob', ['b3RoZXI='], 'binary']], expect: 'implicitDeny' },

  // ---- IP address (OPS: "standard CIDR format (for example, 203.0.113.0/24 or 2001:DB8:1234:5678::/64)") ----
  { rule: 'OPS IpAddress IPv4 CIDR (inside)', policy: when({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }), context: [['aws:SourceIp', ['203.0.113.255'], 'ip']], expect: 'allowed' },
  { rule: 'OPS IpAddress IPv4 CIDR (outside)', policy: when({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }), context: [['aws:SourceIp', ['203.0.114.0'], 'ip']], expect: 'implicitDeny' },
  { rule: 'OPS IpAddress IPv6 CIDR, hex case-insensitive', policy: when({ IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }), context: [['aws:SourceIp', ['2001:db8:1234:5678:abcd::1'], 'ip']], expect: 'allowed' },
  { rule: 'OPS IpAddress IPv6 CIDR (outside)', policy: when({ IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }), context: [['aws:SourceIp', ['2001:db8:1234:5679::1'], 'ip']], expect: 'implicitDeny' },
  { rule: 'OPS mixed IPv4 and IPv6 list (OR)', policy: when({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] } }), context: [['aws:SourceIp', ['2001:db8:1234:5678::7'], 'ip']], expect: 'allowed' },
  { rule: 'OPS "IP address without the associated routing prefix … default prefix value of /32" (same)', policy: when({ IpAddress: { 'aws:SourceIp': '203.0.113.5' } }), context: [['aws:SourceIp', ['203.0.113.5'], 'ip']], expect: 'allowed' },
  { rule: 'OPS default prefix /32 (neighbour)', policy: when({ IpAddress: { 'aws:SourceIp': '203.0.113.5' } }), context: [['aws:SourceIp', ['203.0.113.6'], 'ip']], expect: 'implicitDeny' },
  { rule: 'OPS NotIpAddress "All IP addresses except the specified" (inside)', policy: when({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }), context: [['aws:SourceIp', ['203.0.113.1'], 'ip']], expect: 'implicitDeny' },
  { rule: 'OPS NotIpAddress (outside)', policy: when({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }), context: [['aws:SourceIp', ['198.51.100.1'], 'ip']], expect: 'allowed' },
  { rule: 'OPS NotIpAddress, key missing: true', policy: when({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }), expect: 'allowed' },
  { rule: '(silent) an IPv4 block does not match an IPv4-mapped IPv6 address', policy: when({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }), context: [['aws:SourceIp', ['::ffff:203.0.113.1'], 'ip']], expect: 'implicitDeny', ambiguous: true },

  // ---- ARN (OPS: "Each of the six colon-delimited components of the ARN is checked separately") ----
  { rule: 'OPS ArnLike fails on AWS\'s example (the first * matches only us-east-2)', policy: when({ ArnLike: { 'aws:SourceArn': 'arn:aws:someservice:*:111122223333:finance/*' } }), context: [['aws:SourceArn', ['arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt']]], expect: 'implicitDeny' },
  { rule: 'OPS StringLike succeeds on the same example ("The first asterisk matches us-east-2:999999999999:store/abc:")', policy: when({ StringLike: { 'aws:SourceArn': 'arn:aws:someservice:*:111122223333:finance/*' } }), context: [['aws:SourceArn', ['arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt']]], expect: 'allowed' },
  { rule: 'OPS "ArnEquals and ArnLike condition operators behave identically" (wildcards in ArnEquals)', policy: when({ ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:*:123456789012:topic-*' } }), context: [['aws:SourceArn', ['arn:aws:sns:us-east-1:123456789012:topic-a']]], expect: 'allowed' },
  { rule: 'OPS ArnLike wildcard in the partition segment', policy: when({ ArnLike: { 'aws:SourceArn': 'arn:*:sns:us-east-1:123456789012:t' } }), context: [['aws:SourceArn', ['arn:aws:sns:us-east-1:123456789012:t']]], expect: 'allowed' },
  { rule: 'OPS ArnLike wildcard in the service segment', policy: when({ ArnLike: { 'aws:SourceArn': 'arn:aws:s?s:us-east-1:123456789012:t' } }), context: [['aws:SourceArn', ['arn:aws:sns:us-east-1:123456789012:t']]], expect: 'allowed' },
  { rule: 'OPS ArnLike wildcard in the region segment', policy: when({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-*:123456789012:t' } }), context: [['aws:SourceArn', ['arn:aws:sns:us-west-2:123456789012:t']]], expect: 'allowed' },
  { rule: 'OPS ArnLike wildcard in the account segment', policy: when({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:*:t' } }), context: [['aws:SourceArn', ['arn:aws:sns:us-east-1:123456789012:t']]], expect: 'allowed' },
  { rule: 'OPS ArnLike wildcard in the resource segment spans ":" and "/"', policy: when({ ArnLike: { 'aws:SourceArn': 'arn:aws:logs:us-east-1:123456789012:log-group:*' } }), context: [['aws:SourceArn', ['arn:aws:logs:us-east-1:123456789012:log-group:g/a:log-stream:s']]], expect: 'allowed' },
  { rule: 'OPS ArnLike "?" does not cross a segment', policy: when({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-?:123456789012:t' } }), context: [['aws:SourceArn', ['arn:aws:sns:us-east-1:123456789012:t']]], expect: 'allowed' },
  { rule: 'OPS "Case-sensitive matching of the ARN"', policy: when({ ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:Topic' } }), context: [['aws:SourceArn', ['arn:aws:sns:us-east-1:123456789012:topic']]], expect: 'implicitDeny' },
  { rule: 'OPS ArnNotLike, key missing: true', policy: when({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:*' } }), expect: 'allowed' },
  { rule: 'OPS ArnNotEquals, other ARN: true', policy: when({ ArnNotEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:a' } }), context: [['aws:SourceArn', ['arn:aws:sns:us-east-1:123456789012:b']]], expect: 'allowed' },

  // ---- ...IfExists (OPS) ----
  { rule: 'OPS IfExists "If the key is not present, evaluate the condition element as true"', policy: when({ StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } }), expect: 'allowed' },
  { rule: 'OPS IfExists "If the policy key is present … process the key as specified"', policy: when({ StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } }), context: [['ec2:InstanceType', ['m5.large']]], expect: 'implicitDeny' },
  { rule: 'OPS "Deny … with a negated condition operator like StringNotEqualsIfExists, the request is still denied even if the tag is missing"', policy: [allow(), { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:RequestTag/owner': 'alice' } } }], expect: 'explicitDeny' },
  { rule: 'OPS NotIpAddressIfExists present and inside: false', policy: when({ NotIpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } }), context: [['aws:SourceIp', ['10.1.1.1'], 'ip']], expect: 'implicitDeny' },
  { rule: 'OPS NumericLessThanIfExists, key missing: true', policy: when({ NumericLessThanIfExists: { 's3:max-keys': '5' } }), expect: 'allowed' },
  { rule: 'OPS DateGreaterThanIfExists, key present and before: false', policy: when({ DateGreaterThanIfExists: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' } }), context: [['aws:TokenIssueTime', ['2019-01-01T00:00:00Z'], 'date']], expect: 'implicitDeny' },

  // ---- Null (OPS: "true (the key doesn't exist — it is null) or false (the key exists and its value is not null)") ----
  { rule: 'OPS Null true, key absent', policy: when({ Null: { 'aws:TokenIssueTime': 'true' } }), expect: 'allowed' },
  { rule: 'OPS Null true, key present', policy: when({ Null: { 'aws:TokenIssueTime': 'true' } }), context: [['aws:TokenIssueTime', ['2020-01-01T00:00:00Z'], 'date']], expect: 'implicitDeny' },
  { rule: 'OPS Null false, key present', policy: when({ Null: { 'aws:TokenIssueTime': 'false' } }), context: [['aws:TokenIssueTime', ['2020-01-01T00:00:00Z'], 'date']], expect: 'allowed' },
  { rule: 'OPS Null false, key absent', policy: when({ Null: { 'aws:TokenIssueTime': 'false' } }), expect: 'implicitDeny' },

  // ---- Set operators (MULTI: "ForAllValues … also returns true if there are no context keys in the request";
  //      "ForAnyValue … returns false" when the key is missing; "empty data set (for example, an empty string)") ----
  { rule: 'MULTI ForAllValues every request value in the set', policy: when({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } }), context: [['aws:TagKeys', ['env'], 'stringList']], expect: 'allowed' },
  { rule: 'MULTI ForAllValues a request value outside the set', policy: when({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } }), context: [['aws:TagKeys', ['env', 'cost'], 'stringList']], expect: 'implicitDeny' },
  { rule: 'MULTI ForAllValues, key missing: true', policy: when({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } }), expect: 'allowed' },
  { rule: 'MULTI ForAllValues, empty string: true', policy: when({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } }), context: [['aws:TagKeys', [''], 'stringList']], expect: 'allowed' },
  { rule: 'MULTI ForAnyValue, key missing: false', policy: when({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } }), expect: 'implicitDeny' },
  { rule: 'MULTI ForAnyValue, empty string: false', policy: when({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } }), context: [['aws:TagKeys', [''], 'stringList']], expect: 'implicitDeny' },
  { rule: 'MULTI ForAnyValue one request value matches', policy: when({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } }), context: [['aws:TagKeys', ['cost', 'env'], 'stringList']], expect: 'allowed' },
  { rule: 'MULTI ForAnyValue:StringLike', policy: when({ 'ForAnyValue:StringLike': { 'aws:TagKeys': ['e*'] } }), context: [['aws:TagKeys', ['cost', 'env'], 'stringList']], expect: 'allowed' },
  { rule: 'MULTI ForAllValues:StringNotEquals "none of the request values is in the set"', policy: when({ 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret'] } }), context: [['aws:TagKeys', ['env', 'secret'], 'stringList']], expect: 'implicitDeny' },
  { rule: 'MULTI ForAnyValue:StringNotEquals "at least one request value not in the set"', policy: when({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['secret'] } }), context: [['aws:TagKeys', ['env', 'secret'], 'stringList']], expect: 'allowed' },
  { rule: 'MULTI ForAllValues with IfExists, key missing: true', policy: when({ 'ForAllValues:StringEqualsIfExists': { 'aws:TagKeys': ['env'] } }), expect: 'allowed' },
  { rule: 'MULTI ForAnyValue with IfExists, key missing: true', policy: when({ 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': ['env'] } }), expect: 'allowed' },
  { rule: '(silent) unqualified StringEquals on a multi-valued key: true when any value matches', policy: when({ StringEquals: { 'aws:TagKeys': 'env' } }), context: [['aws:TagKeys', ['cost', 'env'], 'stringList']], expect: 'allowed', ambiguous: true },
  { rule: '(silent) unqualified StringNotEquals on a multi-valued key: false when any value matches', policy: when({ StringNotEquals: { 'aws:TagKeys': 'env' } }), context: [['aws:TagKeys', ['cost', 'env'], 'stringList']], expect: 'implicitDeny', ambiguous: true },

  // ---- Policy variables (VARS, VER) ----
  { rule: 'VARS ${aws:username} in Resource (own user)', policy: allow({ Resource: 'arn:aws:iam::ACCT:user/${aws:username}' }), callerArn: 'arn:aws:iam::ACCT:user/alice', resource: 'arn:aws:iam::ACCT:user/alice', expect: 'allowed' },
  { rule: 'VARS ${aws:username} in Resource (other user)', policy: allow({ Resource: 'arn:aws:iam::ACCT:user/${aws:username}' }), callerArn: 'arn:aws:iam::ACCT:user/alice', resource: 'arn:aws:iam::ACCT:user/bob', expect: 'implicitDeny' },
  { rule: 'VER "If you do not include a Version element … ${aws:username} aren\'t recognized as variables and are instead treated as literal strings" (2008-10-17)', policy: doc(allow({ Resource: 'arn:aws:iam::ACCT:user/${aws:username}' }), '2008-10-17'), callerArn: 'arn:aws:iam::ACCT:user/alice', resource: 'arn:aws:iam::ACCT:user/alice', expect: 'implicitDeny' },
  { rule: 'VER 2008-10-17: the variable text matches itself literally in a condition', policy: doc(when({ StringEquals: { 'aws:RequestTag/owner': '${aws:username}' } }), '2008-10-17'), callerArn: 'arn:aws:iam::ACCT:user/alice', context: [['aws:RequestTag/owner', ['${aws:username}']]], expect: 'allowed' },
  { rule: 'VARS "You can use a policy variable for Condition values in any condition that involves the string operators"', policy: when({ StringEquals: { 'aws:RequestTag/owner': '${aws:username}' } }), callerArn: 'arn:aws:iam::ACCT:user/alice', context: [['aws:RequestTag/owner', ['alice']]], expect: 'allowed' },
  { rule: 'VARS ${aws:PrincipalTag/team} in Resource', policy: allow({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*' }), callerArn: 'arn:aws:iam::ACCT:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/red/x', expect: 'allowed' },
  { rule: 'VARS ${aws:userid} is the user\'s unique ID', policy: allow({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/${aws:userid}/*' }), callerArn: 'arn:aws:iam::ACCT:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/ALICEID/x', expect: 'allowed' },
  { rule: 'VARS default values "${aws:userid, \'anonymous\'}": the default when the key is missing', policy: when({ StringEquals: { 'aws:RequestTag/owner': "${aws:PrincipalTag/missing, 'nobody'}" } }), callerArn: 'arn:aws:iam::ACCT:user/alice', context: [['aws:RequestTag/owner', ['nobody']]], expect: 'allowed' },
  { rule: 'VARS default values: the key\'s value when present', policy: when({ StringEquals: { 'aws:RequestTag/owner': "${aws:PrincipalTag/team, 'nobody'}" } }), callerArn: 'arn:aws:iam::ACCT:user/alice', context: [['aws:RequestTag/owner', ['nobody']]], expect: 'implicitDeny' },
  { rule: 'VARS "${*} - use where you need an * (asterisk) character" (literal *)', policy: when({ StringLike: { 's3:prefix': 'a${*}b' } }), context: [['s3:prefix', ['a*b']]], expect: 'allowed' },
  { rule: 'VARS ${*} is not a wildcard', policy: when({ StringLike: { 's3:prefix': 'a${*}b' } }), context: [['s3:prefix', ['axxb']]], expect: 'implicitDeny' },
  { rule: 'VARS "${?} - use where you need a ? (question mark) character"', policy: when({ StringLike: { 's3:prefix': 'a${?}' } }), context: [['s3:prefix', ['ax']]], expect: 'implicitDeny' },
  { rule: 'VARS ${?} literal', policy: when({ StringLike: { 's3:prefix': 'a${?}' } }), context: [['s3:prefix', ['a?']]], expect: 'allowed' },
  { rule: 'VARS "${$} - use where you need a $ (dollar sign) character"', policy: when({ StringEquals: { 's3:prefix': 'cost${$}' } }), context: [['s3:prefix', ['cost$']]], expect: 'allowed' },
  { rule: 'VARS variable in an ArnLike value ("or the ARN operators")', policy: when({ ArnLike: { 'aws:SourceArn': 'arn:aws:iam::ACCT:user/${aws:username}' } }), callerArn: 'arn:aws:iam::ACCT:user/alice', context: [['aws:SourceArn', ['arn:aws:iam::ACCT:user/alice']]], expect: 'allowed' },
  { rule: 'VARS "not present means … any attempt to match it fails": a variable with no value matches nothing', policy: allow({ Resource: 'arn:aws:iam::ACCT:user/${aws:PrincipalTag/missing}' }), callerArn: 'arn:aws:iam::ACCT:user/alice', resource: 'arn:aws:iam::ACCT:user/alice', expect: 'implicitDeny' },

  { rule: 'VER no Version element: "${aws:username} … treated as literal strings"', policy: JSON.stringify({ Statement: allow({ Resource: 'arn:aws:iam::ACCT:user/${aws:username}' }) }), callerArn: 'arn:aws:iam::ACCT:user/alice', resource: 'arn:aws:iam::ACCT:user/alice', expect: 'implicitDeny' },
  { rule: 'VARS "Key names are case-insensitive" also inside a variable (${AWS:UserName})', policy: allow({ Resource: 'arn:aws:iam::ACCT:user/${AWS:UserName}' }), callerArn: 'arn:aws:iam::ACCT:user/alice', resource: 'arn:aws:iam::ACCT:user/alice', expect: 'allowed' },
  { rule: 'VARS variable in StringEqualsIgnoreCase', policy: when({ StringEqualsIgnoreCase: { 'aws:RequestTag/owner': '${aws:username}' } }), callerArn: 'arn:aws:iam::ACCT:user/alice', context: [['aws:RequestTag/owner', ['ALICE']]], expect: 'allowed' },
  { rule: 'VARS a substituted value is literal, never a wildcard (tag value "r*")', policy: when({ StringLike: { 's3:prefix': '${aws:RequestTag/p}' } }), context: [['aws:RequestTag/p', ['r*']], ['s3:prefix', ['red']]], expect: 'implicitDeny', ambiguous: true },
  { rule: 'OPS "You can not use a policy variable with the Numeric condition operator" (never substituted)', policy: when({ NumericEquals: { 's3:max-keys': '${aws:RequestTag/n}' } }), context: [['aws:RequestTag/n', ['5']], ['s3:max-keys', ['5'], 'numeric']], expect: 'implicitDeny' },
  { rule: '(silent) IPv6 address without a prefix is a single address (/128)', policy: when({ IpAddress: { 'aws:SourceIp': '2001:db8::1' } }), context: [['aws:SourceIp', ['2001:db8::2'], 'ip']], expect: 'implicitDeny', ambiguous: true },
  { rule: '(silent) a CIDR with host bits set is read as its network', policy: when({ IpAddress: { 'aws:SourceIp': '203.0.113.5/24' } }), context: [['aws:SourceIp', ['203.0.113.200'], 'ip']], expect: 'allowed', ambiguous: true },
  { rule: '(silent) Null with "TRUE" in capitals', policy: when({ Null: { 'aws:TokenIssueTime': 'TRUE' } }), expect: 'allowed', ambiguous: true },
  { rule: 'RES "*" in the resource part spans the IAM path', policy: allow({ Resource: 'arn:aws:iam::ACCT:user/*' }), resource: 'arn:aws:iam::ACCT:user/division/alice', expect: 'allowed' },

  // ---- Action / NotAction (ACT: actions are case-insensitive; wildcards) ----
  { rule: 'ACT "Action … case insensitive" (IAM:GETUSER)', policy: allow({ Action: 'IAM:GETUSER' }), expect: 'allowed' },
  { rule: 'ACT prefix wildcard iam:Get*', policy: allow({ Action: 'iam:Get*' }), expect: 'allowed' },
  { rule: 'ACT prefix wildcard iam:Get* does not cover iam:ListUsers', policy: allow({ Action: 'iam:Get*' }), action: 'iam:ListUsers', expect: 'implicitDeny' },
  { rule: 'ACT lowercase wildcard iam:get*', policy: allow({ Action: 'iam:get*' }), expect: 'allowed' },
  { rule: 'ACT "?" in an action', policy: allow({ Action: 'iam:G?tUser' }), expect: 'allowed' },
  { rule: 'ACT wildcard in the middle iam:*User', policy: allow({ Action: 'iam:*User' }), expect: 'allowed' },
  { rule: 'ACT "*" matches every action', policy: allow({ Action: '*' }), action: 'sqs:SendMessage', expect: 'allowed' },
  { rule: 'ACT "*:*" matches every action', policy: allow({ Action: '*:*' }), action: 'sqs:SendMessage', expect: 'allowed', ambiguous: true },
  { rule: 'ACT wildcard in the service prefix (s?s:*)', policy: allow({ Action: 's?s:SendMessage' }), action: 'sqs:SendMessage', expect: 'allowed', ambiguous: true },
  { rule: 'ACT NotAction with Allow "allows everything except the listed actions"', policy: { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }, action: 's3:GetObject', expect: 'allowed' },
  { rule: 'ACT NotAction with Allow: a listed action is not allowed', policy: { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }, expect: 'implicitDeny' },
  { rule: 'ACT NotAction with Deny denies everything else', policy: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', NotAction: 'iam:Get*', Resource: '*' }], action: 'iam:ListUsers', expect: 'explicitDeny' },
  { rule: 'ACT NotAction with Deny: a listed action is only not denied', policy: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', NotAction: 'iam:Get*', Resource: '*' }], expect: 'allowed' },

  // ---- Resource / NotResource (RES) ----
  { rule: 'RES resource ARNs are case-sensitive', policy: allow({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::Bucket/*' }), action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/k', expect: 'implicitDeny' },
  { rule: 'RES "*" in the resource part spans "/" and ":"', policy: allow({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }), action: 's3:GetObject', resource: 'arn:aws:s3:::b/a:b/c', expect: 'allowed' },
  { rule: 'RES "If the * wildcard is the last character of a resource ARN segment, it can expand to match beyond the colon boundaries"', policy: allow({ Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-*:jobs' }), action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:ACCT:jobs', expect: 'allowed' },
  { rule: 'RES "?" stays within its segment', policy: allow({ Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-?:jobs' }), action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:ACCT:jobs', expect: 'implicitDeny' },
  { rule: 'RES wildcard in the account segment', policy: allow({ Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:*:jobs' }), action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:ACCT:jobs', expect: 'allowed' },
  { rule: 'RES NotResource with Allow: everything except the listed resources', policy: { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }, action: 's3:GetObject', resource: 'arn:aws:s3:::public/k', expect: 'allowed' },
  { rule: 'RES NotResource with Allow: a listed resource is not allowed', policy: { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }, action: 's3:GetObject', resource: 'arn:aws:s3:::secret/k', expect: 'implicitDeny' },

  // ---- Evaluation logic (EVAL) ----
  { rule: 'EVAL "An explicit deny in any of these policies overrides the allow"', policy: [allow(), { Effect: 'Deny', Action: 'iam:GetUser', Resource: '*' }], expect: 'explicitDeny' },
  { rule: 'EVAL explicit deny in another identity policy wins', policy: allow(), extraPolicies: [{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }], expect: 'explicitDeny' },
  { rule: 'EVAL "By default, all requests are implicitly denied"', policy: allow({ Action: 'iam:ListUsers' }), expect: 'implicitDeny' },
  { rule: 'EVAL boundary: "effective permissions … intersection" (in both)', policy: allow({ Action: ['iam:GetUser', 's3:*'] }), boundary: allow({ Action: 'iam:*' }), expect: 'allowed' },
  { rule: 'EVAL boundary: an action the boundary does not allow is implicitly denied', policy: allow({ Action: ['iam:GetUser', 's3:*'] }), boundary: allow({ Action: 'iam:*' }), action: 's3:GetObject', expect: 'implicitDeny' },
  { rule: 'EVAL boundary alone grants nothing ("does not grant permissions")', policy: allow({ Action: 'iam:ListUsers' }), boundary: allow({ Action: 'iam:*' }), expect: 'implicitDeny' },
  { rule: 'EVAL an explicit deny in the boundary', policy: allow(), boundary: [allow({ Action: 'iam:*' }), { Effect: 'Deny', Action: 'iam:GetUser', Resource: '*' }], expect: 'explicitDeny' },
  { rule: 'NOTP Deny with NotPrincipal naming only the user still denies ("you must also specify the account ARN")', policy: allow({ Action: 's3:GetObject' }), resourcePolicy: [{ Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::ACCT:user/alice' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' }], callerArn: 'arn:aws:iam::ACCT:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::shared/k', expect: 'explicitDeny' },
  { rule: 'NOTP Deny with NotPrincipal naming the user and its account exempts the user', policy: allow({ Action: 's3:GetObject' }), resourcePolicy: [{ Effect: 'Deny', NotPrincipal: { AWS: ['arn:aws:iam::ACCT:user/alice', 'arn:aws:iam::ACCT:root'] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' }], callerArn: 'arn:aws:iam::ACCT:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::shared/k', expect: 'allowed' },
  { rule: 'NOTP Deny with NotPrincipal applies to anyone not listed', policy: allow({ Action: 's3:GetObject' }), resourcePolicy: [{ Effect: 'Deny', NotPrincipal: { AWS: ['arn:aws:iam::ACCT:user/bob', 'arn:aws:iam::ACCT:root'] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' }], callerArn: 'arn:aws:iam::ACCT:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::shared/k', expect: 'explicitDeny' },
];

// ---- Divergences (one test each, below): the rule, and what AWS documents ----
//
// D1 OPS (Boolean condition operators): "You can use a policy variable with the Boolean condition
//    operator." (current page: "Policy variables – Supported"). Tessera compiles Bool values with
//    parseBool only, so "${…}" is an unparseable value and the condition can never be true.
const BOOL_CONDITION = { Bool: { 'aws:SecureTransport': '${aws:PrincipalTag/secure}' } };
const BOOL_VARIABLE = when(BOOL_CONDITION);

describe('policy evaluation conformance sweep (AWS documentation) through the server', () => {
  let server: TestServer;
  let iam: IAMClient;
  let acct: string;
  let aliceId: string;
  const fill = (text: string) => text.replaceAll('ACCT', acct).replaceAll('ALICEID', aliceId);
  const asDoc = (p: object | object[] | string) => fill(typeof p === 'string' ? p : doc(p));

  async function simulate(row: Row): Promise<Decision> {
    const out = await iam.send(new SimulateCustomPolicyCommand({
      PolicyInputList: [asDoc(row.policy), ...(row.extraPolicies ?? []).map(asDoc)],
      ...(row.boundary ? { PermissionsBoundaryPolicyInputList: [asDoc(row.boundary)] } : {}),
      ...(row.resourcePolicy ? { ResourcePolicy: asDoc(row.resourcePolicy) } : {}),
      ...(row.callerArn ? { CallerArn: fill(row.callerArn) } : row.resourcePolicy ? { CallerArn: `arn:aws:iam::${acct}:user/alice` } : {}),
      ActionNames: [row.action ?? 'iam:GetUser'],
      ...(row.resource ? { ResourceArns: [fill(row.resource)] } : {}),
      ContextEntries: (row.context ?? []).map(([name, values, type]) => ({
        ContextKeyName: name, ContextKeyValues: values.map(fill), ...(type ? { ContextKeyType: type } : {}),
      })),
    }));
    assert.equal(out.EvaluationResults?.length, 1);
    return out.EvaluationResults![0]!.EvalDecision as Decision;
  }

  before(async () => {
    server = await startTestServer();
    iam = server.iam();
    acct = server.accountId;
    const alice = await iam.send(new CreateUserCommand({ UserName: 'alice', Tags: [{ Key: 'team', Value: 'red' }, { Key: 'secure', Value: 'false' }] }));
    aliceId = alice.User!.UserId!;
  });
  after(async () => server.stop());

  test(`SimulateCustomPolicy: ${TABLE.length} documented rules`, async () => {
    const failures: string[] = [];
    for (const row of TABLE) {
      const got = await simulate(row);
      if (got !== row.expect) failures.push(`${row.rule}${row.ambiguous ? ' [ambiguous]' : ''}: expected ${row.expect}, got ${got}`);
    }
    assert.deepEqual(failures, []);
  });

  // ---- Real enforcement: an IAM user with the policy calls IAM over HTTP with long-term keys ----

  let userCount = 0;
  async function userWith(statements: object | object[] | string, tags: { Key: string; Value: string }[] = []): Promise<{ name: string; creds: Credentials; client: IAMClient }> {
    const name = `u${++userCount}`;
    await iam.send(new CreateUserCommand({ UserName: name, Tags: tags.length ? tags : undefined }));
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: asDoc(statements) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    const creds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    return { name, creds, client: server.iam(creds) };
  }
  const outcome = async (call: () => Promise<unknown>): Promise<'ok' | string> => {
    try {
      await call();
      return 'ok';
    } catch (err) {
      return (err as Error).name;
    }
  };
  const ALLOW_LIST = { Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' };

  test('enforced: ${aws:username} in Resource; 2008-10-17 keeps it literal (VARS, VER)', async () => {
    const v12 = await userWith(allow({ Resource: `arn:aws:iam::ACCT:user/\${aws:username}` }));
    assert.equal(await outcome(() => v12.client.send(new GetUserCommand({ UserName: v12.name }))), 'ok');
    assert.equal(await outcome(() => v12.client.send(new GetUserCommand({ UserName: 'alice' }))), 'AccessDenied');
    const v08 = await userWith(doc(allow({ Resource: `arn:aws:iam::ACCT:user/\${aws:username}` }), '2008-10-17'));
    assert.equal(await outcome(() => v08.client.send(new GetUserCommand({ UserName: v08.name }))), 'AccessDenied');
  });

  test('enforced: aws:MultiFactorAuthPresent is absent for long-term keys (KEYS; knowledge-center mfa-iam-user-aws-cli)', async () => {
    // "The MultiFactorAuthPresent key isn't present in requests made with long-term credentials";
    // Bool on a missing key does not match, BoolIfExists does, Null true does.
    const bool = await userWith([ALLOW_LIST, { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }]);
    assert.equal(await outcome(() => bool.client.send(new ListUsersCommand({}))), 'ok');
    const ifExists = await userWith([ALLOW_LIST, { Effect: 'Deny', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }]);
    assert.equal(await outcome(() => ifExists.client.send(new ListUsersCommand({}))), 'AccessDenied');
    const isNull = await userWith({ ...ALLOW_LIST, Condition: { Null: { 'aws:MultiFactorAuthPresent': 'true', 'aws:TokenIssueTime': 'true' } } });
    assert.equal(await outcome(() => isNull.client.send(new ListUsersCommand({}))), 'ok');
  });

  test('enforced: aws:SecureTransport is always present (false over http), aws:PrincipalType is User, aws:CurrentTime, aws:SourceIp', async () => {
    // OPS: "The aws:SecureTransport key is always present in the request context."
    const secure = await userWith([ALLOW_LIST, { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]);
    assert.equal(await outcome(() => secure.client.send(new ListUsersCommand({}))), 'AccessDenied');
    // KEYS aws:PrincipalType: "User" for an IAM user.
    const type = await userWith({ ...ALLOW_LIST, Condition: { StringEquals: { 'aws:PrincipalType': 'User' }, DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } });
    assert.equal(await outcome(() => type.client.send(new ListUsersCommand({}))), 'ok');
    const past = await userWith({ ...ALLOW_LIST, Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } });
    assert.equal(await outcome(() => past.client.send(new ListUsersCommand({}))), 'AccessDenied');
    // The loopback caller's address; IPv4 or IPv4-mapped, so allow both forms of 127.0.0.1.
    const ip = await userWith({ ...ALLOW_LIST, Condition: { IpAddress: { 'aws:SourceIp': ['127.0.0.0/8', '::1/128', '::ffff:127.0.0.0/104'] } } });
    assert.equal(await outcome(() => ip.client.send(new ListUsersCommand({}))), 'ok');
    const notIp = await userWith({ ...ALLOW_LIST, Condition: { NotIpAddress: { 'aws:SourceIp': ['127.0.0.0/8', '::1/128', '::ffff:127.0.0.0/104'] } } });
    assert.equal(await outcome(() => notIp.client.send(new ListUsersCommand({}))), 'AccessDenied');
  });

  test('enforced: aws:RequestedRegion is us-east-1 for IAM whatever region the client signs for (KEYS)', async () => {
    // KEYS aws:RequestedRegion: "Some global services, such as IAM, have a single endpoint. Because
    // this endpoint is physically located in the US East (N. Virginia) Region, IAM calls are always
    // made to the us-east-1 Region."
    const u = await userWith({ ...ALLOW_LIST, Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } });
    assert.equal(await outcome(() => server.iam(u.creds, 'eu-west-1').send(new ListUsersCommand({}))), 'ok');
  });

  test('enforced: action names are case-insensitive; set operators on a missing multi-valued key; explicit deny wins', async () => {
    const caseless = await userWith({ Effect: 'Allow', Action: 'IAM:listusers', Resource: '*' });
    assert.equal(await outcome(() => caseless.client.send(new ListUsersCommand({}))), 'ok');
    const forAll = await userWith({ ...ALLOW_LIST, Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } } });
    assert.equal(await outcome(() => forAll.client.send(new ListUsersCommand({}))), 'ok');
    const forAny = await userWith({ ...ALLOW_LIST, Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } } });
    assert.equal(await outcome(() => forAny.client.send(new ListUsersCommand({}))), 'AccessDenied');
    const denied = await userWith([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Effect: 'Deny', NotAction: 'iam:Get*', Resource: '*' }]);
    assert.equal(await outcome(() => denied.client.send(new ListUsersCommand({}))), 'AccessDenied');
    assert.equal(await outcome(() => denied.client.send(new GetUserCommand({ UserName: denied.name }))), 'ok');
    // sts:GetCallerIdentity needs no permission, even under an explicit deny (EVAL / STS docs).
    const me = await server.sts(denied.creds).send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, `arn:aws:iam::${acct}:user/${denied.name}`);
  });

  test('enforced: a session policy intersects with the role\'s permissions (EVAL, session policies)', async () => {
    // "The resulting session's permissions are the intersection of the role's identity-based
    // policies and the session policies."
    await iam.send(new CreateRoleCommand({
      RoleName: 'worker',
      AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' }),
    }));
    // KEYS: aws:PrincipalType is "AssumedRole" and aws:userid is "role-id:caller-specified-role-name"
    // for a role session; aws:username is not present.
    await iam.send(new PutRolePolicyCommand({ RoleName: 'worker', PolicyName: 'p', PolicyDocument: doc({
      Effect: 'Allow', Action: ['iam:ListUsers', 'iam:ListRoles'], Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalType': 'AssumedRole' }, StringLike: { 'aws:userid': 'AROA*:session' }, Null: { 'aws:username': 'true' } },
    }) }));
    const caller = await userWith({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' });
    const session = await server.sts(caller.creds).send(new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${acct}:role/worker`, RoleSessionName: 'session',
      Policy: doc({ Effect: 'Allow', Action: ['iam:ListUsers', 'iam:GetUser'], Resource: '*' }),
    }));
    const c = session.Credentials!;
    const client = server.iam({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
    assert.equal(await outcome(() => client.send(new ListUsersCommand({}))), 'ok'); // both allow
    assert.equal(await outcome(() => client.send(new ListRolesCommand({}))), 'AccessDenied'); // session policy does not
    assert.equal(await outcome(() => client.send(new GetUserCommand({ UserName: 'alice' }))), 'AccessDenied'); // role does not
  });

  test('enforced: a permissions boundary caps a user (EVAL, boundaries)', async () => {
    const u = await userWith({ Effect: 'Allow', Action: ['iam:ListUsers', 'iam:ListRoles'], Resource: '*' });
    const boundary = await iam.send(new CreateIamPolicyCommand({ PolicyName: 'cap', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }) }));
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: u.name, PermissionsBoundary: boundary.Policy!.Arn! }));
    assert.equal(await outcome(() => u.client.send(new ListUsersCommand({}))), 'ok');
    assert.equal(await outcome(() => u.client.send(new ListRolesCommand({}))), 'AccessDenied');
  });

  test('enforced: SCPs must allow at every level of the organization (EVAL, SCPs)', async () => {
    // Organizations User Guide, "SCP evaluation": "For a permission to be allowed for a specific
    // account, there must be an explicit Allow statement at every level from the root through each
    // OU in the direct path to the account (including the target account itself)."
    const orgs = organizationsClients(() => server);
    try {
      const org = orgs.client();
      await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
      const rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
      await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
      const member = (await org.send(new CreateAccountCommand({ Email: 'm@example.com', AccountName: 'M' }))).CreateAccountStatus!.AccountId!;
      const ou = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Workloads' }))).OrganizationalUnit!.Id!;
      await org.send(new MoveAccountCommand({ AccountId: member, SourceParentId: rootId, DestinationParentId: ou }));
      const ops = await userWith({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' });
      const assume = async () => {
        const r = await server.sts(ops.creds).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: 'scp-admin' }));
        return server.iam({ accessKeyId: r.Credentials!.AccessKeyId!, secretAccessKey: r.Credentials!.SecretAccessKey!, sessionToken: r.Credentials!.SessionToken! });
      };
      const admin = await assume();
      assert.equal(await outcome(() => admin.send(new ListUsersCommand({}))), 'ok');
      // The OU allows only S3; the account itself allows IAM (FullAWSAccess): IAM is now refused.
      const s3Only = await org.send(new CreatePolicyCommand({ Name: 's3-only', Description: 's3', Type: 'SERVICE_CONTROL_POLICY', Content: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) }));
      await org.send(new AttachPolicyCommand({ PolicyId: s3Only.Policy!.PolicySummary!.Id!, TargetId: ou }));
      await org.send(new DetachPolicyCommand({ PolicyId: 'p-FullAWSAccess', TargetId: ou }));
      assert.equal(await outcome(() => admin.send(new ListUsersCommand({}))), 'AccessDenied');
      // An SCP Deny at the root overrides everything below, even with FullAWSAccess back on the OU.
      await org.send(new AttachPolicyCommand({ PolicyId: 'p-FullAWSAccess', TargetId: ou }));
      assert.equal(await outcome(() => admin.send(new ListUsersCommand({}))), 'ok');
      const deny = await org.send(new CreatePolicyCommand({ Name: 'no-list', Description: 'd', Type: 'SERVICE_CONTROL_POLICY', Content: doc({ Effect: 'Deny', Action: 'iam:ListUsers', Resource: '*' }) }));
      await org.send(new AttachPolicyCommand({ PolicyId: deny.Policy!.PolicySummary!.Id!, TargetId: rootId }));
      assert.equal(await outcome(() => admin.send(new ListUsersCommand({}))), 'AccessDenied');
    } finally {
      orgs.destroy();
    }
  });

  // ---- Divergences ----

  test('DIVERGENCE D1: a policy variable in a Bool condition value is substituted (simulator)', async () => {
    // OPS, Boolean condition operators: "You can use a policy variable with the Boolean condition operator."
    const decide = (secure: string) => simulate({
      rule: 'D1', policy: BOOL_VARIABLE, callerArn: 'arn:aws:iam::ACCT:user/alice',
      context: [['aws:SecureTransport', [secure], 'boolean']], expect: 'allowed',
    });
    // alice carries the tag secure=false.
    assert.equal(await decide('false'), 'allowed');
    assert.equal(await decide('true'), 'implicitDeny');
  });

  test('DIVERGENCE D1: a policy variable in a Bool condition value is substituted (enforced)', async () => {
    // Over plain HTTP aws:SecureTransport is false; the user's tag secure=false makes the Bool hold.
    const u = await userWith({ ...ALLOW_LIST, Condition: BOOL_CONDITION }, [{ Key: 'secure', Value: 'false' }]);
    assert.equal(await outcome(() => u.client.send(new ListUsersCommand({}))), 'ok');
  });

  test('a policy with a Bool variable is accepted by IAM (no MalformedPolicyDocument)', async () => {
    const err = await outcome(() => iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'b', PolicyDocument: doc({ ...ALLOW_LIST, Condition: BOOL_CONDITION }) })));
    assert.equal(err, 'ok');
  });
});
