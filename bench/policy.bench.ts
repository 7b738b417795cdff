// Policy engine throughput, against a naive evaluator measured in the same process on the
// same workloads. Run: node_modules/.bin/node bench/policy.bench.ts
//
// Workloads:
//   (a) one identity policy with one statement;
//   (b) 10 managed policies × 10 statements, with wildcards and two conditions each;
//   (c) (b) plus a resource policy, a permissions boundary, an SCP and a session policy.
// The naive baseline re-parses every policy's JSON and builds a RegExp for every pattern
// on every request — what an engine without a compile step does. Both evaluators must
// reach the same decision on every request of a workload, or the bench fails.

import { performance } from 'node:perf_hooks';
import type { CompiledPolicy, EvaluationRequest, PolicyKind, PolicySet } from '../src/policy/index.ts';
import { compilePolicy, evaluate, principalFromArn } from '../src/policy/index.ts';

export interface PolicyBenchOptions {
  /** Measuring time per evaluator per workload (default 1,000 ms for the engine). */
  durationMs?: number;
  /** Printed lines go here (default console.log). */
  log?: (line: string) => void;
}

export interface PolicyBenchResult {
  workload: string;
  engineDecisionsPerSecond: number;
  naiveDecisionsPerSecond: number;
  ratio: number;
}

const ACCOUNT = '111122223333';
const SERVICES = ['s3', 'ec2', 'iam', 'sqs', 'sns', 'dynamodb', 'lambda', 'kms', 'logs', 'cloudwatch'];

interface RawPolicy {
  kind: PolicyKind;
  name: string;
  text: string;
}

interface Workload {
  name: string;
  raw: RawPolicy[];
  requests: EvaluationRequest[];
}

function doc(statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function managedPolicies(): RawPolicy[] {
  const policies: RawPolicy[] = [];
  for (let p = 0; p < 10; p++) {
    const statements = SERVICES.map((svc, s) => ({
      Sid: `P${p}S${s}`,
      Effect: 'Allow',
      Action: [`${svc}:Get*`, `${svc}:Describe*`, `${svc}:List*`],
      Resource: `arn:aws:${svc}:*:${ACCOUNT}:res${p}-${s}/*`,
      Condition: {
        StringEquals: { 'aws:PrincipalTag/team': ['red', 'blue'] },
        StringLike: { 'aws:SourceVpc': 'vpc-*' },
      },
    }));
    policies.push({ kind: 'identity', name: `managed/Policy${p}`, text: doc(statements) });
  }
  return policies;
}

function requests(principalArn: string, count: number): EvaluationRequest[] {
  const principal = principalFromArn(principalArn)!;
  principal.tags = { team: 'red' };
  const out: EvaluationRequest[] = [];
  // A fixed pseudo-random sequence so every run measures the same requests.
  let seed = 12345;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < count; i++) {
    const s = next(SERVICES.length);
    const p = next(10);
    const svc = SERVICES[s]!;
    const verb = ['GetItem', 'DescribeThing', 'ListThings', 'PutItem'][next(4)]!;
    out.push({
      principal,
      action: `${svc}:${verb}`,
      resource: `arn:aws:${svc}:us-east-1:${ACCOUNT}:res${p}-${next(3) === 0 ? (s + 1) % 10 : s}/item${i}`,
      context: { 'aws:SourceVpc': next(5) === 0 ? 'none' : 'vpc-0abc' },
    });
  }
  return out;
}

function workloads(): Workload[] {
  const user = `arn:aws:iam::${ACCOUNT}:user/alice`;
  const session = `arn:aws:sts::${ACCOUNT}:assumed-role/App/s1`;
  const a: Workload = {
    name: '(a) 1 identity policy × 1 statement',
    raw: [{ kind: 'identity', name: 'inline', text: doc([{ Effect: 'Allow', Action: 's3:Get*', Resource: `arn:aws:s3:us-east-1:${ACCOUNT}:*` }]) }],
    requests: requests(user, 256),
  };
  const b: Workload = { name: '(b) 10 policies × 10 statements, wildcards + 2 conditions', raw: managedPolicies(), requests: requests(user, 256) };
  const c: Workload = {
    name: '(c) (b) + resource policy, boundary, SCP, session policy',
    raw: [
      ...managedPolicies(),
      {
        kind: 'resource',
        name: 'resource',
        text: doc([
          { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: '*', Resource: '*' },
          { Effect: 'Deny', Principal: '*', Action: '*:Delete*', Resource: '*' },
        ]),
      },
      {
        kind: 'boundary',
        name: 'boundary',
        text: doc([
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', Action: 'iam:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'admins' } } },
        ]),
      },
      {
        kind: 'scp',
        name: 'scp',
        text: doc([
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { StringLike: { 'aws:SourceVpc': 'vpc-blocked*' } } },
        ]),
      },
      { kind: 'session', name: 'session', text: doc([{ Effect: 'Allow', Action: ['s3:*', 'ec2:*', 'sqs:*', 'sns:*', 'dynamodb:*', 'lambda:*', 'kms:*', 'logs:*', 'cloudwatch:*'], Resource: '*' }]) },
    ],
    requests: requests(session, 256),
  };
  return [a, b, c];
}

function compileSet(raw: RawPolicy[]): PolicySet {
  const compiled = (r: RawPolicy): CompiledPolicy => {
    const result = compilePolicy(r.text, r.kind, r.name);
    if (!result.ok) throw new Error(`bench policy ${r.name} is invalid: ${JSON.stringify(result.diagnostics)}`);
    return result.policy;
  };
  const set: PolicySet = { identity: raw.filter((r) => r.kind === 'identity').map(compiled) };
  for (const r of raw) {
    if (r.kind === 'resource') set.resource = compiled(r);
    if (r.kind === 'boundary') set.boundary = compiled(r);
    if (r.kind === 'scp') set.scps = [[compiled(r)]];
    if (r.kind === 'session') set.session = [compiled(r)];
  }
  return set;
}

