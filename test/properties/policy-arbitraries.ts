// fast-check generators for policies and scenarios, drawn from small vocabularies so that
// statements actually match requests often enough for the properties to say something.
import fc from 'fast-check';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
export const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app/s1`;
export const OTHER_USER = `arn:aws:iam::${OTHER_ACCOUNT}:user/bob`;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Statement = { [key: string]: Json };
export interface PolicyDocument { Version: string; Statement: Statement[] }

export interface Request {
  principal: string;
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  principalTags?: Record<string, string>;
}

export interface Scenario {
  request: Request;
  identityPolicies: PolicyDocument[];
  resourcePolicy?: PolicyDocument;
  permissionsBoundary?: PolicyDocument;
  sessionPolicy?: PolicyDocument;
  scps?: PolicyDocument[][];
  rcps?: PolicyDocument[][];
}

export const ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 'ec2:RunInstances', 'iam:CreateUser', 'sqs:SendMessage'];
const ACTION_PATTERNS = [...ACTIONS, 's3:*', 's3:Get*', '*', 'ec2:*', 'iam:*User*', 's3:?etObject', 'S3:getobject'];
export const RESOURCES = ['arn:aws:s3:::b1/k1', 'arn:aws:s3:::b2/dir/k2', `arn:aws:sqs:us-east-1:${ACCOUNT}:q`, `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1`];
const RESOURCE_PATTERNS = ['*', 'arn:aws:s3:::b1/*', 'arn:aws:s3:::*', 'arn:aws:s3:::b2/dir/k2', `arn:aws:sqs:*:${ACCOUNT}:*`, 'arn:aws:s3:::b?/*', 'arn:aws:ec2:*:*:instance/*', 'arn:aws:s3:::${aws:username}/*'];
const CONDITIONS: Json[] = [
  { StringEquals: { 'aws:PrincipalTag/team': 'red' } },
  { Bool: { 'aws:SecureTransport': 'true' } },
  { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
  { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
  { StringNotEqualsIfExists: { 'aws:ResourceTag/env': 'prod' } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } },
  { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'a*' } },
  { Null: { 'aws:TokenIssueTime': 'true' } },
  { NumericLessThan: { 's3:max-keys': '10' } },
  { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
  { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:*` } },
];

const one = <T>(values: readonly T[]) => fc.constantFrom(...values);
/** True one time in four: NotAction / NotResource match so widely that they would drown the rest. */
const rarely = fc.nat({ max: 3 }).map((n) => n === 0);
const oneOrMany = <T>(values: readonly T[]) => fc.oneof(one(values), fc.uniqueArray(one(values), { minLength: 1, maxLength: 3 }));

/** A statement without Principal, as in identity policies, boundaries, session policies and SCPs. */
export function statementArb(effect?: 'Allow' | 'Deny'): fc.Arbitrary<Statement> {
  return fc.record({
    effect: effect ? fc.constant(effect) : one(['Allow', 'Deny'] as const),
    negateAction: rarely,
    action: oneOrMany(ACTION_PATTERNS),
    negateResource: rarely,
    resource: oneOrMany(RESOURCE_PATTERNS),
    condition: fc.option(one(CONDITIONS), { freq: 2 }),
  }).map(({ effect: Effect, negateAction, action, negateResource, resource, condition }) => {
    const s: Statement = { Effect };
    s[negateAction ? 'NotAction' : 'Action'] = action;
    s[negateResource ? 'NotResource' : 'Resource'] = resource;
    if (condition !== null) s.Condition = condition;
    return s;
  });
}

const PRINCIPAL_ELEMENTS: Json[] = ['*', { AWS: '*' }, { AWS: USER }, { AWS: ROLE }, { AWS: SESSION }, { AWS: ACCOUNT }, { AWS: OTHER_ACCOUNT }, { AWS: OTHER_USER }];

/** A resource-policy (or RCP) statement: a plain statement plus a Principal. */
export function resourceStatementArb(effect?: 'Allow' | 'Deny'): fc.Arbitrary<Statement> {
  return fc.tuple(statementArb(effect), one(PRINCIPAL_ELEMENTS)).map(([s, Principal]) => ({ ...s, Principal }));
}

export const policyArb = (statement: fc.Arbitrary<Statement>, maxStatements = 3): fc.Arbitrary<PolicyDocument> =>
  fc.array(statement, { minLength: 1, maxLength: maxStatements }).map((Statement) => ({ Version: '2012-10-17', Statement }));

const contextArb: fc.Arbitrary<Record<string, string | string[]>> = fc.record({
  secure: fc.option(one(['true', 'false'])),
  ip: fc.option(one(['10.1.2.3', '192.168.0.1'])),
  env: fc.option(one(['prod', 'dev'])),
  tagKeys: fc.option(one([['a'], ['a', 'c'], [] as string[]])),
  maxKeys: fc.option(one(['5', '50'])),
}).map(({ secure, ip, env, tagKeys, maxKeys }) => {
  const context: Record<string, string | string[]> = { 'aws:CurrentTime': '2024-06-01T12:00:00Z' };
  if (secure !== null) context['aws:SecureTransport'] = secure;
  if (ip !== null) context['aws:SourceIp'] = ip;
  if (env !== null) context['aws:ResourceTag/env'] = env;
  if (tagKeys !== null) context['aws:TagKeys'] = tagKeys;
  if (maxKeys !== null) context['s3:max-keys'] = maxKeys;
  return context;
});

