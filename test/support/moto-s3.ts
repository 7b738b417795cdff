import { S3Client } from '@aws-sdk/client-s3';

/**
 * moto_server's S3 directly — not through Tessera — as one account (moto's
 * `x-moto-account-id`): what a bucket's owner sees, such as the objects a trail delivered.
 */
export function motoS3As(url: string, account: string): S3Client {
  const client = new S3Client({ endpoint: url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  client.middlewareStack.add((next) => async (args) => {
    (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
    return next(args);
  }, { step: 'build', name: 'motoAccount' });
  return client;
}
