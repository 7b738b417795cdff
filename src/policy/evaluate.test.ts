import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePolicy, compilePolicyLenient } from './compile.ts';
import { evaluate } from './evaluate.ts';
import { principalFromArn } from './principal-arn.ts';
import type { CompiledPolicy, ContextValue, Decision, EvaluationPrincipal, PolicyKind, PolicySet } from './types.ts';

const A = '111122223333';
const B = '444455556666';
const ALICE = `arn:aws:iam::${A}:user/alice`;
const SESSION = `arn:aws:sts::${A}:assumed-role/Dev/s1`;
const ROLE = `arn:aws:iam::${A}:role/Dev`;
const OBJECT = 'arn:aws:s3:::bucket/key';

type Stmt = Record<string, unknown>;
function policy(kind: PolicyKind, name: string, ...statements: Stmt[]): CompiledPolicy {
  const result = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), kind, name);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.diagnostics));
  return result.policy;
}
const allow = (extra: Stmt = {}): Stmt => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', ...extra });
const deny = (extra: Stmt = {}): Stmt => ({ Effect: 'Deny', Action: 's3:GetObject', Resource: '*', ...extra });

function decide(
  who: string | EvaluationPrincipal,
  set: PolicySet,
  options: { action?: string; resource?: string; resourceAccount?: string; context?: Record<string, ContextValue> } = {},
): Decision {
  const principal = typeof who === 'string' ? principalFromArn(who) : who;
  assert.ok(principal);
  return evaluate(
    {
      principal,
      action: options.action ?? 's3:GetObject',
      resource: options.resource ?? OBJECT,
      ...(options.resourceAccount ? { resourceAccount: options.resourceAccount } : {}),
      ...(options.context ? { context: options.context } : {}),
    },
    set,
  );
}
/** The deciding statements as "kind/policy#index" strings, sorted. */
const deciding = (d: Decision) => d.deciding.map((s) => `${s.policyKind}/${s.policy}#${s.statementIndex}`).sort();

