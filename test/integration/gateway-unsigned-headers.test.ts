import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, GetObjectCommand, GetObjectTaggingCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * An `x-amz-*` header the signature does not cover is refused, never forwarded as if the signer
 * had sent it (gateway/unsigned-headers.ts). The attack: the holder of a URL presigned for a
 * PutObject (SignedHeaders=host) adds `x-amz-copy-source` — the gateway re-signs what it
 * forwards, so moto ran a CopyObject of the signer's secret into the upload key — or
 * `x-amz-tagging`, `x-amz-acl`, user metadata; the holder of a presigned DynamoDB call changes
 * its X-Amz-Target. S3's answer: 403 AccessDenied "There were headers present in the request
 * which were not signed", the names in <HeadersNotSigned>.
 */
describe('x-amz-* headers outside the signature', () => {
  let env: GatewayEnv;
  let root: Credentials;
  before(async () => {
    env = await startGatewayEnv();
    root = env.server.root;
    const s3 = env.s3(root);
    await s3.send(new CreateBucketCommand({ Bucket: 'vault' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'uploads' }));
    await s3.send(new PutObjectCommand({ Bucket: 'vault', Key: 'secret.txt', Body: 'TOP SECRET' }));
  });
  after(() => env?.stop());

  const readObject = async (bucket: string, key: string): Promise<string> => {
    try {
      return await (await env.s3(root).send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
    } catch (err) {
      return (err as Error).name;
    }
  };

  test('a presigned PutObject with an unsigned x-amz-copy-source is refused and copies nothing', async () => {
    const url = await getSignedUrl(env.s3(root), new PutObjectCommand({ Bucket: 'uploads', Key: 'from-user.txt' }), { expiresIn: 60 });
    const refused = await fetch(url, { method: 'PUT', body: '', headers: { 'x-amz-copy-source': 'vault/secret.txt' } });
    assert.equal(refused.status, 403);
    const text = await refused.text();
    assert.match(text, /<Code>AccessDenied<\/Code><Message>There were headers present in the request which were not signed<\/Message><HeadersNotSigned>x-amz-copy-source<\/HeadersNotSigned>/);
    assert.equal(await readObject('uploads', 'from-user.txt'), 'NoSuchKey', 'nothing was copied');
    // The same URL, used as it was meant to be, uploads.
    const put = await fetch(url, { method: 'PUT', body: 'my file' });
    assert.equal(put.status, 200, await put.text());
    assert.equal(await readObject('uploads', 'from-user.txt'), 'my file');
  });

  test('tags, ACL and metadata added to a presigned upload are refused, each named', async () => {
    const url = await getSignedUrl(env.s3(root), new PutObjectCommand({ Bucket: 'uploads', Key: 'tagged.txt' }), { expiresIn: 60 });
    const refused = await fetch(url, { method: 'PUT', body: 'x', headers: { 'x-amz-tagging': 'clearance=top', 'x-amz-acl': 'public-read', 'x-amz-meta-owner': 'mallory' } });
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /<HeadersNotSigned>x-amz-tagging, x-amz-acl, x-amz-meta-owner<\/HeadersNotSigned>/);
    assert.equal(await readObject('uploads', 'tagged.txt'), 'NoSuchKey');
    // Signed by the presigner, the tagging header is the signer's own and is honoured.
    const tagged = await getSignedUrl(env.s3(root), new PutObjectCommand({ Bucket: 'uploads', Key: 'tagged.txt', Tagging: 'clearance=low' }), { expiresIn: 60, unhoistableHeaders: new Set(['x-amz-tagging']) });
    const put = await fetch(tagged, { method: 'PUT', body: 'x', headers: { 'x-amz-tagging': 'clearance=low' } });
    assert.equal(put.status, 200, await put.text());
    const tags = await env.s3(root).send(new GetObjectTaggingCommand({ Bucket: 'uploads', Key: 'tagged.txt' }));
    assert.deepEqual(tags.TagSet, [{ Key: 'clearance', Value: 'low' }]);
  });

  test('header-signed requests: the SDK signs every x-amz-* header it sends, so nothing changes for it', async () => {
    const s3 = env.s3(root);
    await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'sdk.txt', Body: 'sdk', Tagging: 'a=b', Metadata: { m: 'v' } }));
    assert.equal(await readObject('uploads', 'sdk.txt'), 'sdk');
  });

  test('a presigned DynamoDB call whose X-Amz-Target is not signed cannot be turned into another operation', async () => {
    const ddb = env.dynamodb(root);
    await ddb.send(new CreateTableCommand({
      TableName: 'ledger', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
    }));
    await ddb.send(new PutItemCommand({ TableName: 'ledger', Item: { id: { S: 'row-1' }, amount: { N: '10' } } }));
    const host = new URL(env.server.url).host;
    const body = JSON.stringify({ TableName: 'ledger', Key: { id: { S: 'row-1' } } });
    // Signed with Host alone, as a careless presigner might: the operation is left open.
    const presigned = signRequest({ method: 'POST', path: '/', query: '', headers: { host }, body }, root, { region: 'us-east-1', service: 'dynamodb', date: new Date(), form: 'query', expiresSeconds: 60 });
    const send = (target: string) => fetch(`${env.server.url}/?${presigned.query}`, {
      method: 'POST', body, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
    });
    const deleting = await send('DynamoDB_20120810.DeleteItem');
    assert.equal(deleting.status, 400);
    const answer = await deleting.json() as { __type: string; message: string };
    assert.match(answer.__type, /AccessDeniedException$/);
    assert.equal(answer.message, 'There were headers present in the request which were not signed: x-amz-target');
    const item = await ddb.send(new GetItemCommand({ TableName: 'ledger', Key: { id: { S: 'row-1' } } }));
    assert.equal(item.Item?.['amount']?.N, '10', 'the item is still there');

    // Signed with its X-Amz-Target, the presigned call is served.
    const bound = signRequest({ method: 'POST', path: '/', query: '', headers: { host, 'x-amz-target': 'DynamoDB_20120810.GetItem' }, body }, root, { region: 'us-east-1', service: 'dynamodb', date: new Date(), form: 'query', expiresSeconds: 60 });
    const got = await fetch(`${env.server.url}/?${bound.query}`, { method: 'POST', body, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' } });
    assert.equal(got.status, 200, await got.clone().text());
    assert.equal(((await got.json()) as { Item: { amount: { N: string } } }).Item.amount.N, '10');
  });
});
