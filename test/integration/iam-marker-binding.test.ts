import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAccessKeyCommand, CreateGroupCommand, CreateRoleCommand, CreateUserCommand, ListAccessKeysCommand, ListGroupsCommand,
  ListRolesCommand, ListUsersCommand,
} from '@aws-sdk/client-iam';
import { signedJson } from '../support/raw-request.ts';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';
import { bestTimeAsync } from '../support/timing.ts';

/**
 * IAM refuses a Marker it did not issue for the call at hand: one from ListUsers is not a
 * ListAccessKeys or ListRoles marker (awsets#21 met "Invalid Marker" passing a ListUsers
 * marker to ListAccessKeys), nor a marker for ListUsers under another PathPrefix. Markers are
 * opaque (sealed) and cannot be forged from a user name; a tampered one is refused at once.
 * Organizations' NextToken is bound the same way.
 */
describe('IAM Marker is bound to the listing that issued it', () => {
  let server: TestServer;
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

  before(async () => {
    server = await startTestServer();
    const iam = server.iam();
    for (const name of ['ann', 'bob', 'cid']) await iam.send(new CreateUserCommand({ UserName: name, Path: '/team/' }));
    await iam.send(new CreateUserCommand({ UserName: 'dan' }));
    for (const name of ['ann', 'bob', 'cid']) await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
    for (const name of ['ann', 'bob', 'cid']) await iam.send(new CreateGroupCommand({ GroupName: name }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'ann' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'ann' }));
  });
  after(async () => server.stop());

  async function invalidMarker(fn: () => Promise<unknown>): Promise<void> {
    const err = await awsError(fn);
    assert.deepEqual([err.name, err.status, err.message], ['InvalidInputException', 400, 'Invalid Marker.']);
  }

  test('a marker pages its own listing, also with another page size', async () => {
    const iam = server.iam();
    const first = await iam.send(new ListUsersCommand({ MaxItems: 1 }));
    assert.equal(first.IsTruncated, true);
    const second = await iam.send(new ListUsersCommand({ MaxItems: 2, Marker: first.Marker }));
    assert.deepEqual(second.Users!.map((u) => u.UserName), ['bob', 'cid']);
    const rest = await iam.send(new ListUsersCommand({ Marker: second.Marker }));
    assert.deepEqual(rest.Users!.map((u) => u.UserName), ['dan']);
    assert.equal(rest.IsTruncated, false);
    const team = await iam.send(new ListUsersCommand({ PathPrefix: '/team/', MaxItems: 2 }));
    const teamRest = await iam.send(new ListUsersCommand({ PathPrefix: '/team/', MaxItems: 2, Marker: team.Marker }));
    assert.deepEqual(teamRest.Users!.map((u) => u.UserName), ['cid']);
    // PathPrefix "/" is the default: the same listing as none.
    const slash = await iam.send(new ListUsersCommand({ PathPrefix: '/', MaxItems: 3 }));
    assert.deepEqual((await iam.send(new ListUsersCommand({ Marker: slash.Marker }))).Users!.map((u) => u.UserName), ['dan']);
  });

  test('a ListUsers marker is refused by other operations', async () => {
    const iam = server.iam();
    const { Marker } = await iam.send(new ListUsersCommand({ MaxItems: 1 }));
    assert.ok(Marker);
    await invalidMarker(() => iam.send(new ListRolesCommand({ Marker })));
    await invalidMarker(() => iam.send(new ListGroupsCommand({ Marker })));
    await invalidMarker(() => iam.send(new ListAccessKeysCommand({ UserName: 'ann', Marker })));
  });

  test('a marker is refused with other listing parameters (PathPrefix, UserName)', async () => {
    const iam = server.iam();
    const team = await iam.send(new ListUsersCommand({ PathPrefix: '/team/', MaxItems: 1 }));
    await invalidMarker(() => iam.send(new ListUsersCommand({ Marker: team.Marker })));
    await invalidMarker(() => iam.send(new ListUsersCommand({ PathPrefix: '/other/', Marker: team.Marker })));
    const all = await iam.send(new ListUsersCommand({ MaxItems: 1 }));
    await invalidMarker(() => iam.send(new ListUsersCommand({ PathPrefix: '/team/', Marker: all.Marker })));
    const keys = await iam.send(new ListAccessKeysCommand({ UserName: 'ann', MaxItems: 1 }));
    assert.equal(keys.IsTruncated, true);
    await invalidMarker(() => iam.send(new ListAccessKeysCommand({ UserName: 'bob', Marker: keys.Marker })));
    const more = await iam.send(new ListAccessKeysCommand({ UserName: 'ann', Marker: keys.Marker }));
    assert.equal(more.AccessKeyMetadata!.length, 1);
  });

  test('markers are opaque and cannot be forged from a sort key', async () => {
    const iam = server.iam();
    const { Marker } = await iam.send(new ListUsersCommand({ MaxItems: 1 }));
    assert.ok(!Buffer.from(Marker!, 'base64url').toString('latin1').includes('ann'), 'the marker does not show the last user name');
    assert.ok(Marker!.length <= 320, 'within the model\'s Marker length');
    // The base64url of a (lower-cased) user name is how a marker could be written by hand.
    await invalidMarker(() => iam.send(new ListUsersCommand({ Marker: Buffer.from('ann').toString('base64url') })));
    await invalidMarker(() => iam.send(new ListRolesCommand({ Marker: Buffer.from('ann').toString('base64url') })));
  });

  test('a tampered marker is refused, quickly', async () => {
    const iam = server.iam();
    const { Marker } = await iam.send(new ListUsersCommand({ MaxItems: 1 }));
    const at = Math.floor(Marker!.length / 2);
    const flipped = Marker!.slice(0, at) + (Marker![at] === 'A' ? 'B' : 'A') + Marker!.slice(at + 1);
    await invalidMarker(() => iam.send(new ListUsersCommand({ Marker: flipped })));
    await invalidMarker(() => iam.send(new ListUsersCommand({ Marker: Marker!.slice(0, -4) })));
    await invalidMarker(() => iam.send(new ListUsersCommand({ Marker: 'x'.repeat(320) })));
    const ms = await bestTimeAsync(() => invalidMarker(() => iam.send(new ListUsersCommand({ Marker: flipped }))), 200);
    assert.ok(ms < 200, `${ms.toFixed(0)} ms`);
  });
});