describe('evaluation: identity-based policies', () => {
  it('denies by default', () => {
    const d = decide(ALICE, {});
    assert.equal(d.decision, 'ImplicitDeny');
    assert.equal(d.reason, 'no identity-based policy allows the s3:GetObject action');
    assert.deepEqual(d.deciding, []);
  });

  it('allows what an identity policy allows, citing the statement', () => {
    const d = decide(ALICE, { identity: [policy('identity', 'P', deny({ Action: 's3:PutObject' }), allow({ Sid: 'Read' }))] });
    assert.equal(d.decision, 'Allowed');
    assert.deepEqual(d.deciding, [{ policyKind: 'identity', policy: 'P', statementIndex: 1, sid: 'Read', effect: 'Allow' }]);
  });

  it('lets an explicit deny override any allow, listing every matching deny', () => {
    const d = decide(ALICE, {
      identity: [policy('identity', 'P1', allow(), deny()), policy('identity', 'P2', deny({ Action: 's3:*' }))],
    });
    assert.equal(d.decision, 'ExplicitDeny');
    assert.equal(d.reason, 'an explicit deny in an identity-based policy');
    assert.deepEqual(deciding(d), ['identity/P1#1', 'identity/P2#0']);
  });

  it('compares actions case-insensitively and resources case-sensitively', () => {
    const set = { identity: [policy('identity', 'P', allow({ Action: 'S3:getobject', Resource: 'arn:aws:s3:::bucket/*' }))] };
    assert.equal(decide(ALICE, set, { action: 's3:GETOBJECT' }).decision, 'Allowed');
    assert.equal(decide(ALICE, set, { resource: 'arn:aws:s3:::Bucket/key' }).decision, 'ImplicitDeny');
  });

  it('NotAction and NotResource apply to everything they do not list', () => {
    const set = { identity: [policy('identity', 'P', { Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::secret/*' })] };
    assert.equal(decide(ALICE, set).decision, 'Allowed');
    assert.equal(decide(ALICE, set, { action: 'iam:CreateUser', resource: '*' }).decision, 'ImplicitDeny');
    assert.equal(decide(ALICE, set, { resource: 'arn:aws:s3:::secret/x' }).decision, 'ImplicitDeny');
  });

  it('substitutes ${aws:username} in resources under 2012-10-17 but not 2008-10-17', () => {
    const s = { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}/*' };
    const v2012 = policy('identity', 'P', s);
    const v2008 = compilePolicy(JSON.stringify({ Version: '2008-10-17', Statement: [s] }), 'identity', 'Old');
    assert.ok(v2008.ok);
    assert.equal(decide(ALICE, { identity: [v2012] }, { resource: 'arn:aws:s3:::home/alice/x' }).decision, 'Allowed');
    assert.equal(decide(ALICE, { identity: [v2012] }, { resource: 'arn:aws:s3:::home/bob/x' }).decision, 'ImplicitDeny');
    assert.equal(decide(ALICE, { identity: [v2008.policy] }, { resource: 'arn:aws:s3:::home/alice/x' }).decision, 'ImplicitDeny');
    assert.equal(decide(ALICE, { identity: [v2008.policy] }, { resource: 'arn:aws:s3:::home/${aws:username}/x' }).decision, 'Allowed');
  });

  it('a resource variable that cannot be resolved does not match (role sessions have no aws:username)', () => {
    const set = { identity: [policy('identity', 'P', allow({ Resource: 'arn:aws:s3:::home/${aws:username}/*' }))] };
    assert.equal(decide(SESSION, set, { resource: 'arn:aws:s3:::home//x' }).decision, 'ImplicitDeny');
    assert.deepEqual(decide(SESSION, set, { resource: 'arn:aws:s3:::home//x' }).missingContextKeys, ['aws:username']);
  });

  it('a NotResource entry whose variable has no value excludes nothing', () => {
    const set = { identity: [policy('identity', 'P', { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::home/${aws:username}/*' }, allow())] };
    assert.equal(decide(ALICE, set, { resource: 'arn:aws:s3:::home/alice/x' }).decision, 'Allowed');
    assert.equal(decide(ALICE, set, { resource: 'arn:aws:s3:::home/bob/x' }).decision, 'ExplicitDeny');
    assert.equal(decide(SESSION, set, { resource: 'arn:aws:s3:::home/bob/x' }).decision, 'ExplicitDeny', 'no aws:username: the deny covers everything');
  });

  it('a condition variable with no value matches nothing, so a StringNotEquals deny applies', () => {
    const set = {
      identity: [policy('identity', 'P', allow(), deny({ Condition: { StringNotEquals: { 's3:ExistingObjectTag/team': '${aws:PrincipalTag/team}' } } }))],
    };
    const tagged: EvaluationPrincipal = { ...principalFromArn(SESSION)!, tags: { team: 'red' } };
    assert.equal(decide(tagged, set, { context: { 's3:ExistingObjectTag/team': 'red' } }).decision, 'Allowed');
    assert.equal(decide(SESSION, set, { context: { 's3:ExistingObjectTag/team': 'red' } }).decision, 'ExplicitDeny');
  });

  it('conditions are ANDed across operators and keys', () => {
    const set = {
      identity: [
        policy('identity', 'P', allow({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' }, Bool: { 'aws:SecureTransport': 'true' } } })),
      ],
    };
    assert.equal(decide(ALICE, set, { context: { 'aws:SourceIp': '10.1.1.1', 'aws:SecureTransport': 'true' } }).decision, 'Allowed');
    assert.equal(decide(ALICE, set, { context: { 'aws:SourceIp': '10.1.1.1', 'aws:SecureTransport': 'false' } }).decision, 'ImplicitDeny');
    assert.equal(decide(ALICE, set, { context: { 'aws:SourceIp': '11.1.1.1', 'aws:SecureTransport': 'true' } }).decision, 'ImplicitDeny');
  });

  it('reports the context keys that matching statements referenced but the request lacked', () => {
    const set = {
      identity: [
        policy('identity', 'P', allow({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' }, StringEquals: { 'aws:PrincipalTag/team': 'x', 's3:prefix': '${aws:PrincipalTag/dept}' } } })),
        policy('identity', 'Other', { Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { StringEquals: { 'ec2:Region': 'x' } } }),
      ],
    };
    const d = decide(ALICE, set, { context: { 'aws:SourceIp': '10.0.0.1' } });
    assert.deepEqual(d.missingContextKeys, ['aws:PrincipalTag/dept', 'aws:PrincipalTag/team', 's3:prefix']);
  });

  it('derives principal context keys (aws:username, aws:PrincipalArn, aws:PrincipalTag/…)', () => {
    const p: EvaluationPrincipal = { ...principalFromArn(ALICE)!, tags: { Team: 'red' } };
    const set = {
      identity: [
        policy('identity', 'P', allow({ Condition: { StringEquals: { 'aws:username': 'alice', 'aws:PrincipalArn': ALICE, 'aws:PrincipalTag/team': 'red', 'aws:PrincipalType': 'User', 'aws:PrincipalAccount': A } } })),
      ],
    };
    assert.equal(decide(p, set).decision, 'Allowed');
    const roleSet = { identity: [policy('identity', 'R', allow({ Condition: { StringEquals: { 'aws:PrincipalArn': ROLE, 'aws:PrincipalType': 'AssumedRole' } } }))] };
    assert.equal(decide(SESSION, roleSet).decision, 'Allowed', 'aws:PrincipalArn of a role session is the role ARN');
  });
});

describe('evaluation: resource-based policies within one account', () => {
  const bucketPolicy = (principal: unknown, extra: Stmt = {}) => policy('resource', 'BucketPolicy', allow({ Principal: principal, ...extra }));

  it('a resource policy alone can allow an IAM user it names', () => {
    const d = decide(ALICE, { resource: bucketPolicy({ AWS: ALICE }) });
    assert.equal(d.decision, 'Allowed');
    assert.equal(d.details.grantedBy, 'resource');
    assert.deepEqual(deciding(d), ['resource/BucketPolicy#0']);
  });

  it('either side may allow; when both do, both are cited', () => {
    const d = decide(ALICE, { identity: [policy('identity', 'P', allow())], resource: bucketPolicy({ AWS: ALICE }) });
    assert.equal(d.decision, 'Allowed');
    assert.deepEqual(deciding(d), ['identity/P#0', 'resource/BucketPolicy#0']);
  });

  it('an explicit deny in the resource policy wins', () => {
    const d = decide(ALICE, { identity: [policy('identity', 'P', allow())], resource: policy('resource', 'BP', deny({ Principal: '*' })) });
    assert.equal(d.decision, 'ExplicitDeny');
    assert.equal(d.reason, 'an explicit deny in a resource-based policy');
    assert.deepEqual(deciding(d), ['resource/BP#0']);
  });

  it('naming the account only delegates to identity-based policies', () => {
    const d = decide(ALICE, { resource: bucketPolicy({ AWS: A }) });
    assert.equal(d.decision, 'ImplicitDeny');
    assert.equal(d.reason, 'no identity-based policy allows the s3:GetObject action');
    assert.deepEqual(deciding(d), ['resource/BucketPolicy#0'], 'an implicit deny lists the allows of kinds that did allow');
    const both = decide(ALICE, { identity: [policy('identity', 'P', allow())], resource: bucketPolicy({ AWS: `arn:aws:iam::${A}:root` }) });
    assert.equal(both.decision, 'Allowed');
    assert.deepEqual(deciding(both), ['identity/P#0', 'resource/BucketPolicy#0']);
  });

  it('a grant to the IAM user is not limited by the user\'s permissions boundary', () => {
    const d = decide(ALICE, { resource: bucketPolicy({ AWS: ALICE }), boundary: policy('boundary', 'B', allow({ Action: 'ec2:*' })) });
    assert.equal(d.decision, 'Allowed');
  });

  it('a grant to the role ARN is limited by the boundary and the session policy; one to the session ARN is not', () => {
    const boundary = policy('boundary', 'Boundary', allow({ Action: 'ec2:*' }));
    const sessionPolicy = policy('session', 'Session', allow({ Action: 'ec2:*' }));
    const byRole = decide(SESSION, { resource: bucketPolicy({ AWS: ROLE }), boundary });
    assert.equal(byRole.decision, 'ImplicitDeny');
    assert.equal(byRole.reason, 'no permissions boundary allows the s3:GetObject action');
    const byRoleSession = decide(SESSION, { resource: bucketPolicy({ AWS: ROLE }), session: [sessionPolicy] });
    assert.equal(byRoleSession.reason, 'no session policy allows the s3:GetObject action');
    const bySession = decide(SESSION, { resource: bucketPolicy({ AWS: SESSION }), boundary, session: [sessionPolicy] });
    assert.equal(bySession.decision, 'Allowed');
    assert.equal(bySession.details.resourceGrant, 'direct');
  });

  it('a grant to the role ARN passes when boundary and session policy allow, citing them', () => {
    const d = decide(SESSION, {
      resource: bucketPolicy({ AWS: ROLE }),
      boundary: policy('boundary', 'Boundary', allow()),
      session: [policy('session', 'Session', allow())],
    });
    assert.equal(d.decision, 'Allowed');
    assert.deepEqual(deciding(d), ['boundary/Boundary#0', 'resource/BucketPolicy#0', 'session/Session#0']);
  });

  it('an explicit deny in a boundary or session policy still applies to a direct grant', () => {
    const d = decide(SESSION, { resource: bucketPolicy({ AWS: SESSION }), boundary: policy('boundary', 'Boundary', deny()) });
    assert.equal(d.decision, 'ExplicitDeny');
    assert.equal(d.reason, 'an explicit deny in a permissions boundary');
    const s = decide(SESSION, { resource: bucketPolicy({ AWS: SESSION }), session: [policy('session', 'S', deny())] });
    assert.equal(s.reason, 'an explicit deny in a session policy');
  });

  it('a statement whose Principal does not name the caller does not apply', () => {
    const d = decide(ALICE, { resource: bucketPolicy({ AWS: `arn:aws:iam::${A}:user/bob` }) });
    assert.equal(d.decision, 'ImplicitDeny');
    assert.deepEqual(d.details.resource.matchedAllow, []);
  });

  it('NotPrincipal with Allow excludes a caller when any identity of its chain is listed', () => {
    const bp = policy('resource', 'BP', allow({ NotPrincipal: { AWS: ALICE } }));
    assert.equal(decide(ALICE, { resource: bp }).decision, 'ImplicitDeny');
    assert.equal(decide(`arn:aws:iam::${A}:user/bob`, { resource: bp }).decision, 'Allowed');
  });

  it('NotPrincipal with Deny exempts only callers whose whole chain is listed', () => {
    const bp = policy('resource', 'BP', allow({ Principal: '*' }), deny({ NotPrincipal: { AWS: [ALICE, A] } }));
    assert.equal(decide(ALICE, { resource: bp }).decision, 'Allowed');
    assert.equal(decide(`arn:aws:iam::${A}:user/bob`, { resource: bp }).decision, 'ExplicitDeny');
    const onlyUser = policy('resource', 'BP2', allow({ Principal: '*' }), deny({ NotPrincipal: { AWS: ALICE } }));
    assert.equal(decide(ALICE, { resource: onlyUser }).decision, 'ExplicitDeny', 'the account must be listed too');
  });
});

describe('evaluation: permissions boundaries and session policies', () => {
  const identity = [policy('identity', 'P', allow())];

  it('the boundary limits identity-based permissions', () => {
    const d = decide(ALICE, { identity, boundary: policy('boundary', 'B', allow({ Action: 'ec2:*' })) });
    assert.equal(d.decision, 'ImplicitDeny');
    assert.equal(d.reason, 'no permissions boundary allows the s3:GetObject action');
    assert.deepEqual(deciding(d), ['identity/P#0']);
    const ok = decide(ALICE, { identity, boundary: policy('boundary', 'B', allow({ Action: 's3:*' })) });
    assert.equal(ok.decision, 'Allowed');
    assert.deepEqual(deciding(ok), ['boundary/B#0', 'identity/P#0']);
  });

  it('a boundary never grants on its own', () => {
    assert.equal(decide(ALICE, { boundary: policy('boundary', 'B', allow()) }).decision, 'ImplicitDeny');
  });

  it('a session policy limits a role session; without one the role\'s policies decide', () => {
    assert.equal(decide(SESSION, { identity }).decision, 'Allowed');
    const limited = decide(SESSION, { identity, session: [policy('session', 'S', allow({ Action: 'ec2:*' }))] });
    assert.equal(limited.reason, 'no session policy allows the s3:GetObject action');
    const ok = decide(SESSION, { identity, session: [policy('session', 'S', allow())] });
    assert.deepEqual(deciding(ok), ['identity/P#0', 'session/S#0']);
  });

  it('a federated-user session without a session policy has no permissions', () => {
    const fed = `arn:aws:sts::${A}:federated-user/bob`;
    assert.equal(decide(fed, { identity }).reason, 'no session policy allows the s3:GetObject action');
    assert.equal(decide(fed, { identity, session: [policy('session', 'S', allow())] }).decision, 'Allowed');
  });

  it('ignores session policies supplied for an IAM user', () => {
    assert.equal(decide(ALICE, { identity, session: [policy('session', 'S', allow({ Action: 'ec2:*' }))] }).decision, 'Allowed');
  });
});

describe('evaluation: cross-account requests', () => {
  const resource = 'arn:aws:s3:::other-bucket/key';
  const identity = [policy('identity', 'P', allow())];
  const bucket = (principal: unknown) => policy('resource', 'BP', allow({ Principal: principal }));

  it('needs both the identity side and the resource side', () => {
    const onlyIdentity = decide(ALICE, { identity }, { resource, resourceAccount: B });
    assert.equal(onlyIdentity.decision, 'ImplicitDeny');
    assert.equal(onlyIdentity.reason, 'no resource-based policy allows the s3:GetObject action');
    assert.equal(onlyIdentity.details.crossAccount, true);

    const onlyResource = decide(ALICE, { resource: bucket({ AWS: ALICE }) }, { resource, resourceAccount: B });
    assert.equal(onlyResource.reason, 'no identity-based policy allows the s3:GetObject action');

    const both = decide(ALICE, { identity, resource: bucket({ AWS: A }) }, { resource, resourceAccount: B });
    assert.equal(both.decision, 'Allowed');
    assert.deepEqual(deciding(both), ['identity/P#0', 'resource/BP#0']);
  });

  it('takes the resource account from the ARN when it has one', () => {
    const d = decide(ALICE, { identity }, { resource: `arn:aws:sqs:us-east-1:${B}:queue` });
    assert.equal(d.details.resourceAccount, B);
    assert.equal(d.decision, 'ImplicitDeny');
  });

  it('the boundary still limits the identity side', () => {
    const d = decide(ALICE, { identity, boundary: policy('boundary', 'B', allow({ Action: 'ec2:*' })), resource: bucket({ AWS: ALICE }) }, { resource, resourceAccount: B });
    assert.equal(d.reason, 'no permissions boundary allows the s3:GetObject action');
  });

  it('the other account\'s root user needs the resource policy', () => {
    const root = `arn:aws:iam::${A}:root`;
    assert.equal(decide(root, {}, { resource, resourceAccount: B }).decision, 'ImplicitDeny');
    assert.equal(decide(root, { resource: bucket({ AWS: A }) }, { resource, resourceAccount: B }).decision, 'Allowed');
  });
});

describe('evaluation: the root user, anonymous and service callers', () => {
  const root = `arn:aws:iam::${A}:root`;

  it('the root user is allowed in its own account without any policy', () => {
    const d = decide(root, {});
    assert.equal(d.decision, 'Allowed');
    assert.equal(d.details.grantedBy, 'root');
  });

  it('an explicit deny or an SCP still limits the root user', () => {
    assert.equal(decide(root, { resource: policy('resource', 'BP', deny({ Principal: '*' })) }).decision, 'ExplicitDeny');
    const scp = decide(root, { scps: [[policy('scp', 'FullAccess', { Effect: 'Allow', Action: '*', Resource: '*' })], [policy('scp', 'OnlyEc2', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' })]] });
    assert.equal(scp.decision, 'ImplicitDeny');
    assert.equal(scp.reason, 'no service control policy allows the s3:GetObject action');
  });

  it('anonymous callers are allowed only by a resource policy naming everyone', () => {
    assert.equal(decide('anonymous', { identity: [policy('identity', 'P', allow())] }).decision, 'ImplicitDeny');
    assert.equal(decide('anonymous', { resource: policy('resource', 'BP', allow({ Principal: { AWS: A } })) }).reason, 'no resource-based policy allows the s3:GetObject action');
    assert.equal(decide('anonymous', { resource: policy('resource', 'BP', allow({ Principal: '*' })) }).decision, 'Allowed');
  });

  it('service principals are allowed by a resource policy naming the service', () => {
    const bp = policy('resource', 'BP', allow({ Principal: { Service: 'cloudtrail.amazonaws.com' } }));
    assert.equal(decide('cloudtrail.amazonaws.com', { resource: bp }).decision, 'Allowed');
    assert.equal(decide('config.amazonaws.com', { resource: bp }).decision, 'ImplicitDeny');
  });
});

describe('evaluation: SCPs and RCPs', () => {
  const identity = [policy('identity', 'P', allow())];
  const full = (kind: 'scp' | 'rcp', name: string) =>
    policy(kind, name, { Effect: 'Allow', Action: '*', Resource: '*', ...(kind === 'rcp' ? { Principal: '*' } : {}) });

  it('every SCP level must allow', () => {
    const ok = decide(ALICE, { identity, scps: [[full('scp', 'Root')], [full('scp', 'OU')], [full('scp', 'Account')]] });
    assert.equal(ok.decision, 'Allowed');
    assert.deepEqual(deciding(ok), ['identity/P#0', 'scp/Account#0', 'scp/OU#0', 'scp/Root#0']);
    const missing = decide(ALICE, { identity, scps: [[full('scp', 'Root')], [policy('scp', 'OU', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' })]] });
    assert.equal(missing.decision, 'ImplicitDeny');
    assert.equal(missing.reason, 'no service control policy allows the s3:GetObject action');
    assert.deepEqual(deciding(missing), ['identity/P#0'], 'the SCP kind did not allow, so its statements are not cited');
  });

  it('an SCP never grants on its own, and its deny wins', () => {
    assert.equal(decide(ALICE, { scps: [[full('scp', 'Root')]] }).reason, 'no identity-based policy allows the s3:GetObject action');
    const d = decide(ALICE, { identity, scps: [[full('scp', 'Root'), policy('scp', 'DenyS3', deny({ Action: 's3:*' }))]] });
    assert.equal(d.decision, 'ExplicitDeny');
    assert.equal(d.reason, 'an explicit deny in a service control policy');
  });

  it('SCPs do not apply to service principals', () => {
    const bp = policy('resource', 'BP', allow({ Principal: { Service: 'logs.amazonaws.com' } }));
    assert.equal(decide('logs.amazonaws.com', { resource: bp, scps: [[policy('scp', 'DenyAll', deny({ Action: '*' }))]] }).decision, 'Allowed');
  });

  it('RCPs only deny (RCPFullAWSAccess is at every level); they apply to every caller, anonymous and services included', () => {
    const bp = policy('resource', 'BP', allow({ Principal: '*' }));
    const narrow = policy('rcp', 'Narrow', { Effect: 'Allow', Principal: '*', Action: 'sqs:*', Resource: '*' });
    const d = decide('anonymous', { resource: bp, rcps: [[full('rcp', 'Root')], [narrow]] });
    assert.equal(d.decision, 'Allowed', 'a level whose own RCPs do not mention the action does not refuse it');
    assert.deepEqual(deciding(d), ['rcp/Root#0', 'resource/BP#0']);
    assert.equal(decide(ALICE, { rcps: [[narrow]] }).reason, 'no identity-based policy allows the s3:GetObject action', 'RCPs grant nothing');
    const denyRcp = policy('rcp', 'DenyAll', { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' });
    assert.equal(decide(ALICE, { identity, rcps: [[full('rcp', 'Root'), denyRcp]] }).reason, 'an explicit deny in a resource control policy');
    const serviceBucket = policy('resource', 'BP2', allow({ Principal: { Service: 's3.amazonaws.com' } }));
    assert.equal(decide('s3.amazonaws.com', { resource: serviceBucket, rcps: [[denyRcp]] }).decision, 'ExplicitDeny');
    const exemptServices = policy('rcp', 'Perimeter', {
      Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*',
      Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-123' }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
    });
    const exempt = decide('s3.amazonaws.com', { resource: serviceBucket, rcps: [[full('rcp', 'Root'), exemptServices]] });
    assert.equal(exempt.decision, 'Allowed', 'aws:PrincipalIsAWSService is derived as true for a service caller');
    assert.deepEqual(deciding(exempt), ['rcp/Root#0', 'resource/BP2#0']);
  });

  it('an explicit deny lists every matching deny across kinds, and the reason names the first in AWS\'s order', () => {
    const d = decide(ALICE, {
      identity: [policy('identity', 'P', allow(), deny())],
      scps: [[full('scp', 'Root'), policy('scp', 'D', deny())]],
      boundary: policy('boundary', 'B', deny()),
    });
    assert.equal(d.reason, 'an explicit deny in a service control policy');
    assert.deepEqual(deciding(d), ['boundary/B#0', 'identity/P#1', 'scp/D#0']);
  });
});

describe('evaluation: role trust policies', () => {
  const assume = { action: 'sts:AssumeRole', resource: `arn:aws:iam::${A}:role/Target` };
  const trust = (principal: unknown) => policy('trust', 'Trust', { Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' });
  const identity = [policy('identity', 'P', { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' })];

  it('the trust policy must allow even within one account', () => {
    const d = decide(ALICE, { identity, resource: trust({ AWS: `arn:aws:iam::${A}:user/bob` }) }, assume);
    assert.equal(d.decision, 'ImplicitDeny');
    assert.equal(d.reason, 'no role trust policy allows the sts:AssumeRole action');
  });

  it('a trust policy naming the account needs the identity side too; one naming the user does not', () => {
    assert.equal(decide(ALICE, { resource: trust({ AWS: A }) }, assume).decision, 'ImplicitDeny');
    assert.equal(decide(ALICE, { identity, resource: trust({ AWS: A }) }, assume).decision, 'Allowed');
    assert.equal(decide(ALICE, { resource: trust({ AWS: ALICE }) }, assume).decision, 'Allowed');
  });

  it('an Allow with NotPrincipal in a trust policy (one stored before IAM refused it) grants no one; a Deny with it still denies', () => {
    // Validation refuses NotPrincipal in a trust policy, so only a lenient compile (simulations,
    // scenarios) or a document stored earlier carries one to the engine.
    const lenient = (...statements: Stmt[]) => {
      const { policy: compiled } = compilePolicyLenient(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'trust', 'Trust');
      assert.ok(compiled);
      return compiled;
    };
    const allButBob = lenient({ Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${A}:user/bob` }, Action: 'sts:AssumeRole' });
    const stranger = `arn:aws:iam::${B}:user/mallory`;
    const strangerIdentity = [policy('identity', 'P', { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' })];
    for (const who of [ALICE, stranger, `arn:aws:iam::${B}:root`, SESSION]) {
      const d = decide(who, { identity: strangerIdentity, resource: allButBob }, assume);
      assert.equal(d.decision, 'ImplicitDeny', who);
      assert.deepEqual(d.details.resource.matchedAllow, [], who);
    }
    // Nor an anonymous caller.
    assert.equal(decide('anonymous', { resource: allButBob }, assume).decision, 'ImplicitDeny');

    const denyAllButAlice = lenient(
      { Effect: 'Allow', Principal: { AWS: A }, Action: 'sts:AssumeRole' },
      { Effect: 'Deny', NotPrincipal: { AWS: [ALICE, A] }, Action: 'sts:AssumeRole' },
    );
    assert.equal(decide(ALICE, { identity, resource: denyAllButAlice }, assume).decision, 'Allowed');
    assert.equal(decide(`arn:aws:iam::${A}:user/bob`, { identity, resource: denyAllButAlice }, assume).decision, 'ExplicitDeny');
  });

  it('a trust-policy deny is reported as such', () => {
    const t = policy('trust', 'Trust', { Effect: 'Allow', Principal: { AWS: A }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' });
    assert.equal(decide(ALICE, { identity, resource: t }, assume).reason, 'an explicit deny in the role trust policy');
  });
});

describe('evaluation: explanation details', () => {
  it('describes each kind, and never lists an applicable kind as allowing when it matched nothing', () => {
    const d = decide(ALICE, { identity: [policy('identity', 'P', allow())], boundary: policy('boundary', 'B', allow({ Action: 'ec2:*' })) });
    assert.equal(d.details.identity.allowed, true);
    assert.equal(d.details.boundary.present, true);
    assert.equal(d.details.boundary.allowed, false);
    assert.equal(d.details.session.applicable, false);
    assert.deepEqual(d.details.scp, []);
  });

  it('is JSON-serialisable and deterministic', () => {
    const set = { identity: [policy('identity', 'P', allow(), deny({ Action: 's3:Put*' }))], resource: policy('resource', 'BP', allow({ Principal: { AWS: A } })) };
    const first = JSON.stringify(decide(ALICE, set));
    assert.equal(JSON.stringify(decide(ALICE, set)), first);
    assert.deepEqual(JSON.parse(first).decision, 'Allowed');
  });
});

describe('evaluation: AWS-owned resources (awsOwned: AWS managed policies)', () => {
  const MANAGED = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
  const readPolicies = (resource = '*') => policy('identity', 'Read', { Effect: 'Allow', Action: 'iam:GetPolicy', Resource: resource });
  const onManaged = (who: string, set: PolicySet, awsOwned: boolean, action = 'iam:GetPolicy', context?: Record<string, ContextValue>) => {
    const principal = principalFromArn(who);
    assert.ok(principal);
    return evaluate({ principal, action, resource: MANAGED, ...(awsOwned ? { awsOwned: true } : {}), ...(context ? { context } : {}) }, set);
  };

  it('the caller\'s identity policies alone allow, as for its own account\'s resources', () => {
    // Without the notion, the ARN's account `aws` is another account whose resource policy must allow.
    const foreign = onManaged(ALICE, { identity: [readPolicies()] }, false);
    assert.equal(foreign.decision, 'ImplicitDeny');
    assert.equal(foreign.reason, 'no resource-based policy allows the iam:GetPolicy action');
    for (const who of [ALICE, SESSION]) {
      const d = onManaged(who, { identity: [readPolicies()] }, true);
      assert.equal(d.decision, 'Allowed', who);
      assert.equal(d.details.crossAccount, false);
      assert.equal(d.details.grantedBy, 'identity');
      // The resource account stays AWS's, not the caller's.
      assert.equal(d.details.resourceAccount, 'aws');
    }
    assert.equal(onManaged(`arn:aws:iam::${A}:root`, {}, true).decision, 'Allowed');
  });

  it('still needs an identity Allow; a Deny, a boundary, an SCP still decide', () => {
    assert.equal(onManaged(ALICE, {}, true).reason, 'no identity-based policy allows the iam:GetPolicy action');
    const denied = onManaged(ALICE, { identity: [readPolicies(), policy('identity', 'No', { Effect: 'Deny', Action: 'iam:GetPolicy', Resource: 'arn:aws:iam::aws:policy/*' })] }, true);
    assert.equal(denied.decision, 'ExplicitDeny');
    const bounded = onManaged(ALICE, { identity: [readPolicies()], boundary: policy('boundary', 'B', { Effect: 'Allow', Action: 's3:*', Resource: '*' }) }, true);
    assert.equal(bounded.decision, 'ImplicitDeny');
    const scp = onManaged(ALICE, { identity: [readPolicies()], scps: [[policy('scp', 'OnlyS3', { Effect: 'Allow', Action: 's3:*', Resource: '*' })]] }, true);
    assert.equal(scp.decision, 'ImplicitDeny');
    assert.equal(onManaged(ALICE, { identity: [readPolicies()] }, true, 'iam:GetPolicyVersion').decision, 'ImplicitDeny');
  });

  it('Resource patterns and conditions see the real ARN and AWS\'s account', () => {
    assert.equal(onManaged(ALICE, { identity: [readPolicies('arn:aws:iam::aws:policy/*')] }, true).decision, 'Allowed');
    assert.equal(onManaged(ALICE, { identity: [readPolicies(`arn:aws:iam::${A}:policy/*`)] }, true).decision, 'ImplicitDeny');
    // AWS's documented data-perimeter exception: aws:ResourceAccount of an AWS managed policy is not the caller's.
    const perimeter = policy('identity', 'Perimeter', { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:ResourceAccount': [A] } } });
    assert.equal(onManaged(ALICE, { identity: [readPolicies(), perimeter] }, true).decision, 'ExplicitDeny');
  });

  it('changes nothing for callers outside an account: only a resource policy could allow them', () => {
    const principal = principalFromArn('anonymous');
    assert.ok(principal);
    assert.equal(evaluate({ principal, action: 'iam:GetPolicy', resource: MANAGED, awsOwned: true }, { identity: [readPolicies()] }).decision, 'ImplicitDeny');
  });
});
