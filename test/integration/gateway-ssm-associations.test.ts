import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { sendRaw, type RawResponse } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * Systems Manager associations through the gateway: CreateAssociation and each entry of
 * CreateAssociationBatch are decided on the document and on every instance the association
 * applies to (src/gateway/services/ssm.ts), as SendCommand is. moto_server does not implement
 * associations (it answers 500): a request the gateway allows reaches it and its answer is
 * passed back; a refused one never does and is answered AccessDeniedException.
 */
describe('SSM associations through the gateway', () => {
  let env: GatewayEnv;
  let account: string;
  let operator: Credentials & { arn: string };
  const ALLOWED = 'i-0aaaaaaaaaaaaaaaa';
  const OTHER = 'i-0bbbbbbbbbbbbbbbb';
  const instance = (id: string) => `arn:aws:ec2:us-east-1:${account}:instance/${id}`;
  const DOCUMENT = 'arn:aws:ssm:us-east-1::document/AWS-RunShellScript';

  async function ssm(credentials: Credentials, operation: string, body: unknown): Promise<RawResponse> {
    const host = new URL(env.server.url).host;
    const text = JSON.stringify(body);
    const headers = { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${operation}` };
    const signed = signRequest({ method: 'POST', path: '/', query: '', headers, body: text }, credentials, { region: 'us-east-1', service: 'ssm', date: new Date() });
    return sendRaw(env.server.url, { method: 'POST', path: '/', query: '', headers: signed.headers as Record<string, string>, body: text });
  }
  const refusal = (answer: RawResponse) => JSON.parse(answer.body) as { __type: string; message?: string; Message?: string };
  function refused(answer: RawResponse, action: string, resource: string): void {
    assert.equal(answer.status, 400, answer.body);
    const body = refusal(answer);
    assert.equal(body.__type, 'AccessDeniedException');
    assert.equal(body.message ?? body.Message, `User: ${operator.arn} is not authorized to perform: ssm:${action} on resource: ${resource} because no identity-based policy allows the ssm:${action} action`);
  }
  /** Allowed: forwarded, and moto's own answer (it has no associations) comes back — not Tessera's refusal. */
  function forwarded(answer: RawResponse): void {
    assert.notEqual(answer.body.includes('AccessDeniedException'), true, answer.body);
    assert.equal(answer.status, 500, answer.body);
  }

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    operator = await env.user('association-operator', [allow(['ssm:CreateAssociation', 'ssm:CreateAssociationBatch'], [DOCUMENT, instance(ALLOWED)])]);
  });
  after(() => env?.stop());

  test('CreateAssociation on an instance the policy names is forwarded; on another instance it is refused, naming that instance', async () => {
    forwarded(await ssm(operator, 'CreateAssociation', { Name: 'AWS-RunShellScript', InstanceId: ALLOWED }));
    refused(await ssm(operator, 'CreateAssociation', { Name: 'AWS-RunShellScript', InstanceId: OTHER }), 'CreateAssociation', instance(OTHER));
    forwarded(await ssm(operator, 'CreateAssociation', { Name: 'AWS-RunShellScript', Targets: [{ Key: 'InstanceIds', Values: [ALLOWED] }] }));
    refused(await ssm(operator, 'CreateAssociation', { Name: 'AWS-RunShellScript', Targets: [{ Key: 'InstanceIds', Values: [ALLOWED, OTHER] }] }), 'CreateAssociation', instance(OTHER));
  });

  test('CreateAssociation by a tag target is decided on every instance (only the upstream knows which it selects)', async () => {
    refused(await ssm(operator, 'CreateAssociation', { Name: 'AWS-RunShellScript', Targets: [{ Key: 'tag:env', Values: ['prod'] }] }), 'CreateAssociation', instance('*'));
  });

  test('CreateAssociation of another document is refused, naming the document', async () => {
    refused(await ssm(operator, 'CreateAssociation', { Name: 'AWS-ApplyPatchBaseline', InstanceId: ALLOWED }), 'CreateAssociation', 'arn:aws:ssm:us-east-1::document/AWS-ApplyPatchBaseline');
  });

  test('CreateAssociationBatch is decided entry by entry and refused whole when one entry is refused', async () => {
    forwarded(await ssm(operator, 'CreateAssociationBatch', { Entries: [{ Name: 'AWS-RunShellScript', InstanceId: ALLOWED }] }));
    refused(await ssm(operator, 'CreateAssociationBatch', { Entries: [{ Name: 'AWS-RunShellScript', InstanceId: ALLOWED }, { Name: 'AWS-RunShellScript', InstanceId: OTHER }] }), 'CreateAssociationBatch', instance(OTHER));
  });
});