export function requestArb(principals: readonly string[] = [USER, SESSION, OTHER_USER]): fc.Arbitrary<Request> {
  return fc.record({
    principal: one(principals),
    action: one(ACTIONS),
    resource: one(RESOURCES),
    context: contextArb,
    team: fc.option(one(['red', 'blue'])),
  }).map(({ team, ...request }) => (team === null ? request : { ...request, principalTags: { team } }));
}

export interface ScenarioShape {
  principals?: readonly string[];
  resourcePolicy?: boolean;
  sessionPolicy?: boolean;
}

/** A scenario with any mix of policy kinds; every part is optional except the request. */
export function scenarioArb(shape: ScenarioShape = {}): fc.Arbitrary<Scenario> {
  const levels = fc.option(fc.array(fc.array(policyArb(statementArb()), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 2 }), { freq: 2 });
  const rcpLevels = fc.option(fc.array(fc.array(policyArb(resourceStatementArb()), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 2 }), { freq: 2 });
  return fc.record({
    request: requestArb(shape.principals),
    identityPolicies: fc.array(policyArb(statementArb()), { maxLength: 3 }),
    resourcePolicy: shape.resourcePolicy === false ? fc.constant(null) : fc.option(policyArb(resourceStatementArb())),
    permissionsBoundary: fc.option(policyArb(statementArb())),
    sessionPolicy: shape.sessionPolicy === false ? fc.constant(null) : fc.option(policyArb(statementArb())),
    scps: levels,
    rcps: rcpLevels,
  }).map((parts) => {
    const scenario: Scenario = { request: parts.request, identityPolicies: parts.identityPolicies };
    if (parts.resourcePolicy !== null) scenario.resourcePolicy = parts.resourcePolicy;
    if (parts.permissionsBoundary !== null) scenario.permissionsBoundary = parts.permissionsBoundary;
    // Session policies only exist for session principals.
    if (parts.sessionPolicy !== null && parts.request.principal === SESSION) scenario.sessionPolicy = parts.sessionPolicy;
    if (parts.scps !== null) scenario.scps = parts.scps;
    if (parts.rcps !== null) scenario.rcps = parts.rcps;
    return scenario;
  });
}

/**
 * Random scenarios turned mostly permissive: Deny statements dropped, and an unconditional
 * Allow of the request's action added to every policy kind present (Principal "*" where a
 * principal is needed). Most such scenarios are Allowed, which the monotonicity properties
 * need as their starting point; the random statements left in still vary everything else.
 */
export function permissiveScenarioArb(shape: ScenarioShape = {}): fc.Arbitrary<Scenario> {
  return fc.tuple(scenarioArb(shape), fc.nat()).map(([scenario, pick]) => makePermissive(scenario, pick));
}

function makePermissive(scenario: Scenario, pick: number): Scenario {
  const action = scenario.request.action;
  const allowIt: Statement = { Effect: 'Allow', Action: action, Resource: '*' };
  const allowAnyone: Statement = { Effect: 'Allow', Principal: '*', Action: action, Resource: '*' };
  const withAllow = (policy: PolicyDocument, statement: Statement): PolicyDocument => {
    const kept = policy.Statement.filter((s) => s.Effect !== 'Deny');
    const at = pick % (kept.length + 1);
    return { ...policy, Statement: [...kept.slice(0, at), statement, ...kept.slice(at)] };
  };
  const strip = (policy: PolicyDocument): PolicyDocument => ({ ...policy, Statement: policy.Statement.filter((s) => s.Effect !== 'Deny') });
  const out: Scenario = { ...scenario, identityPolicies: scenario.identityPolicies.map(strip).filter((p) => p.Statement.length > 0) };
  const chosen = out.identityPolicies.length === 0 ? -1 : pick % out.identityPolicies.length;
  if (chosen < 0) out.identityPolicies.push({ Version: '2012-10-17', Statement: [allowIt] });
  else out.identityPolicies[chosen] = withAllow(out.identityPolicies[chosen]!, allowIt);
  if (scenario.resourcePolicy) out.resourcePolicy = withAllow(scenario.resourcePolicy, allowAnyone);
  if (scenario.permissionsBoundary) out.permissionsBoundary = withAllow(scenario.permissionsBoundary, allowIt);
  if (scenario.sessionPolicy) out.sessionPolicy = withAllow(scenario.sessionPolicy, allowIt);
  if (scenario.scps) out.scps = scenario.scps.map(([first, ...rest]) => [withAllow(first!, allowIt), ...rest.map(strip)]);
  if (scenario.rcps) out.rcps = scenario.rcps.map(([first, ...rest]) => [withAllow(first!, allowAnyone), ...rest.map(strip)]);
  return out;
}
