import assert from 'node:assert/strict';
import {
  CreateAccessKeyCommand, CreateUserCommand, DeleteAccessKeyCommand, DeleteUserPolicyCommand, GetUserCommand, IAMClient,
  PutUserPolicyCommand, TagUserCommand, UntagUserCommand, UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsError, type Credentials } from './tessera-server.ts';

/** A node as the invalidation scenario sees it: SDK clients against one server. */
export interface Node {
  name: string;
  iam(credentials?: Credentials): IAMClient;
  sts(credentials?: Credentials): STSClient;
}

/** SDK clients against any Tessera URL (a server in another process, say). */
export function nodeAt(name: string, url: string, root: Credentials): Node & { destroy(): void } {
  const clients: { destroy(): void }[] = [];
  const config = (credentials: Credentials) => ({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  return {
    name,
    iam(credentials = root) {
      const client = new IAMClient(config(credentials));
      clients.push(client);
      return client;
    },
    sts(credentials = root) {
      const client = new STSClient(config(credentials));
      clients.push(client);
      return client;
    },
    destroy() {
      for (const client of clients) client.destroy();
    },
  };
}

const TAG_GATED = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } } }],
});

/**
 * Caches warm on every node, then a change made through one node; the very next request on
 * each node must see it: a deactivated, reactivated and deleted access key, a user's tags
 * (read by the policy's aws:PrincipalTag condition) and its policies.
 */
export async function runInvalidationScenario(writer: Node, readers: readonly Node[], userName: string): Promise<void> {
  const all = [writer, ...readers];
  await writer.iam().send(new CreateUserCommand({ UserName: userName }));
  const key = (await writer.iam().send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
  const creds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  const identity = async (node: Node) => (await node.sts(creds).send(new GetCallerIdentityCommand({}))).Arn;
  const refused = async (node: Node, what: string) =>
    assert.equal((await awsError(() => node.sts(creds).send(new GetCallerIdentityCommand({})))).name, 'InvalidClientTokenId', `${node.name}: ${what}`);
  const getSelf = (node: Node) => node.iam(creds).send(new GetUserCommand({}));
  const warm = async () => {
    for (const node of all) for (let i = 0; i < 3; i++) assert.match((await identity(node))!, new RegExp(`:user/${userName}$`));
  };

  await warm();
  await writer.iam().send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: creds.accessKeyId, Status: 'Inactive' }));
  for (const node of all) await refused(node, 'a deactivated key is refused on the next request');
  await writer.iam().send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: creds.accessKeyId, Status: 'Active' }));
  await warm();

  // Tags: the principal's tags are part of the cached key; the policy reads them.
  await writer.iam().send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'tag-gated', PolicyDocument: TAG_GATED }));
  for (const node of all) assert.equal((await awsError(() => getSelf(node))).name, 'AccessDenied', `${node.name}: no tag yet`);
  await writer.iam().send(new TagUserCommand({ UserName: userName, Tags: [{ Key: 'team', Value: 'red' }] }));
  for (const node of all) assert.equal((await getSelf(node)).User?.UserName, userName, `${node.name}: the new tag is seen`);
  for (const node of all) await getSelf(node);
  await writer.iam().send(new UntagUserCommand({ UserName: userName, TagKeys: ['team'] }));
  for (const node of all) assert.equal((await awsError(() => getSelf(node))).name, 'AccessDenied', `${node.name}: the removed tag is gone`);
  await writer.iam().send(new TagUserCommand({ UserName: userName, Tags: [{ Key: 'team', Value: 'red' }] }));
  for (const node of all) await getSelf(node);
  await writer.iam().send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: 'tag-gated' }));
  for (const node of all) assert.equal((await awsError(() => getSelf(node))).name, 'AccessDenied', `${node.name}: the deleted policy no longer allows`);

  // Deleted through the last reader: every node, the writer included, refuses it next.
  await warm();
  const deleter = readers.at(-1) ?? writer;
  await deleter.iam().send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: creds.accessKeyId }));
  for (const node of all) await refused(node, 'a deleted key is refused on the next request');
}