describe('Organizations NextToken is bound to the listing that issued it', () => {
  let server: TestServer;

  async function call(operation: string, payload: object): Promise<{ status: number; body: any }> {
    const res = await signedJson(server.url, server.root, `AWSOrganizationsV20161128.${operation}`, payload);
    return { status: res.status, body: res.body ? JSON.parse(res.body) : undefined };
  }

  async function ok(operation: string, payload: object): Promise<any> {
    const res = await call(operation, payload);
    assert.equal(res.status, 200, `${operation}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function invalidToken(operation: string, payload: object): Promise<void> {
    const res = await call(operation, payload);
    assert.deepEqual([res.status, res.body.__type, res.body.Reason, res.body.Message], [400, 'InvalidInputException', 'INVALID_NEXT_TOKEN', 'The provided NextToken is not valid.']);
  }

  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  test('a token pages its own listing only', async () => {
    await ok('CreateOrganization', {});
    const rootId = (await ok('ListRoots', {})).Roots[0].Id;
    for (const name of ['ou-a', 'ou-b', 'ou-c']) await ok('CreateOrganizationalUnit', { ParentId: rootId, Name: name });
    const first = await ok('ListOrganizationalUnitsForParent', { ParentId: rootId, MaxResults: 1 });
    assert.ok(first.NextToken);
    const next = await ok('ListOrganizationalUnitsForParent', { ParentId: rootId, MaxResults: 2, NextToken: first.NextToken });
    assert.equal(next.OrganizationalUnits.length, 2);
    await invalidToken('ListChildren', { ParentId: rootId, ChildType: 'ORGANIZATIONAL_UNIT', NextToken: first.NextToken });
    await invalidToken('ListAccounts', { NextToken: first.NextToken });
    await invalidToken('ListOrganizationalUnitsForParent', { ParentId: next.OrganizationalUnits[0].Id, NextToken: first.NextToken });
    // The base64url of a sort key is how a token could be written by hand.
    await invalidToken('ListOrganizationalUnitsForParent', { ParentId: rootId, NextToken: Buffer.from('ou-a').toString('base64url') });
  });
});
