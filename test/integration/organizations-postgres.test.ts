import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateUserCommand } from '@aws-sdk/client-iam';
import { findPostgresBinDir, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { signedJson } from '../support/raw-request.ts';
import { awsError, deniedText, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { createAccount } from '../../src/iam/accounts.ts';

const MASTER_KEY = Buffer.alloc(32, 9).toString('base64');
const DENY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*' }] });

/**
 * Two nodes on one PostgreSQL: an SCP attached, detached or moved through one node decides
 * the very next request on the other, which had the member's guardrails cached.
 */
describe('Organizations on two nodes sharing PostgreSQL', { skip: findPostgresBinDir() === undefined && 'PostgreSQL binaries (initdb, pg_ctl) not installed' }, () => {
  let cluster: PostgresCluster;
  let a: TestServer;
  let b: TestServer;
  let member: Credentials & { accountId: string };

  async function org(server: TestServer, operation: string, payload: object, credentials: Credentials = server.root): Promise<any> {
    const res = await signedJson(server.url, credentials, `AWSOrganizationsV20161128.${operation}`, payload);
    assert.equal(res.status, 200, `${operation}: ${res.body}`);
    return res.body ? JSON.parse(res.body) : undefined;
  }

  before(async () => {
    cluster = await startPostgresCluster();
    [a, b] = await Promise.all([
      startTestServer({ store: cluster.url, masterKey: MASTER_KEY, accountId: '123412341234' }),
      startTestServer({ store: cluster.url, masterKey: MASTER_KEY, accountId: '123412341234' }),
    ]);
    member = await createAccount(a.tessera.deps);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await cluster?.stop();
  });

  test('an SCP change through one node applies to the next request on the other', async () => {
    await org(a, 'CreateOrganization', {});
    const rootId = (await org(a, 'ListRoots', {})).Roots[0].Id;
    await org(a, 'EnablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' });
    const handshake = (await org(a, 'InviteAccountToOrganization', { Target: { Id: member.accountId, Type: 'ACCOUNT' } })).Handshake;
    await org(b, 'AcceptHandshake', { HandshakeId: handshake.Id }, member);
    const onB = b.iam(member);
    // B computes and caches the member's guardrails: FullAWSAccess at every level.
    await onB.send(new CreateUserCommand({ UserName: 'one' }));

    const policyId = (await org(a, 'CreatePolicy', { Name: 'NoUsers', Type: 'SERVICE_CONTROL_POLICY', Description: '', Content: DENY })).Policy.PolicySummary.Id;
    await org(a, 'AttachPolicy', { PolicyId: policyId, TargetId: member.accountId });
    const err = await awsError(() => onB.send(new CreateUserCommand({ UserName: 'two' })));
    assert.equal(deniedText(err.message), `User: arn:aws:iam::${member.accountId}:root is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${member.accountId}:user/two with an explicit deny in a service control policy`);

    await org(a, 'DetachPolicy', { PolicyId: policyId, TargetId: member.accountId });
    await onB.send(new CreateUserCommand({ UserName: 'three' }));

    // On an OU, then the account moved into it: both through A, the next request on B refused.
    const ouId = (await org(a, 'CreateOrganizationalUnit', { ParentId: rootId, Name: 'Locked' })).OrganizationalUnit.Id;
    await org(a, 'AttachPolicy', { PolicyId: policyId, TargetId: ouId });
    await onB.send(new CreateUserCommand({ UserName: 'four' }));
    await org(a, 'MoveAccount', { AccountId: member.accountId, SourceParentId: rootId, DestinationParentId: ouId });
    assert.equal((await awsError(() => onB.send(new CreateUserCommand({ UserName: 'five' })))).name, 'AccessDenied');

    // Disabling the policy type detaches every SCP: allowed again at once.
    await org(a, 'DisablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' });
    await onB.send(new CreateUserCommand({ UserName: 'six' }));
  });
});
