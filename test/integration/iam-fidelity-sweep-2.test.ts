import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserCommand, ListAttachedUserPoliciesCommand, ListEntitiesForPolicyCommand, ListGroupsCommand, ListInstanceProfilesCommand,
  ListPoliciesCommand, ListRolesCommand, ListServerCertificatesCommand, ListUsersCommand,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

/**
 * Differences from AWS found by a second sweep of IAM as the aws CLI and boto3 meet it (paging,
 * path prefixes, limits, validation, conflicts, response shapes); each test pins the behaviour
 * AWS answers where Tessera had answered otherwise.
 */
describe('IAM fidelity sweep 2', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.iam().send(new CreateUserCommand({ UserName: 'carol', Path: '/team/a/' }));
  });
  after(async () => server.stop());

  describe('PathPrefix', () => {
    // AWS's answer to `aws iam list-policies --path-prefix /foo` (aws/aws-cli#5860), and to
    // ListUsers/ListRoles with a prefix that does not begin with / or holds a control character.
    const MESSAGE = 'The specified value for pathPrefix is invalid. It must begin with the / character and contain only alphanumeric characters and/or / characters.';

    test('a prefix its model pattern refuses gets IAM\'s own text, not the pattern message', async () => {
      const iam = server.iam();
      const policyArn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
      const lists: [string, (prefix: string) => Promise<unknown>, string[]][] = [
        ['ListUsers', (p) => iam.send(new ListUsersCommand({ PathPrefix: p })), ['', 'team', '/a b/', '/team\n']],
        ['ListGroups', (p) => iam.send(new ListGroupsCommand({ PathPrefix: p })), ['', 'team', '/a b/']],
        ['ListRoles', (p) => iam.send(new ListRolesCommand({ PathPrefix: p })), ['', 'team', '/a b/']],
        ['ListInstanceProfiles', (p) => iam.send(new ListInstanceProfilesCommand({ PathPrefix: p })), ['team']],
        ['ListServerCertificates', (p) => iam.send(new ListServerCertificatesCommand({ PathPrefix: p })), ['team']],
        // Policy paths are whole paths: the trailing / is part of the pattern, no segment is empty.
        ['ListPolicies', (p) => iam.send(new ListPoliciesCommand({ PathPrefix: p })), ['', '/foo', 'foo/', '/a//', '/a*/']],
        ['ListAttachedUserPolicies', (p) => iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'carol', PathPrefix: p })), ['/foo', '/a b/']],
        ['ListEntitiesForPolicy', (p) => iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: policyArn, PathPrefix: p })), ['/foo', 'foo/', '/a b/']],
      ];
      for (const [operation, list, prefixes] of lists) {
        for (const prefix of prefixes) {
          const err = await awsError(() => list(prefix));
          assert.deepEqual([err.name, err.status, err.message], ['ValidationError', 400, MESSAGE], `${operation} ${JSON.stringify(prefix)}`);
        }
      }
      // The input is checked before the user is looked up.
      const missing = await awsError(() => iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'nobody', PathPrefix: 'x' })));
      assert.deepEqual([missing.name, missing.message], ['ValidationError', MESSAGE]);
    });

    test('valid prefixes still filter, and too long keeps the model\'s length message', async () => {
      const iam = server.iam();
      // An entity prefix need not end with / (it is a prefix of the path).
      assert.deepEqual((await iam.send(new ListUsersCommand({ PathPrefix: '/team' }))).Users!.map((u) => u.UserName), ['carol']);
      assert.deepEqual((await iam.send(new ListUsersCommand({ PathPrefix: '/team/a/' }))).Users!.map((u) => u.UserName), ['carol']);
      assert.deepEqual((await iam.send(new ListUsersCommand({ PathPrefix: '/other/' }))).Users, []);
      assert.deepEqual((await iam.send(new ListPoliciesCommand({ PathPrefix: '/service-role/', Scope: 'Local' }))).Policies, []);
      assert.deepEqual((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'carol', PathPrefix: '/' }))).AttachedPolicies, []);
      const long = `/${'a'.repeat(512)}`;
      const err = await awsError(() => iam.send(new ListUsersCommand({ PathPrefix: long })));
      assert.equal(err.message, `1 validation error detected: Value '${long}' at 'pathPrefix' failed to satisfy constraint: Member must have length less than or equal to 512`);
    });
  });
});
