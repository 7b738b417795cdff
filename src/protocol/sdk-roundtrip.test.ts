// The codec against the real AWS SDK for JavaScript v3: the SDK's serializer
// produces the requests we parse, and its deserializer reads the XML we write.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  CreateOpenIDConnectProviderCommand,
  CreateUserCommand,
  DeleteUserCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetUserCommand,
  IAMClient,
  ListUsersCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { serviceError } from './errors.ts';
import { findServiceForAction, type QueryServiceName } from './model.ts';
import { parseQueryRequest } from './query-parser.ts';
import { queryErrorResponse, serializeQueryResponse } from './query-serializer.ts';

type Handler = (input: Record<string, unknown>) => object | undefined;

/** What the last request parsed to, for assertions on the request side. */
let lastParsed: { service: QueryServiceName; operation: string; input: Record<string, unknown> } | undefined;
const handlers = new Map<string, Handler>();
let server: Server;
let endpoint: string;

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const service = findServiceForAction(params.get('Action') ?? '') ?? 'iam';
      const requestId = 'c0ffee00-0000-4000-8000-000000000001';
      try {
        if (service === 'organizations' || service === 'cloudtrail' || service === 'tessera') throw new Error('not a Query service');
        const parsed = parseQueryRequest(service, params);
        lastParsed = { service, ...parsed };
        const handler = handlers.get(parsed.operation);
        if (handler === undefined) throw new Error(`no handler for ${parsed.operation}`);
        const body = serializeQueryResponse(service, parsed.operation, handler(parsed.input), requestId);
        res.writeHead(200, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId }).end(body);
      } catch (error) {
        const answer = queryErrorResponse(service === 'organizations' || service === 'cloudtrail' || service === 'tessera' ? 'iam' : service, error, requestId);
        res.writeHead(answer.status, answer.headers).end(answer.body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const clientConfig = () => ({
  endpoint,
  region: 'us-east-1',
  maxAttempts: 1,
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
});

function on(operation: string, handler: Handler): void {
  handlers.set(operation, handler);
}

describe('IAM through @aws-sdk/client-iam', () => {
  it('CreateUser: tags go in as a list of structures, the user comes back with its timestamp', async () => {
    on('CreateUser', (input) => ({
      User: {
        Path: input['Path'],
        UserName: input['UserName'],
        UserId: 'AIDAEXAMPLE000000001',
        Arn: `arn:aws:iam::123456789012:user${String(input['Path'])}${String(input['UserName'])}`,
        CreateDate: new Date('2024-01-02T03:04:05Z'),
        Tags: input['Tags'],
        PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: input['PermissionsBoundary'] },
      },
    }));
    const iam = new IAMClient(clientConfig());
    const out = await iam.send(
      new CreateUserCommand({
        UserName: 'alice',
        Path: `/a"b'c&d<e>/`,
        PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        Tags: [{ Key: 'team', Value: 'blue + green=@:/ é' }, { Key: 'env', Value: '' }],
      }),
    );
    assert.deepEqual(lastParsed, {
      service: 'iam',
      operation: 'CreateUser',
      input: {
        Path: `/a"b'c&d<e>/`,
        UserName: 'alice',
        PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        Tags: [{ Key: 'team', Value: 'blue + green=@:/ é' }, { Key: 'env', Value: '' }],
      },
    });
    assert.deepEqual(out.User, {
      Path: `/a"b'c&d<e>/`,
      UserName: 'alice',
      UserId: 'AIDAEXAMPLE000000001',
      Arn: `arn:aws:iam::123456789012:user/a"b'c&d<e>/alice`,
      CreateDate: new Date('2024-01-02T03:04:05Z'),
      Tags: [{ Key: 'team', Value: 'blue + green=@:/ é' }, { Key: 'env', Value: '' }],
      PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    });
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.equal(out.$metadata.requestId, 'c0ffee00-0000-4000-8000-000000000001');
  });

  it('ListUsers: integers in, a list of users, booleans and markers out', async () => {
    on('ListUsers', (input) => ({
      Users: [
        { Path: '/', UserName: 'a', UserId: 'AIDA1', Arn: 'arn:aws:iam::123456789012:user/a', CreateDate: new Date('2020-01-01T00:00:00Z') },
        {
          Path: '/', UserName: 'b', UserId: 'AIDA2', Arn: 'arn:aws:iam::123456789012:user/b', CreateDate: new Date('2021-06-07T08:09:10Z'),
          PasswordLastUsed: new Date('2022-02-03T04:05:06Z'),
        },
      ],
      IsTruncated: true,
      Marker: `after-${String(input['MaxItems'])}`,
    }));
    const out = await new IAMClient(clientConfig()).send(new ListUsersCommand({ MaxItems: 2, PathPrefix: '/' }));
    assert.deepEqual(lastParsed?.input, { PathPrefix: '/', MaxItems: 2 });
    assert.equal(out.IsTruncated, true);
    assert.equal(out.Marker, 'after-2');
    assert.deepEqual(out.Users?.map((u) => [u.UserName, u.CreateDate?.toISOString(), u.PasswordLastUsed?.toISOString()]), [
      ['a', '2020-01-01T00:00:00.000Z', undefined],
      ['b', '2021-06-07T08:09:10.000Z', '2022-02-03T04:05:06.000Z'],
    ]);
  });

  it('ListUsers: an empty list reads back as empty', async () => {
    on('ListUsers', () => ({ Users: [], IsTruncated: false }));
    const out = await new IAMClient(clientConfig()).send(new ListUsersCommand({}));
    assert.deepEqual(out.Users, []);
    assert.equal(out.IsTruncated, false);
  });

  it('GetAccountSummary: a map comes back as a record', async () => {
    on('GetAccountSummary', () => ({ SummaryMap: { Users: 5, UsersQuota: 5000, AccountMFAEnabled: 1 } }));
    const out = await new IAMClient(clientConfig()).send(new GetAccountSummaryCommand({}));
    assert.deepEqual(out.SummaryMap, { Users: 5, UsersQuota: 5000, AccountMFAEnabled: 1 });
  });

  it('GetCredentialReport: a blob and a timestamp', async () => {
    const csv = 'user,arn,user_creation_time\n<root_account>,arn:aws:iam::123456789012:root,2024-01-01T00:00:00+00:00\n';
    on('GetCredentialReport', () => ({
      Content: new TextEncoder().encode(csv),
      ReportFormat: 'text/csv',
      GeneratedTime: new Date('2024-05-06T07:08:09Z'),
    }));
    const out = await new IAMClient(clientConfig()).send(new GetCredentialReportCommand({}));
    assert.equal(new TextDecoder().decode(out.Content), csv);
    assert.equal(out.ReportFormat, 'text/csv');
    assert.deepEqual(out.GeneratedTime, new Date('2024-05-06T07:08:09Z'));
  });

  it('CreateOpenIDConnectProvider: lists of strings in, tags out', async () => {
    on('CreateOpenIDConnectProvider', (input) => ({
      OpenIDConnectProviderArn: `arn:aws:iam::123456789012:oidc-provider/${String(input['Url']).replace('https://', '')}`,
      Tags: input['Tags'],
    }));
    const out = await new IAMClient(clientConfig()).send(
      new CreateOpenIDConnectProviderCommand({
        Url: 'https://token.example.com',
        ClientIDList: ['sts.amazonaws.com', 'my-app'],
        ThumbprintList: ['0123456789abcdef0123456789abcdef01234567'],
        Tags: [{ Key: 'k', Value: 'v' }],
      }),
    );
    assert.deepEqual(lastParsed?.input, {
      Url: 'https://token.example.com',
      ClientIDList: ['sts.amazonaws.com', 'my-app'],
      ThumbprintList: ['0123456789abcdef0123456789abcdef01234567'],
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    assert.equal(out.OpenIDConnectProviderArn, 'arn:aws:iam::123456789012:oidc-provider/token.example.com');
    assert.deepEqual(out.Tags, [{ Key: 'k', Value: 'v' }]);
  });

  it('UpdateAccountPasswordPolicy: booleans and integers in, no result element out', async () => {
    on('UpdateAccountPasswordPolicy', () => undefined);
    const out = await new IAMClient(clientConfig()).send(
      new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: false, MaxPasswordAge: 90 }),
    );
    assert.deepEqual(lastParsed?.input, { MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: false, MaxPasswordAge: 90 });
    assert.equal(out.$metadata.httpStatusCode, 200);
  });

  it('DeleteUser: an operation without output', async () => {
    on('DeleteUser', () => undefined);
    const out = await new IAMClient(clientConfig()).send(new DeleteUserCommand({ UserName: 'alice' }));
    assert.deepEqual(lastParsed?.input, { UserName: 'alice' });
    assert.equal(out.$metadata.httpStatusCode, 200);
  });
});

describe('IAM errors through @aws-sdk/client-iam', () => {
  it('a modeled error keeps its code, message, status and fault', async () => {
    on('GetUser', (input) => {
      throw serviceError('iam', 'NoSuchEntity', `The user with name ${String(input['UserName'])} cannot be found.`);
    });
    await assert.rejects(new IAMClient(clientConfig()).send(new GetUserCommand({ UserName: 'bob' })), (error: unknown) => {
      const e = error as { name: string; Code?: string; message: string; $fault: string; $metadata: { httpStatusCode?: number; requestId?: string } };
      assert.equal(e.name, 'NoSuchEntityException');
      assert.equal(e.Code, 'NoSuchEntity');
      assert.equal(e.message, 'The user with name bob cannot be found.');
      assert.equal(e.$fault, 'client');
      assert.equal(e.$metadata.httpStatusCode, 404);
      assert.equal(e.$metadata.requestId, 'c0ffee00-0000-4000-8000-000000000001');
      return true;
    });
  });

  it('a validation failure reaches the SDK as ValidationError', async () => {
    await assert.rejects(new IAMClient(clientConfig()).send(new CreateUserCommand({ UserName: 'a b' })), (error: unknown) => {
      const e = error as { name: string; message: string; $metadata: { httpStatusCode?: number } };
      assert.equal(e.name, 'ValidationError');
      assert.equal(
        e.message,
        "1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
      );
      assert.equal(e.$metadata.httpStatusCode, 400);
      return true;
    });
  });

  it('an unexpected failure reaches the SDK as a server-side InternalFailure', async () => {
    on('GetUser', () => {
      throw new TypeError('cannot read properties of undefined');
    });
    await assert.rejects(new IAMClient(clientConfig()).send(new GetUserCommand({})), (error: unknown) => {
      const e = error as { name: string; message: string; $fault: string; $metadata: { httpStatusCode?: number } };
      assert.equal(e.name, 'InternalFailure');
      assert.equal(e.$fault, 'server');
      assert.equal(e.$metadata.httpStatusCode, 500);
      assert.doesNotMatch(e.message, /undefined/);
      return true;
    });
  });
});

describe('STS through @aws-sdk/client-sts', () => {
  it('AssumeRole: policy ARNs, tags and duration in, credentials with an expiry out', async () => {
    on('AssumeRole', (input) => ({
      Credentials: {
        AccessKeyId: 'ASIAEXAMPLE000000001',
        SecretAccessKey: 'secret/with+chars=',
        SessionToken: 'FwoGZXIvYXdzEXAMPLE',
        Expiration: new Date(Date.UTC(2024, 0, 2, 4, 4, 5, 611)),
      },
      AssumedRoleUser: {
        AssumedRoleId: `AROAEXAMPLE000000001:${String(input['RoleSessionName'])}`,
        Arn: `arn:aws:sts::123456789012:assumed-role/demo/${String(input['RoleSessionName'])}`,
      },
      PackedPolicySize: 6,
      SourceIdentity: input['SourceIdentity'],
    }));
    const out = await new STSClient(clientConfig()).send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::123456789012:role/demo',
        RoleSessionName: 'session-1',
        DurationSeconds: 3600,
        PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
        Tags: [{ Key: 'project', Value: 'tessera' }],
        TransitiveTagKeys: ['project'],
        SourceIdentity: 'alice',
      }),
    );
    assert.deepEqual(lastParsed, {
      service: 'sts',
      operation: 'AssumeRole',
      input: {
        RoleArn: 'arn:aws:iam::123456789012:role/demo',
        RoleSessionName: 'session-1',
        PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
        DurationSeconds: 3600,
        Tags: [{ Key: 'project', Value: 'tessera' }],
        TransitiveTagKeys: ['project'],
        SourceIdentity: 'alice',
      },
    });
    assert.deepEqual(out.Credentials, {
      AccessKeyId: 'ASIAEXAMPLE000000001',
      SecretAccessKey: 'secret/with+chars=',
      SessionToken: 'FwoGZXIvYXdzEXAMPLE',
      Expiration: new Date('2024-01-02T04:04:05.611Z'),
    });
    assert.equal(out.AssumedRoleUser?.Arn, 'arn:aws:sts::123456789012:assumed-role/demo/session-1');
    assert.equal(out.PackedPolicySize, 6);
    assert.equal(out.SourceIdentity, 'alice');
  });

  it('GetCallerIdentity', async () => {
    on('GetCallerIdentity', () => ({ UserId: 'AIDAEXAMPLE', Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice' }));
    const out = await new STSClient(clientConfig()).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([out.UserId, out.Account, out.Arn], ['AIDAEXAMPLE', '123456789012', 'arn:aws:iam::123456789012:user/alice']);
  });

  it('an STS validation error and a modeled STS error', async () => {
    const sts = new STSClient(clientConfig());
    await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/demo', RoleSessionName: 'x' })), (error: unknown) => {
      const e = error as { name: string; message: string };
      assert.equal(e.name, 'ValidationError');
      assert.equal(
        e.message,
        "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
      );
      return true;
    });
    on('AssumeRole', () => {
      throw serviceError('sts', 'MalformedPolicyDocument', 'The policy is not valid JSON.');
    });
    await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/demo', RoleSessionName: 'xy' })), (error: unknown) => {
      const e = error as { name: string; Code?: string; message: string; $metadata: { httpStatusCode?: number } };
      assert.equal(e.name, 'MalformedPolicyDocumentException');
      assert.equal(e.Code, 'MalformedPolicyDocument');
      assert.equal(e.message, 'The policy is not valid JSON.');
      assert.equal(e.$metadata.httpStatusCode, 400);
      return true;
    });
  });
});
