import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, type CompiledPolicy } from '../../policy/index.ts';
import { GATEWAY_SERVICES, iamPrefix } from '../../gateway/services.ts';
import { ACTION_TRACKED_SERVICES } from './last-accessed-report.ts';
import { allowedServices, type ServiceCatalog } from './last-accessed-services.ts';

function policy(...statements: Record<string, unknown>[]): CompiledPolicy {
  const compiled = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'identity', 'test');
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
  return compiled.policy;
}

const allow = (action: string | string[], extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Action: action, Resource: '*', ...extra });

/** A small reference that counts which services' action lists were read. */
function catalog(actions: Record<string, string[]>): ServiceCatalog & { read: string[] } {
  const read: string[] = [];
  return {
    read,
    services: async () => Object.keys(actions),
    name: async (service) => `Service ${service.toUpperCase()}`,
    actions: async (service) => {
      read.push(service);
      return actions[service] ?? [];
    },
  };
}

const SMALL = { iam: ['GetUser', 'ListUsers', 'PassRole'], s3: ['GetObject', 'PutObject', 'ListAllMyBuckets'], sqs: ['SendMessage', 'ReceiveMessage'], sts: ['AssumeRole'] };

test('whole services and wildcards in the action part, sorted by namespace, with AWS names', async () => {
  const services = await allowedServices([policy(allow(['s3:*', 'iam:Get*', 'sqs:SendMessage']))]);
  assert.deepEqual(services, [
    { namespace: 'iam', name: 'AWS Identity and Access Management (IAM)' },
    { namespace: 's3', name: 'Amazon S3' },
    { namespace: 'sqs', name: 'Amazon SQS' },
  ]);
});

test('tracked services carry the allowed actions, in AWS spelling, sorted; others do not', async () => {
  const services = await allowedServices([policy(allow(['iam:Get*', 's3:*', 'ec2:DescribeInstances']))], { actionsOf: new Set(['iam', 's3']) });
  const iam = services.find((s) => s.namespace === 'iam')!;
  assert.ok(iam.actions!.includes('GetUser') && iam.actions!.includes('GetAccountAuthorizationDetails'));
  assert.ok(iam.actions!.every((a) => a.startsWith('Get')), 'only Get* actions');
  assert.deepEqual(iam.actions, [...iam.actions!].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  const s3 = services.find((s) => s.namespace === 's3')!;
  assert.ok(s3.actions!.includes('GetObject') && s3.actions!.includes('PutObject') && s3.actions!.includes('ListAllMyBuckets'));
  assert.equal(services.find((s) => s.namespace === 'ec2')!.actions, undefined);
});

test('"*" allows every service without reading any action list', async () => {
  const small = catalog(SMALL);
  const services = await allowedServices([policy(allow('*'))], { catalog: small });
  assert.deepEqual(services.map((s) => s.namespace), ['iam', 's3', 'sqs', 'sts']);
  assert.deepEqual(small.read, []);
});

test('"*" over the whole reference lists every service, and iam:* reads no action list', async () => {
  const all = await allowedServices([policy(allow('*'))]);
  assert.ok(all.length > 400, `${all.length} services`);
  assert.deepEqual(all.map((s) => s.namespace), all.map((s) => s.namespace).sort());
  const small = catalog(SMALL);
  assert.deepEqual((await allowedServices([policy(allow('iam:*'))], { catalog: small })).map((s) => s.namespace), ['iam']);
  assert.deepEqual(small.read, []);
});

test('wildcards in the service part match service prefixes only', async () => {
  const small = catalog(SMALL);
  assert.deepEqual((await allowedServices([policy(allow('s*:*'))], { catalog: small })).map((s) => s.namespace), ['s3', 'sqs', 'sts']);
  assert.deepEqual((await allowedServices([policy(allow('*:Send*'))], { catalog: small })).map((s) => s.namespace), ['sqs']);
  assert.deepEqual((await allowedServices([policy(allow('s?s:*'))], { catalog: small })).map((s) => s.namespace), ['sqs', 'sts']);
});

test('actions match without regard to case; a pattern naming no action of a service allows nothing of it', async () => {
  const small = catalog(SMALL);
  const services = await allowedServices([policy(allow(['S3:getobject', 'sqs:Nothing*']))], { catalog: small, actionsOf: new Set(['s3']) });
  assert.deepEqual(services, [{ namespace: 's3', name: 'Service S3', actions: ['GetObject'] }]);
});

test('NotAction with Allow: every service not excluded entirely', async () => {
  const small = catalog(SMALL);
  const services = await allowedServices([policy({ Effect: 'Allow', NotAction: ['iam:*', 's3:Get*', 'sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: '*' })], { catalog: small, actionsOf: new Set(['s3']) });
  // iam: excluded by iam:*; sqs: each of its actions excluded by name; s3: PutObject and ListAllMyBuckets remain.
  assert.deepEqual(services, [
    { namespace: 's3', name: 'Service S3', actions: ['ListAllMyBuckets', 'PutObject'] },
    { namespace: 'sts', name: 'Service STS' },
  ]);
  // sts is untouched by every entry: decided without its action list.
  assert.ok(!small.read.includes('sts') && !small.read.includes('iam'));
});

test('Deny statements, Resource and Condition are not looked at', async () => {
  const small = catalog(SMALL);
  const services = await allowedServices([
    policy(
      allow('s3:GetObject', { Resource: 'arn:aws:s3:::only-this/*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
      { Effect: 'Deny', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
    ),
  ], { catalog: small, actionsOf: new Set(['s3']) });
  assert.deepEqual(services, [{ namespace: 's3', name: 'Service S3', actions: ['GetObject'] }]);
});

test('several policies: the union of what each allows, action by action', async () => {
  const small = catalog(SMALL);
  const services = await allowedServices([policy(allow('iam:GetUser')), policy(allow(['iam:ListUsers', 'sqs:SendMessage'])), policy({ Effect: 'Deny', Action: 'sts:*', Resource: '*' })], { catalog: small, actionsOf: new Set(['iam', 'sqs']) });
  assert.deepEqual(services, [
    { namespace: 'iam', name: 'Service IAM', actions: ['GetUser', 'ListUsers'] },
    { namespace: 'sqs', name: 'Service SQS', actions: ['SendMessage'] },
  ]);
  assert.deepEqual(await allowedServices([], { catalog: small }), []);
  assert.deepEqual(await allowedServices([policy({ Effect: 'Deny', Action: '*', Resource: '*' })], { catalog: small }), []);
});

test('every service Tessera serves or protects is action-tracked', () => {
  for (const service of [...GATEWAY_SERVICES.map(iamPrefix), 'iam', 'sts', 'organizations', 'cloudtrail']) assert.ok(ACTION_TRACKED_SERVICES.has(service), service);
});
