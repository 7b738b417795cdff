import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { createAccount } from '../../src/iam/accounts.ts';
import { parseUpstreams } from '../../src/gateway/upstreams.ts';
import type { GatewaySettings } from '../../src/gateway/upstreams.ts';
import type { StartOptions } from '../../src/server/app.ts';
import { startMoto, type MotoServer } from './moto-server.ts';
import { runAwsCli } from './aws-cli-run.ts';
import { startTestServer, type Credentials, type TestServer } from './tessera-server.ts';

/**
 * Tessera in front of a real moto_server (started on a free port for the suite), with AWS SDK
 * v3 clients and the aws CLI pointed at Tessera.
 */
export interface GatewayEnv {
  moto: MotoServer;
  server: TestServer;
  s3(credentials: Credentials, options?: { forcePathStyle?: boolean }): S3Client;
  sqs(credentials: Credentials): SQSClient;
  dynamodb(credentials: Credentials): DynamoDBClient;
  kms(credentials: Credentials): KMSClient;
  /** An IAM user of the default account with an access key and these inline policies. */
  user(name: string, policies?: Record<string, unknown>[], server?: { iam: TestServer['iam']; root: Credentials }): Promise<Credentials & { arn: string }>;
  /** A second account: its root credentials. */
  account(): Promise<Credentials & { accountId: string }>;
  /** The aws CLI against Tessera (asynchronous: the server runs on this thread). */
  cli(args: string[], credentials: Credentials, env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** `options` go to the server (a clock the test moves, for one). */
export async function startGatewayEnv(settings: Partial<GatewaySettings> = {}, options: StartOptions = {}): Promise<GatewayEnv> {
  const moto = await startMoto();
  const server = await startTestServer({
    gateway: { ...parseUpstreams([moto.url], '--upstream'), credentials: new Map(), accountHeader: 'x-moto-account-id', mode: 'enforce', ...settings },
  }, options);
  const home = await mkdtemp(join(tmpdir(), 'tessera-gateway-cli-'));
  // The CLI's S3 presigner signs with SigV4 only when told to.
  await writeFile(join(home, 'config'), '[default]\nregion = us-east-1\ns3 =\n  signature_version = s3v4\n');
  const clients: { destroy(): void }[] = [];
  const config = (credentials: Credentials) => ({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const keep = <T extends { destroy(): void }>(client: T): T => {
    clients.push(client);
    return client;
  };
  return {
    moto,
    server,
    s3: (credentials, options = {}) => keep(new S3Client({ ...config(credentials), forcePathStyle: options.forcePathStyle ?? true })),
    sqs: (credentials) => keep(new SQSClient(config(credentials))),
    dynamodb: (credentials) => keep(new DynamoDBClient(config(credentials))),
    kms: (credentials) => keep(new KMSClient(config(credentials))),
    async user(name, policies = [], owner = server) {
      const iam = owner.iam(owner.root);
      const created = await iam.send(new CreateUserCommand({ UserName: name }));
      for (const [index, document] of policies.entries()) {
        await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: `p${index}`, PolicyDocument: JSON.stringify(document) }));
      }
      const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
      return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey!, arn: created.User!.Arn! };
    },
    async account() {
      const created = await createAccount(server.tessera.deps);
      return { accountId: created.accountId, accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey };
    },
    cli(args, credentials, env = {}) {
      return runAwsCli(server.url, home, args, credentials, env);
    },
    async stop() {
      for (const client of clients) client.destroy();
      await server.stop();
      await moto.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** An identity policy of one statement. */
export function allow(action: string | string[], resource: string | string[] = '*', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource, ...extra }] };
}

export function deny(action: string | string[], resource: string | string[] = '*'): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: action, Resource: resource }] };
}

/** An S3 client of moto itself, with the upstream credentials Tessera uses by default: what moto really holds. */
export function motoS3(env: GatewayEnv): S3Client {
  return new S3Client({ endpoint: env.moto.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
}

/** `ok`, or the name of the error the call failed with. */
export async function outcomeName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    return (err as Error).name;
  }
}
