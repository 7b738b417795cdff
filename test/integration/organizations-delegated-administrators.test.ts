import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EnableOrganizationsRootSessionsCommand, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import {
  DeregisterDelegatedAdministratorCommand, EnableAWSServiceAccessCommand, ListDelegatedAdministratorsCommand,
  ListDelegatedServicesForAccountCommand, RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';
import { AssumeRootCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { organizationsClients, twoMemberOrganization } from '../support/organizations.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * Organizations' delegated administrators through the SDK v3: registering a member account for
 * a service, the lists the management account and the delegated administrators read, the
 * refusals (the management account itself, an unknown account or service principal, twice, not
 * registered), and IAM's centralized root access honouring a delegated administrator for
 * iam.amazonaws.com: an IAM user of that member account calls sts:AssumeRoot on another member.
 */
describe('Organizations delegated administrators', () => {
  let server: TestServer;
  let delegate: string;
  let other: string;
  let delegateAdmin: Credentials;
  let otherAdmin: Credentials;
  const clients = organizationsClients(() => server);
  const organizations = clients.client;

  before(async () => {
    server = await startTestServer();
    ({ delegate, other, delegateAdmin, otherAdmin } = await twoMemberOrganization(server, organizations()));
  });
  after(async () => {
    clients.destroy();
    await server?.stop();
  });

  test('register, list, refuse and deregister', async () => {
    const management = server.accountId;
    const asManagement = organizations();
    // A service needs trusted access before it can have a delegated administrator (SERVICE_ACCESS_NOT_ENABLED).
    for (const service of ['iam.amazonaws.com', 'sso.amazonaws.com']) await asManagement.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: service }));
    const self = await awsError(() => asManagement.send(new RegisterDelegatedAdministratorCommand({ AccountId: management, ServicePrincipal: 'iam.amazonaws.com' })));
    assert.deepEqual([self.name, self.message], ['ConstraintViolationException', 'You cannot register the management account of the organization as a delegated administrator for an AWS service integrated with Organizations.']);
    const unknownService = await awsError(() => asManagement.send(new RegisterDelegatedAdministratorCommand({ AccountId: delegate, ServicePrincipal: 'nothing.amazonaws.com' })));
    assert.equal(unknownService.name, 'InvalidInputException');
    const unknownAccount = await awsError(() => asManagement.send(new RegisterDelegatedAdministratorCommand({ AccountId: '999999999999', ServicePrincipal: 'iam.amazonaws.com' })));
    assert.equal(unknownAccount.name, 'AccountNotFoundException');
    const fromMember = await awsError(() => organizations(otherAdmin).send(new RegisterDelegatedAdministratorCommand({ AccountId: other, ServicePrincipal: 'iam.amazonaws.com' })));
    assert.equal(fromMember.name, 'AccessDeniedException');

    await asManagement.send(new RegisterDelegatedAdministratorCommand({ AccountId: delegate, ServicePrincipal: 'iam.amazonaws.com' }));
    await asManagement.send(new RegisterDelegatedAdministratorCommand({ AccountId: delegate, ServicePrincipal: 'sso.amazonaws.com' }));
    const twice = await awsError(() => asManagement.send(new RegisterDelegatedAdministratorCommand({ AccountId: delegate, ServicePrincipal: 'iam.amazonaws.com' })));
    assert.equal(twice.name, 'AccountAlreadyRegisteredException');

    const listed = await asManagement.send(new ListDelegatedAdministratorsCommand({}));
    assert.deepEqual(listed.DelegatedAdministrators?.map((a) => [a.Id, a.Name, a.Status]), [[delegate, 'Delegate', 'ACTIVE']]);
    assert.ok(listed.DelegatedAdministrators![0]!.DelegationEnabledDate instanceof Date);
    assert.deepEqual((await asManagement.send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: 'sso.amazonaws.com' }))).DelegatedAdministrators?.map((a) => a.Id), [delegate]);
    assert.deepEqual((await asManagement.send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: 'guardduty.amazonaws.com' }))).DelegatedAdministrators, []);
    // A delegated administrator may read the lists too; another member may not.
    const services = await organizations(delegateAdmin).send(new ListDelegatedServicesForAccountCommand({ AccountId: delegate }));
    assert.deepEqual(services.DelegatedServices?.map((s) => s.ServicePrincipal), ['iam.amazonaws.com', 'sso.amazonaws.com']);
    assert.equal((await awsError(() => organizations(otherAdmin).send(new ListDelegatedAdministratorsCommand({})))).name, 'AccessDeniedException');
    assert.equal((await awsError(() => asManagement.send(new ListDelegatedServicesForAccountCommand({ AccountId: other })))).name, 'AccountNotRegisteredException');

    await asManagement.send(new DeregisterDelegatedAdministratorCommand({ AccountId: delegate, ServicePrincipal: 'sso.amazonaws.com' }));
    assert.equal((await awsError(() => asManagement.send(new DeregisterDelegatedAdministratorCommand({ AccountId: delegate, ServicePrincipal: 'sso.amazonaws.com' })))).name, 'AccountNotRegisteredException');
    assert.deepEqual((await asManagement.send(new ListDelegatedServicesForAccountCommand({ AccountId: delegate }))).DelegatedServices?.map((s) => s.ServicePrincipal), ['iam.amazonaws.com']);
  });

  test('a delegated administrator for IAM uses centralized root access: AssumeRoot on another member account', async () => {
    await organizations().send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    await server.iam().send(new EnableOrganizationsRootSessionsCommand({}));
    // The features are listed to the delegated administrator, not to another member.
    assert.deepEqual((await server.iam(delegateAdmin).send(new ListOrganizationsFeaturesCommand({}))).EnabledFeatures, ['RootSessions']);
    assert.equal((await awsError(() => server.iam(otherAdmin).send(new ListOrganizationsFeaturesCommand({})))).name, 'AccountNotManagementOrDelegatedAdministratorException');
    const task = { arn: 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials' };
    const session = await server.sts(delegateAdmin).send(new AssumeRootCommand({ TargetPrincipal: other, TaskPolicyArn: task }));
    const root = { accessKeyId: session.Credentials!.AccessKeyId!, secretAccessKey: session.Credentials!.SecretAccessKey!, sessionToken: session.Credentials!.SessionToken! };
    assert.equal((await server.sts(root).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${other}:root`);
    // Another member, not delegated, is refused; deregistering takes the right away.
    assert.equal((await awsError(() => server.sts(otherAdmin).send(new AssumeRootCommand({ TargetPrincipal: delegate, TaskPolicyArn: task })))).name, 'AccessDenied');
    await organizations().send(new DeregisterDelegatedAdministratorCommand({ AccountId: delegate, ServicePrincipal: 'iam.amazonaws.com' }));
    assert.equal((await awsError(() => server.sts(delegateAdmin).send(new AssumeRootCommand({ TargetPrincipal: other, TaskPolicyArn: task })))).name, 'AccessDenied');
  });
});
