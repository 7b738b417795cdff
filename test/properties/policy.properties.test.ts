// Invariants of AWS's evaluation logic that must hold for every scenario, checked on random
// ones: an applicable explicit deny always wins, an extra Allow never takes access away,
// dropping a permissions boundary never takes away what identity policies grant, and
// evaluation is a pure function of its input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluateScenario, validatePolicy } from '../../src/policy/index.ts';
import {
  SESSION, USER, permissiveScenarioArb, policyArb, resourceStatementArb, scenarioArb, statementArb,
  type PolicyDocument, type Scenario, type Statement,
} from './policy-arbitraries.ts';

// Bounded so the whole file runs in a few seconds on a shared machine.
const RUNS = { numRuns: 200 };

const clone = (scenario: Scenario): Scenario => structuredClone(scenario);
const withStatement = (policy: PolicyDocument, statement: Statement): PolicyDocument =>
  ({ ...policy, Statement: [...policy.Statement, statement] });

/** Where a statement can be added to a scenario, and the name it then gets in `deciding`. */
type Slot = 'identity' | 'resource' | 'boundary' | 'session' | 'scp' | 'rcp';

interface Placed { scenario: Scenario; policyKind: Slot; policy: string; statementIndex: number }

/**
 * Adds `statement` to the scenario in `slot`. `create` says whether a missing boundary or
 * session policy may be created: creating one restricts access, so the "extra Allow" property
 * only adds to policies that already exist.
 */
function place(base: Scenario, slot: Slot, statement: Statement, pick: number, create: boolean): Placed | undefined {
  const s = clone(base);
  const fresh: PolicyDocument = { Version: '2012-10-17', Statement: [statement] };
  switch (slot) {
    case 'identity': {
      s.identityPolicies.push(fresh);
      return { scenario: s, policyKind: slot, policy: `identityPolicies[${s.identityPolicies.length - 1}]`, statementIndex: 0 };
    }
    case 'resource': {
      if (s.resourcePolicy === undefined) {
        s.resourcePolicy = fresh;
        return { scenario: s, policyKind: slot, policy: 'resourcePolicy', statementIndex: 0 };
      }
      s.resourcePolicy = withStatement(s.resourcePolicy, statement);
      return { scenario: s, policyKind: slot, policy: 'resourcePolicy', statementIndex: s.resourcePolicy.Statement.length - 1 };
    }
    case 'boundary':
    case 'session': {
      const key = slot === 'boundary' ? 'permissionsBoundary' : 'sessionPolicy';
      if (slot === 'session' && s.request.principal !== SESSION) return undefined;
      const existing = s[key];
      if (existing === undefined) {
        if (!create) return undefined;
        s[key] = fresh;
        return { scenario: s, policyKind: slot, policy: key, statementIndex: 0 };
      }
      s[key] = withStatement(existing, statement);
      return { scenario: s, policyKind: slot, policy: key, statementIndex: s[key].Statement.length - 1 };
    }
    case 'scp':
    case 'rcp': {
      const key = slot === 'scp' ? 'scps' : 'rcps';
      const levels = s[key];
      if (levels === undefined || levels.length === 0) {
        if (!create) return undefined;
        s[key] = [[fresh]];
        return { scenario: s, policyKind: slot, policy: `${key}[0][0]`, statementIndex: 0 };
      }
      const level = pick % levels.length;
      const policies = levels[level]!;
      policies.push(fresh);
      return { scenario: s, policyKind: slot, policy: `${key}[${level}][${policies.length - 1}]`, statementIndex: 0 };
    }
  }
}

const SLOTS: readonly Slot[] = ['identity', 'resource', 'boundary', 'session', 'scp', 'rcp'];

test('an explicit deny that matches the request always yields ExplicitDeny', () => {
  fc.assert(fc.property(scenarioArb(), fc.constantFrom(...SLOTS), fc.nat(), (scenario, slot, pick) => {
    const { action } = scenario.request;
    // Matches the request whatever it is: the exact action, every resource, everyone.
    const denyAll: Statement = slot === 'resource' || slot === 'rcp'
      ? { Effect: 'Deny', Principal: '*', Action: action, Resource: '*' }
      : { Effect: 'Deny', Action: action, Resource: '*' };
    const placed = place(scenario, slot, denyAll, pick, true);
    fc.pre(placed !== undefined);
    const result = evaluateScenario(placed.scenario);
    assert.equal(result.decision, 'ExplicitDeny', `deny placed in ${placed.policy}`);
    assert.ok(
      result.deciding.some((d) => d.policyKind === placed.policyKind && d.policy === placed.policy && d.statementIndex === placed.statementIndex),
      `the added deny (${placed.policy} #${placed.statementIndex}) is among the deciding statements: ${JSON.stringify(result.deciding)}`,
    );
    assert.ok(result.deciding.every((d) => d.effect === 'Deny'), 'an explicit deny is decided by Deny statements only');
  }), RUNS);
});

