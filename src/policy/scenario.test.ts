import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { REQUEST_FIELDS, SCENARIO_FIELDS, ScenarioError, evaluateScenario } from './scenario.ts';

const A = '111122223333';
const allowGet = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };

describe('evaluateScenario', () => {
  it('evaluates the documented format and names unnamed policies by position', () => {
    const result = evaluateScenario({
      request: { principal: `arn:aws:iam::${A}:user/alice`, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' },
      identityPolicies: [allowGet, { name: 'Named', document: JSON.stringify(allowGet) }],
      scps: [[{ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }], [allowGet]],
    });
    assert.equal(result.decision, 'Allowed');
    assert.deepEqual(
      result.deciding.map((d) => `${d.policyKind}:${d.policy}:${d.statementIndex}`).sort(),
      ['identity:Named:0', 'identity:identityPolicies[0]:0', 'scp:scps[0][0]:0', 'scp:scps[1][0]:0'],
    );
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result, 'the result is plain JSON');
  });

  it('defaults the resource to "*" and fills principal keys and tags', () => {
    const result = evaluateScenario({
      request: { principal: `arn:aws:sts::${A}:assumed-role/Dev/s1`, principalTags: { team: 'red' }, action: 'iam:ListRoles' },
      identityPolicies: [
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:List*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red', 'aws:PrincipalArn': `arn:aws:iam::${A}:role/Dev` } } }] },
      ],
    });
    assert.equal(result.decision, 'Allowed');
  });

  it('uses the names resourcePolicy, permissionsBoundary, sessionPolicy and rcps[i][j]', () => {
    const result = evaluateScenario({
      request: { principal: `arn:aws:sts::${A}:assumed-role/Dev/s1`, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' },
      resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }] },
      permissionsBoundary: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] },
      sessionPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] },
      rcps: [[{ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }] }]],
    });
    assert.equal(result.decision, 'ExplicitDeny');
    assert.deepEqual(result.deciding.map((d) => d.policy).sort(), ['permissionsBoundary', 'rcps[0][0]', 'resourcePolicy', 'sessionPolicy']);
  });

  it('evaluates policies that fail validation as written, reporting their diagnostics', () => {
    const result = evaluateScenario({
      request: { principal: `arn:aws:iam::${A}:user/alice`, action: 's3:GetObject' },
      identityPolicies: [{ Statement: [{ Sid: 'not alphanumeric', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }],
    });
    assert.equal(result.decision, 'Allowed');
    assert.ok(result.details.policyDiagnostics['identityPolicies[0]']?.some((d) => d.code === 'InvalidSid'));
  });

  it('treats the resource policy as a trust policy when told to', () => {
    const base = {
      request: { principal: `arn:aws:iam::${A}:user/alice`, action: 'sts:AssumeRole', resource: `arn:aws:iam::${A}:role/R` },
      identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }],
      resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:user/bob` }, Action: 'sts:AssumeRole' }] },
    };
    // A role is assumed only through its trust policy (service-rules.ts), whatever kind the
    // scenario calls its resource policy.
    const resource = evaluateScenario(base);
    assert.equal(resource.decision, 'ImplicitDeny');
    assert.equal(resource.reason, 'no role trust policy allows the sts:AssumeRole action');
    const trust = evaluateScenario({ ...base, resourcePolicyKind: 'trust' });
    assert.equal(trust.decision, 'ImplicitDeny');
    assert.equal(trust.reason, 'no role trust policy allows the sts:AssumeRole action');
  });

  it('accepts free-text comment fields', () => {
    const result = evaluateScenario({ note: 'why', request: { principal: `arn:aws:iam::${A}:root`, action: 's3:GetObject', description: 'x' } });
    assert.equal(result.decision, 'Allowed');
  });

  it('throws ScenarioError, with a message, for a malformed scenario', () => {
    const bad: unknown[] = [
      null,
      [],
      {},
      { request: {} },
      { request: { principal: 'alice', action: 's3:GetObject' } },
      { request: { principal: `arn:aws:iam::${A}:user/alice` } },
      { request: { principal: `arn:aws:iam::${A}:user/alice`, action: 's3:GetObject', context: { k: { nested: 1 } } } },
      { request: { principal: `arn:aws:iam::${A}:user/alice`, action: 's3:GetObject' }, identityPolicies: {} },
      { request: { principal: `arn:aws:iam::${A}:user/alice`, action: 's3:GetObject' }, identityPolicies: ['not json'] },
      { request: { principal: `arn:aws:iam::${A}:user/alice`, action: 's3:GetObject' }, scps: [allowGet] },
      { request: { principal: `arn:aws:iam::${A}:user/alice`, action: 's3:GetObject' }, resourcePolicy: allowGet, resourcePolicyKind: 'bucket' },
      { request: { principal: `arn:aws:iam::${A}:user/alice`, action: 's3:GetObject' }, identityPolicy: [allowGet] },
      { request: { principal: `arn:aws:iam::${A}:user/alice`, action: 's3:GetObject', resources: 'arn:aws:s3:::b' } },
    ];
    for (const scenario of bad) {
      assert.throws(() => evaluateScenario(scenario), (e: unknown) => e instanceof ScenarioError && e.message.length > 0, JSON.stringify(scenario));
    }
  });
});

describe('schemas/policy-scenario.schema.json', () => {
  const schema = JSON.parse(readFileSync(new URL('../../schemas/policy-scenario.schema.json', import.meta.url), 'utf8'));

  it('is a draft 2020-12 schema describing exactly the fields the reader accepts', () => {
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.deepEqual(Object.keys(schema.properties).sort(), [...SCENARIO_FIELDS].sort());
    assert.deepEqual(Object.keys(schema.$defs.request.properties).sort(), [...REQUEST_FIELDS].sort());
    assert.deepEqual(schema.required, ['request']);
    assert.deepEqual(schema.$defs.request.required, ['principal', 'action']);
  });

  it('resolves every local $ref', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') refs.push(v);
          else walk(v);
        }
      }
    };
    walk(schema);
    assert.ok(refs.length > 5);
    for (const ref of refs) {
      assert.ok(ref.startsWith('#/$defs/'), ref);
      assert.ok(schema.$defs[ref.slice('#/$defs/'.length)], `unresolved ${ref}`);
    }
  });
});