// ---------------------------------------------------------------------------------------
// The naive baseline: same decisions for these workloads, no compile step.

type Json = Record<string, unknown>;
const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);

function wildcardRegExp(pattern: string, flags: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, flags);
}

function naiveContextValue(request: EvaluationRequest, key: string): string | undefined {
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(request.context ?? {})) if (k.toLowerCase() === lower) return String(v);
  if (lower.startsWith('aws:principaltag/')) {
    const tag = lower.slice('aws:principaltag/'.length);
    for (const [k, v] of Object.entries(request.principal.tags ?? {})) if (k.toLowerCase() === tag) return v;
  }
  return undefined;
}

function naiveStatementMatches(statement: Json, request: EvaluationRequest, checkPrincipal: boolean): boolean {
  const actions = list(statement['Action']);
  if (!actions.some((a) => wildcardRegExp(a, 'i').test(request.action))) return false;
  const resources = list(statement['Resource']);
  if (!resources.some((r) => wildcardRegExp(r, '').test(request.resource ?? '*'))) return false;
  if (checkPrincipal) {
    const principal = statement['Principal'];
    const aws = principal === '*' ? ['*'] : list((principal as Json | undefined)?.['AWS']);
    if (!aws.some((p) => p === '*' || p === request.principal.accountId)) return false;
  }
  const conditions = (statement['Condition'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [operator, block] of Object.entries(conditions)) {
    for (const [key, values] of Object.entries(block)) {
      const actual = naiveContextValue(request, key);
      const expected = list(values);
      let matched: boolean;
      if (operator === 'StringEquals') matched = actual !== undefined && expected.includes(actual);
      else if (operator === 'StringNotEquals') matched = actual === undefined || !expected.includes(actual);
      else if (operator === 'StringLike') matched = actual !== undefined && expected.some((e) => wildcardRegExp(e, '').test(actual));
      else throw new Error(`naive baseline does not implement ${operator}`);
      if (!matched) return false;
    }
  }
  return true;
}

function naiveEvaluate(request: EvaluationRequest, raw: readonly RawPolicy[]): 'Allowed' | 'ExplicitDeny' | 'ImplicitDeny' {
  const allows = new Map<PolicyKind, boolean>();
  let denied = false;
  for (const policy of raw) {
    const parsed = JSON.parse(policy.text) as Json;
    for (const statement of list(parsed['Statement'] as never) as unknown as Json[]) {
      if (!naiveStatementMatches(statement, request, policy.kind === 'resource')) continue;
      if (statement['Effect'] === 'Deny') denied = true;
      else allows.set(policy.kind, true);
    }
  }
  if (denied) return 'ExplicitDeny';
  const has = (kind: PolicyKind) => raw.some((r) => r.kind === kind);
  if (has('scp') && !allows.get('scp')) return 'ImplicitDeny';
  const identitySide =
    allows.get('identity') === true && (!has('boundary') || allows.get('boundary') === true) && (!has('session') || allows.get('session') === true);
  // The workloads' resource policy names the account: it delegates to the identity side.
  return identitySide ? 'Allowed' : 'ImplicitDeny';
}

// ---------------------------------------------------------------------------------------

function measure(durationMs: number, requests: readonly EvaluationRequest[], run: (r: EvaluationRequest) => string): number {
  let count = 0;
  let allowed = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    for (let i = 0; i < requests.length; i++) if (run(requests[i]!) === 'Allowed') allowed++;
    count += requests.length;
    now = performance.now();
  }
  if (allowed < 0) throw new Error('unreachable'); // keeps the loop's results observable
  return count / ((now - start) / 1000);
}

export async function runPolicyBench(opts: PolicyBenchOptions = {}): Promise<PolicyBenchResult[]> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const engineMs = opts.durationMs ?? 1000;
  const naiveMs = Math.max(100, Math.round(engineMs / 2));
  const results: PolicyBenchResult[] = [];
  log('policy engine — decisions per second on one core (higher is better)');
  for (const workload of workloads()) {
    const set = compileSet(workload.raw);
    let allowedCount = 0;
    for (const request of workload.requests) {
      const engine = evaluate(request, set).decision;
      const naive = naiveEvaluate(request, workload.raw);
      if (engine !== naive) {
        throw new Error(`${workload.name}: engine says ${engine}, naive says ${naive} for ${request.action} on ${request.resource}`);
      }
      if (engine === 'Allowed') allowedCount++;
    }
    measure(Math.min(200, engineMs), workload.requests, (r) => evaluate(r, set).decision); // warm-up
    const engineRate = measure(engineMs, workload.requests, (r) => evaluate(r, set).decision);
    const naiveRate = measure(naiveMs, workload.requests, (r) => naiveEvaluate(r, workload.raw));
    const ratio = engineRate / naiveRate;
    results.push({ workload: workload.name, engineDecisionsPerSecond: engineRate, naiveDecisionsPerSecond: naiveRate, ratio });
    log(
      `  ${workload.name}\n` +
        `      engine ${Math.round(engineRate).toLocaleString('en-US').padStart(12)} /s   ` +
        `naive ${Math.round(naiveRate).toLocaleString('en-US').padStart(10)} /s   ` +
        `ratio ${ratio.toFixed(1)}×   (${allowedCount}/${workload.requests.length} requests allowed)`,
    );
  }
  return results;
}

if (import.meta.main) {
  await runPolicyBench();
}
