import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyKind, ValidateOptions } from './types.ts';
import { validatePolicy } from './validate.ts';

/** The error messages of a document (warnings excluded), as a set. */
function errors(doc: unknown, kind: PolicyKind, options?: ValidateOptions): string[] {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
  return [...new Set(validatePolicy(text, kind, options).filter((d) => d.severity === 'error').map((d) => d.message))];
}
const statement = (extra: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', ...extra }] });
const trust = (extra: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole', ...extra }],
});

describe('policy validation', () => {
  it('accepts well-formed policies of every kind', () => {
    assert.deepEqual(errors(statement({}), 'identity'), []);
    assert.deepEqual(errors(statement({}), 'boundary'), []);
    assert.deepEqual(errors(statement({}), 'session'), []);
    assert.deepEqual(errors(statement({}), 'scp'), []);
    assert.deepEqual(errors(statement({ Principal: { AWS: '111122223333' } }), 'resource'), []);
    assert.deepEqual(errors(statement({ Principal: '*' }), 'rcp'), []);
    assert.deepEqual(errors(trust({}), 'trust'), []);
  });

  it('"Syntax errors in policy." for unparseable JSON and wrong shapes', () => {
    assert.deepEqual(errors('{"Version": "2012-10-17", "Statement": [', 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors('[]', 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors({ Version: '2012-10-17', Statement: 'x' }, 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors(statement({ Action: { s3: 'GetObject' } }), 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors(statement({ Condition: { StringEquals: 'x' } }), 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors(statement({ Condition: { StringEquals: { 'k:x': { a: 1 } } } }), 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors(statement({ Sid: 5 }), 'identity'), ['Syntax errors in policy.']);
  });

  it('reports unknown or misspelled fields at the top level and in statements', () => {
    assert.deepEqual(errors({ ...statement({}), Versoin: '2012-10-17' }, 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors(statement({ Resources: '*' }), 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors(statement({ effect: 'Allow' }), 'identity'), ['Syntax errors in policy.']);
  });

  it('Version must be 2012-10-17 or 2008-10-17', () => {
    assert.deepEqual(errors({ ...statement({}), Version: '2012-10-18' }, 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors({ ...statement({}), Version: 2012 }, 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors({ ...statement({}), Version: '2008-10-17' }, 'identity'), []);
  });

  it('a managed policy needs Version 2012-10-17, checked right after syntax', () => {
    const managed = { managed: true };
    assert.deepEqual(errors({ Statement: statement({}).Statement }, 'identity', managed), ['Policy document must be version 2012-10-17 or greater.']);
    assert.deepEqual(errors({ ...statement({}), Version: '2008-10-17' }, 'identity', managed), ['Policy document must be version 2012-10-17 or greater.']);
    assert.deepEqual(errors(statement({}), 'identity', managed), []);
    const first = (doc: unknown) => validatePolicy(JSON.stringify(doc), 'identity', managed).find((d) => d.severity === 'error')?.message;
    assert.equal(first({ Statement: [{ Effect: 'allow', Action: 'GetObject' }] }), 'Policy document must be version 2012-10-17 or greater.');
    assert.equal(first({ Version: '2008-10-17', Statement: [] }), 'Syntax errors in policy.');
  });

  it('warns (but accepts) when Version is missing', () => {
    const diagnostics = validatePolicy(JSON.stringify({ Statement: statement({}).Statement }), 'identity');
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['VersionMissing', 'warning']]);
  });

  it('Statement is required', () => {
    assert.deepEqual(errors({ Version: '2012-10-17' }, 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors({ Version: '2012-10-17', Statement: [] }, 'identity'), ['Syntax errors in policy.']);
    // Outside IAM's parser the wording is a best effort, and an empty list is only a warning.
    assert.deepEqual(errors({ Version: '2012-10-17' }, 'scp'), ['Missing required field Statement']);
    assert.deepEqual(errors({ Version: '2012-10-17', Statement: [] }, 'scp'), []);
  });

  it('Effect is required and must be Allow or Deny', () => {
    assert.deepEqual(errors(statement({ Effect: undefined }), 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors(statement({ Effect: 'Permit' }), 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors(statement({ Effect: 7 }), 'trust'), ['Syntax errors in policy.']);
    assert.deepEqual(errors(statement({ Effect: 'allow' }), 'identity'), ['The policy failed legacy parsing']);
    assert.deepEqual(errors(statement({ Effect: undefined, Principal: '*' }), 'resource'), ['Missing required field Effect']);
  });

  it('identity-side policies must not specify a principal', () => {
    for (const kind of ['identity', 'boundary', 'session', 'scp'] as const) {
      assert.deepEqual(errors(statement({ Principal: '*' }), kind), ['Policy document should not specify a principal.'], kind);
      assert.deepEqual(errors(statement({ NotPrincipal: { AWS: '111122223333' } }), kind), ['Policy document should not specify a principal.'], kind);
    }
  });

  it('resource and trust policies must contain a principal, and a valid one', () => {
    assert.deepEqual(errors(statement({}), 'resource'), ['Missing required field Principal']);
    assert.deepEqual(errors(trust({ Principal: undefined }), 'trust'), ['Policy document must contain a principal']);
    // IAM quotes the offending trust-policy principal, its type in upper case; resource-policy
    // services do not.
    const quoted: [unknown, string][] = [
      [{ AWS: 'alice' }, 'Invalid principal in policy: "AWS":"alice"'],
      [{ AWS: 'arn:aws:iam::*:root' }, 'Invalid principal in policy: "AWS":"arn:aws:iam::*:root"'],
      [{ AWS: 'arn:aws:iam::111122223333:user/*' }, 'Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:user/*"'],
      [{ Service: '*' }, 'Invalid principal in policy: "SERVICE":"*"'],
      [{ Service: '' }, 'Invalid principal in policy: "SERVICE":""'],
      [{ Foo: 'x' }, 'Invalid principal in policy: "FOO":"x"'],
    ];
    for (const [bad, message] of quoted) assert.deepEqual(errors(trust({ Principal: bad }), 'trust'), [message], JSON.stringify(bad));
    for (const bad of [{}, 'alice', ['*']]) {
      assert.deepEqual(errors(trust({ Principal: bad }), 'trust'), ['Invalid principal in policy'], JSON.stringify(bad));
    }
    for (const bad of [{ AWS: 'not-an-arn' }, { AWS: '12345' }]) {
      assert.deepEqual(errors(statement({ Principal: bad }), 'resource'), ['Invalid principal in policy'], JSON.stringify(bad));
    }
    assert.deepEqual(errors(statement({ Principal: '*', NotPrincipal: '*' }), 'resource'), ['Syntax errors in policy.']);
  });

  it('trust policies refuse NotPrincipal with either Effect; resource policies keep it (a warning with Allow)', () => {
    const notPrincipal = { Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } };
    assert.deepEqual(errors(trust(notPrincipal), 'trust'), ['Has prohibited field NotPrincipal']);
    assert.deepEqual(errors(trust({ ...notPrincipal, Effect: 'Deny' }), 'trust'), ['Has prohibited field NotPrincipal']);
    const refused = validatePolicy(JSON.stringify(trust(notPrincipal)), 'trust');
    assert.deepEqual(refused.map((d) => [d.severity, d.code, d.path]), [['error', 'TrustNotPrincipalProhibited', 'Statement[0].NotPrincipal']]);
    // Next to an allowed statement, and with an unparseable value: still this refusal.
    const mixed = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', NotPrincipal: { AWS: 'not-an-arn' }, Action: 'sts:AssumeRole' },
      ],
    };
    assert.deepEqual(errors(mixed, 'trust'), ['Has prohibited field NotPrincipal']);
    // Principal and NotPrincipal together stay a syntax error, as in every kind.
    assert.deepEqual(errors(trust({ NotPrincipal: '*' }), 'trust'), ['Syntax errors in policy.']);

    assert.deepEqual(errors(statement({ NotPrincipal: { AWS: '111122223333' } }), 'resource'), []);
    const codes = validatePolicy(JSON.stringify(statement({ NotPrincipal: { AWS: '111122223333' } })), 'resource').map((d) => `${d.severity}:${d.code}`);
    assert.deepEqual(codes, ['warning:NotPrincipalWithAllow']);
  });

  it('RCPs must name every principal, and warn about Allow (only RCPFullAWSAccess may allow)', () => {
    assert.deepEqual(errors(statement({ Principal: { AWS: '111122223333' } }), 'rcp'), ['Resource control policies must specify "Principal": "*".']);
    assert.deepEqual(errors(statement({ Principal: { AWS: '*' } }), 'rcp'), []);
    const codes = validatePolicy(JSON.stringify(statement({ Principal: '*' })), 'rcp').map((d) => `${d.severity}:${d.code}`);
    assert.deepEqual(codes, ['warning:RcpAllow']);
    assert.deepEqual(validatePolicy(JSON.stringify(statement({ Principal: '*', Effect: 'Deny' })), 'rcp'), []);
  });

  it('actions: required, vendor-prefixed, one colon', () => {
    assert.deepEqual(errors(statement({ Action: undefined }), 'identity'), ['Policy statement must contain actions.']);
    assert.deepEqual(errors(statement({ Action: [] }), 'identity'), ['Policy statement must contain actions.']);
    assert.deepEqual(errors(statement({ Action: 'GetObject' }), 'identity'), ['Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.']);
    assert.deepEqual(errors(statement({ Action: ':GetObject' }), 'identity'), ['Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.']);
    assert.deepEqual(errors(statement({ Action: 's3:Get:Object' }), 'identity'), ['Actions/Condition can contain only one colon.']);
    assert.deepEqual(errors(statement({ Action: 's3:*', NotAction: 'iam:*' }), 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors(statement({ Action: undefined, NotAction: 'iam:*' }), 'identity'), []);
  });

  it('resources: required outside trust policies, ARN or "*"', () => {
    assert.deepEqual(errors(statement({ Resource: undefined }), 'identity'), ['Policy statement must contain resources.']);
    assert.deepEqual(errors(statement({ Resource: 'bucket/*' }), 'identity'), ['Resource bucket/* must be in ARN format or "*".']);
    assert.deepEqual(errors(statement({ Resource: 'arn:aws' }), 'identity'), ['Resource vendor must be fully qualified and cannot contain regexes.']);
    assert.deepEqual(errors(statement({ Resource: 'arn:aws:fdsasf' }), 'identity'), []);
    assert.deepEqual(errors(statement({ Resource: 'arn:aws:s3' }), 'resource'), ['Resource arn:aws:s3 must be in ARN format or "*".']);
    assert.deepEqual(errors(statement({ Resource: undefined, NotResource: 'arn:aws:s3:::b' }), 'identity'), []);
    assert.deepEqual(errors(statement({ NotResource: 'arn:aws:s3:::b' }), 'identity'), ['Syntax errors in policy.']);
  });

  it('trust policies: no Resource, and only STS actions', () => {
    assert.deepEqual(errors(trust({ Resource: '*' }), 'trust'), ['Has prohibited field Resource']);
    assert.deepEqual(errors(trust({ NotResource: '*' }), 'trust'), ['Has prohibited field NotResource']);
    assert.deepEqual(errors(trust({ Action: 's3:GetObject' }), 'trust'), ['AssumeRole policy may only specify STS AssumeRole actions.']);
    assert.deepEqual(errors(trust({ Action: ['sts:AssumeRole', 'sts:TagSession'] }), 'trust'), []);
    assert.deepEqual(errors(trust({ Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: 'accounts.google.com' } }), 'trust'), []);
  });

  it('conditions: known operators; keys need no vendor prefix; Date values IAM can read', () => {
    assert.deepEqual(errors(statement({ Condition: { StringEqualz: { 'aws:username': 'a' } } }), 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors(statement({ Condition: { 'ForAnyValue::StringEquals': { 'aws:username': 'a' } } }), 'identity'), ['Syntax errors in policy.']);
    assert.deepEqual(errors(statement({ Condition: { StringEqualz: {} } }), 'identity'), []);
    assert.deepEqual(errors(statement({ Condition: { StringEquals: { username: 'a' } } }), 'identity'), []);
    assert.deepEqual(errors(statement({ Condition: { DateLessThan: { 'aws:CurrentTime': 'soon' } } }), 'identity'), ['The policy failed legacy parsing']);
    assert.deepEqual(errors(statement({ Condition: { DateLessThan: { 'aws:CurrentTime': 1700000000 } } }), 'identity'), []);
    assert.deepEqual(errors(statement({ Condition: { 'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': ['a*'] } } }), 'identity'), []);
  });

  it('warns about condition values an operator cannot read and about malformed variables', () => {
    const codes = (extra: Record<string, unknown>) => validatePolicy(JSON.stringify(statement(extra)), 'identity').map((d) => `${d.severity}:${d.code}`);
    assert.deepEqual(codes({ Condition: { NumericLessThan: { 's3:max-keys': 'ten' } } }), ['warning:InvalidConditionValue']);
    assert.deepEqual(codes({ Resource: 'arn:aws:s3:::b/${aws:username' }), ['warning:MalformedVariable']);
  });

  it('Sids: unique in every kind, alphanumeric outside resource policies', () => {
    const twoSids = (a: string, b: string, extra: Record<string, unknown> = {}) => ({
      Version: '2012-10-17',
      Statement: [
        { Sid: a, Effect: 'Allow', Action: 's3:GetObject', Resource: '*', ...extra },
        { Sid: b, Effect: 'Allow', Action: 's3:PutObject', Resource: '*', ...extra },
      ],
    });
    assert.deepEqual(errors(twoSids('One', 'One'), 'identity'), ['Statement IDs (SID) in a single policy must be unique.']);
    assert.deepEqual(errors(twoSids('One', 'Two'), 'identity'), []);
    assert.deepEqual(errors(twoSids('a-b', 'Two'), 'identity'), [
      'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
    ]);
    assert.deepEqual(errors(twoSids('Allow read', 'x y', { Principal: '*' }), 'resource'), []);
    assert.deepEqual(errors(twoSids('x y', 'x y', { Principal: '*' }), 'resource'), ['Statement IDs (SID) in a single policy must be unique.']);
  });

  it('reports one error per faulty statement (no cascades) and every faulty statement, in IAM\'s order of checks', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'GetObject', Resource: 'bucket' },
        { Effect: 'Allow', Action: 's3:GetObject' },
      ],
    };
    const diagnostics = validatePolicy(JSON.stringify(doc), 'identity').filter((d) => d.severity === 'error');
    assert.deepEqual(
      diagnostics.map((d) => [d.path, d.message]),
      [
        ['Statement[1].Resource', 'Policy statement must contain resources.'],
        ['Statement[0].Resource', 'Resource bucket must be in ARN format or "*".'],
      ],
    );
  });

  it('every diagnostic has a code, a message and a severity', () => {
    for (const d of validatePolicy('{"Statement":[{"Sid":"a b","Effect":"x"}], "Extra": 1}', 'identity')) {
      assert.equal(typeof d.code, 'string');
      assert.ok(d.message.length > 0);
      assert.ok(d.severity === 'error' || d.severity === 'warning');
    }
  });
});
