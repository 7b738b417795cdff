import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { Credentials, TestServer } from './tessera-server.ts';

/**
 * Organizations SDK v3 clients for a suite's test server (`server` is read at each call: the
 * suite starts it in `before`), the management account's root by default; `destroy()` in `after`.
 */
export function organizationsClients(server: () => TestServer): { client(credentials?: Credentials): OrganizationsClient; destroy(): void } {
  const clients: OrganizationsClient[] = [];
  return {
    client(credentials = server().root) {
      const client = new OrganizationsClient({ endpoint: server().url, region: 'us-east-1', credentials, maxAttempts: 1 });
      clients.push(client);
      return client;
    },
    destroy() {
      for (const client of clients) client.destroy();
    },
  };
}

/** AdministratorAccess in a member account, through its OrganizationAccountAccessRole, assumed as `via`. */
export async function memberAdmin(server: TestServer, account: string, via: Credentials): Promise<Credentials> {
  const role = await server.sts(via).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: 'ops' }));
  return { accessKeyId: role.Credentials!.AccessKeyId!, secretAccessKey: role.Credentials!.SecretAccessKey!, sessionToken: role.Credentials!.SessionToken! };
}

/** An organization of the server's account with two member accounts, and administrators in each. */
export interface TwoMemberOrganization {
  /** The member made first (Delegate, delegate@example.com). */
  delegate: string;
  /** The member made second (Other, other@example.com). */
  other: string;
  /** A user of the management account that may assume the members' OrganizationAccountAccessRole. */
  ops: Credentials;
  delegateAdmin: Credentials;
  otherAdmin: Credentials;
}

/**
 * CreateOrganization (all features) as the management account's root, CreateAccount twice
 * (Delegate, then Other), the user `ops` allowed sts:AssumeRole, and each member's
 * AdministratorAccess assumed as `ops`.
 */
export async function twoMemberOrganization(server: TestServer, organizations: OrganizationsClient): Promise<TwoMemberOrganization> {
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const delegate = (await organizations.send(new CreateAccountCommand({ Email: 'delegate@example.com', AccountName: 'Delegate' }))).CreateAccountStatus!.AccountId!;
  const other = (await organizations.send(new CreateAccountCommand({ Email: 'other@example.com', AccountName: 'Other' }))).CreateAccountStatus!.AccountId!;
  const iam = server.iam();
  await iam.send(new CreateUserCommand({ UserName: 'ops' }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'ops', PolicyName: 'assume', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }) }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ops' }))).AccessKey!;
  const ops = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  return { delegate, other, ops, delegateAdmin: await memberAdmin(server, delegate, ops), otherAdmin: await memberAdmin(server, other, ops) };
}