test('adding an Allow statement never turns Allowed into a deny', () => {
  const extraAllow = fc.tuple(fc.constantFrom(...SLOTS), statementArb('Allow'), resourceStatementArb('Allow'), fc.nat());
  fc.assert(fc.property(permissiveScenarioArb(), extraAllow, (scenario, [slot, plain, withPrincipal, pick]) => {
    const before = evaluateScenario(clone(scenario));
    fc.pre(before.decision === 'Allowed');
    const placed = place(scenario, slot, slot === 'resource' || slot === 'rcp' ? withPrincipal : plain, pick, false);
    fc.pre(placed !== undefined);
    const after = evaluateScenario(placed.scenario);
    assert.equal(after.decision, 'Allowed', `an Allow added to ${placed.policy} changed the decision (${after.reason})`);
  }), RUNS);
});

test('removing a permissions boundary never removes an Allow granted by identity policies (same account, no resource policy)', () => {
  // Principals of ACCOUNT only: every generated resource is either in ACCOUNT or an S3 ARN
  // without an account (which defaults to the caller's), so the request is never cross-account.
  const sameAccount = permissiveScenarioArb({ principals: [USER, SESSION], resourcePolicy: false });
  // Half of the boundaries also allow the request outright, so both outcomes stay common.
  const boundaryArb = fc.tuple(policyArb(statementArb()), fc.boolean()).map(([policy, covers]) =>
    covers ? { ...policy, Statement: [...policy.Statement, { Effect: 'Allow', Action: '*', Resource: '*' }] } : policy);
  fc.assert(fc.property(sameAccount, boundaryArb, (scenario, boundary) => {
    const bounded = { ...clone(scenario), permissionsBoundary: boundary };
    const withBoundary = evaluateScenario(bounded);
    fc.pre(withBoundary.decision === 'Allowed');
    const { permissionsBoundary: _removed, ...unbounded } = bounded;
    const without = evaluateScenario(unbounded);
    assert.equal(without.decision, 'Allowed', `removing the boundary changed the decision (${without.reason})`);
    assert.ok(without.deciding.every((d) => d.policyKind !== 'boundary'), 'no boundary statement can decide once the boundary is gone');
  }), RUNS);
});

test('evaluation is deterministic, leaves its input alone and never throws for policies that validate', () => {
  fc.assert(fc.property(scenarioArb(), (scenario) => {
    const policies = [
      ...scenario.identityPolicies.map((p) => [p, 'identity'] as const),
      ...(scenario.permissionsBoundary ? [[scenario.permissionsBoundary, 'boundary'] as const] : []),
      ...(scenario.sessionPolicy ? [[scenario.sessionPolicy, 'session'] as const] : []),
      ...(scenario.resourcePolicy ? [[scenario.resourcePolicy, 'resource'] as const] : []),
      ...(scenario.scps ?? []).flat().map((p) => [p, 'scp'] as const),
      ...(scenario.rcps ?? []).flat().map((p) => [p, 'rcp'] as const),
    ];
    fc.pre(policies.every(([p, kind]) => validatePolicy(JSON.stringify(p), kind).every((d) => d.severity !== 'error')));
    const snapshot = clone(scenario);
    const first = evaluateScenario(scenario);
    const second = evaluateScenario(clone(scenario));
    assert.deepEqual(scenario, snapshot, 'evaluateScenario must not modify its input');
    assert.deepEqual(second, first);
    assert.ok(['Allowed', 'ExplicitDeny', 'ImplicitDeny'].includes(first.decision));
    assert.equal(typeof first.reason, 'string');
  }), RUNS);
});

test('the generators reach every decision, so the properties above are not vacuous', () => {
  const seen = new Set<string>();
  fc.assert(fc.property(scenarioArb(), (scenario) => {
    seen.add(evaluateScenario(scenario).decision);
  }), { numRuns: 300, seed: 20240601 });
  assert.deepEqual([...seen].sort(), ['Allowed', 'ExplicitDeny', 'ImplicitDeny']);
});
