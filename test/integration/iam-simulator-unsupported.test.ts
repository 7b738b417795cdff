import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AcceptDelegationRequestCommand, AssociateDelegationRequestCommand, CreateDelegationRequestCommand,
  GenerateOrganizationsAccessReportCommand, GetDelegationRequestCommand,
  GetHumanReadableSummaryCommand, GetOrganizationsAccessReportCommand,
  ListDelegationRequestsCommand,
  RejectDelegationRequestCommand, SendDelegationTokenCommand,
  SetSecurityTokenServicePreferencesCommand, UpdateDelegationRequestCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { readFile } from 'node:fs/promises';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';
import { UNSUPPORTED_OPERATIONS } from '../../src/iam/simulator/unsupported.ts';

/** Operations that only make sense inside AWS answer a documented error, never NotImplemented. */
describe('IAM operations Tessera does not support', () => {
  let server: TestServer;
  let iam: IAMClient;
  before(async () => {
    server = await startTestServer();
    iam = server.iam();
  });
  after(async () => server.stop());

  const requestId = 'dr-0123456789abcdef';
  const jobId = '01234567-89ab-cdef-0123-456789abcdef';
  const cases: Array<[string, (iam: IAMClient) => Promise<unknown>, string, number]> = [
    ['AcceptDelegationRequest', (c) => c.send(new AcceptDelegationRequestCommand({ DelegationRequestId: requestId })), 'NoSuchEntityException', 404],
    ['AssociateDelegationRequest', (c) => c.send(new AssociateDelegationRequestCommand({ DelegationRequestId: requestId })), 'InvalidInputException', 400],
    ['CreateDelegationRequest', (c) => c.send(new CreateDelegationRequestCommand({
      Description: 'd', Permissions: { PolicyTemplateArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, RequestorWorkflowId: 'flow-1', NotificationChannel: 'arn:aws:sns:us-east-1:123456789012:t', SessionDuration: 3600,
    })), 'InvalidInputException', 400],
    ['GetDelegationRequest', (c) => c.send(new GetDelegationRequestCommand({ DelegationRequestId: requestId })), 'NoSuchEntityException', 404],
    ['ListDelegationRequests', (c) => c.send(new ListDelegationRequestsCommand({})), 'InvalidInputException', 400],
    ['RejectDelegationRequest', (c) => c.send(new RejectDelegationRequestCommand({ DelegationRequestId: requestId })), 'InvalidInputException', 400],
    ['SendDelegationToken', (c) => c.send(new SendDelegationTokenCommand({ DelegationRequestId: requestId })), 'InvalidInputException', 400],
    ['UpdateDelegationRequest', (c) => c.send(new UpdateDelegationRequestCommand({ DelegationRequestId: requestId })), 'InvalidInputException', 400],
    ['GetHumanReadableSummary', (c) => c.send(new GetHumanReadableSummaryCommand({ EntityArn: 'arn:aws:iam::123456789012:policy/p' })), 'InvalidInputException', 400],
    ['GenerateOrganizationsAccessReport', (c) => c.send(new GenerateOrganizationsAccessReportCommand({ EntityPath: 'o-0123456789/r-0123' })), 'InvalidAction', 400],
    ['GetOrganizationsAccessReport', (c) => c.send(new GetOrganizationsAccessReportCommand({ JobId: jobId })), 'NoSuchEntityException', 404],
    ['SetSecurityTokenServicePreferences', (c) => c.send(new SetSecurityTokenServicePreferencesCommand({ GlobalEndpointTokenVersion: 'v2Token' })), 'InvalidAction', 400],
  ];

  test('every unsupported operation has a case here', () => {
    assert.deepEqual(cases.map(([name]) => name).sort(), Object.keys(UNSUPPORTED_OPERATIONS).sort());
  });

  for (const [operation, command, name, status] of cases) {
    test(`${operation}: ${name} ${status} saying why`, async () => {
      const err = await awsError(() => command(iam));
      assert.equal(err.name, name);
      assert.equal(err.status, status);
      assert.match(err.message, new RegExp(`^Tessera does not support ${operation}: .+ \\(see README\\)$`));
    });
  }

  test('docs/unsupported-operations.md lists every one of them', async () => {
    const doc = await readFile(new URL('../../docs/unsupported-operations.md', import.meta.url), 'utf8');
    const missing = Object.keys(UNSUPPORTED_OPERATIONS).filter((operation) => !doc.includes(`\`${operation}\``));
    assert.deepEqual(missing, []);
  });
});
