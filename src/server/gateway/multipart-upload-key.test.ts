import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReadContext } from '../../gateway/upstream-reads.ts';
import { LookupCache } from '../../gateway/lookup-cache.ts';
import { uploadKeyRefusal, uploadOfAnotherKey } from './multipart-upload-key.ts';

/** An upstream answering ListMultipartUploads with `pages` in turn, recording the queries. */
function upstream(pages: Array<{ status?: number; body: string }>): ReadContext & { queries: string[] } {
  const context = {
    queries: [] as string[],
    upstream: new URL('http://127.0.0.1:1'),
    call: async (request: { query?: string }) => {
      context.queries.push(request.query ?? '');
      const page = pages[context.queries.length - 1] ?? { status: 500, body: '' };
      return { status: page.status ?? 200, headers: {}, body: Buffer.from(page.body) };
    },
  };
  return context;
}

const listing = (uploads: Array<[string, string]>, next?: [string, string]) =>
  `<ListMultipartUploadsResult><IsTruncated>${next ? 'true' : 'false'}</IsTruncated>${next ? `<NextKeyMarker>${next[0]}</NextKeyMarker><NextUploadIdMarker>${next[1]}</NextUploadIdMarker>` : ''}${uploads.map(([key, id]) => `<Upload><Key>${key}</Key><UploadId>${id}</UploadId></Upload>`).join('')}</ListMultipartUploadsResult>`;

test('an upload of the very key passes; of another key (a longer one under the prefix too), or none, is NoSuchUpload', async () => {
  const reads = upstream([{ body: listing([['public/x', 'u1'], ['public/x2', 'u2']]) }]);
  assert.equal(await uploadOfAnotherKey(reads, 'b', 'public/x', 'u1'), undefined);
  assert.deepEqual(reads.queries, ['prefix=public/x&uploads=']);
  assert.equal((await uploadOfAnotherKey(upstream([{ body: listing([['public/x', 'u1'], ['public/x2', 'u2']]) }]), 'b', 'public/x', 'u2'))?.code, 'NoSuchUpload');
  assert.equal((await uploadOfAnotherKey(upstream([{ body: listing([]) }]), 'b', 'public/x', 'u1'))?.code, 'NoSuchUpload');
  assert.equal((await uploadOfAnotherKey(upstream([{ status: 404, body: '<Error><Code>NoSuchBucket</Code></Error>' }]), 'b', 'public/x', 'u1'))?.status, 404);
  assert.equal((await uploadOfAnotherKey(upstream([]), 'b', 'public/x', ''))?.code, 'NoSuchUpload');
});

test('the listing is read page by page; an unreadable one refuses with 503', async () => {
  const reads = upstream([{ body: listing([['a b', 'u0']], ['a b', 'u0']) }, { body: listing([['a b', 'u9']]) }]);
  assert.equal(await uploadOfAnotherKey(reads, 'b', 'a b', 'u9'), undefined);
  assert.deepEqual(reads.queries, ['prefix=a%20b&uploads=', 'prefix=a%20b&uploads=&key-marker=a%20b&upload-id-marker=u0']);
  assert.equal((await uploadOfAnotherKey(upstream([{ status: 500, body: '' }]), 'b', 'k', 'u'))?.status, 503);
  assert.equal((await uploadOfAnotherKey(upstream([{ body: '<!DOCTYPE x><x/>' }]), 'b', 'k', 'u'))?.status, 503);
});

test('only the upload-ID operations are checked, on the key they were authorized on', async () => {
  assert.equal(await uploadKeyRefusal(upstream([]), 'PutObject', 'b', 'arn:aws:s3:::b/k', 'uploadId=u'), undefined);
  const reads = upstream([{ body: listing([['k', 'u']]) }]);
  assert.equal(await uploadKeyRefusal(reads, 'UploadPart', 'b', 'arn:aws:s3:::b/k', 'partNumber=1&uploadId=u&uploadId=other'), undefined);
  assert.equal((await uploadKeyRefusal(upstream([]), 'AbortMultipartUpload', 'b', 'arn:aws:s3:::other/k', 'uploadId=u'))?.code, 'NoSuchUpload');
});

test('a confirmed upload of a key is listed once for all its parts; a refusal is listed again each time', async () => {
  const cache = new LookupCache({ now: () => 0 });
  const reads = upstream([{ body: listing([['public/x', 'u1']]) }, { body: listing([['public/x', 'u1']]) }, { body: listing([['public/x', 'u1']]) }]);
  for (let part = 0; part < 3; part++) assert.equal(await uploadKeyRefusal(reads, 'UploadPart', 'b', 'arn:aws:s3:::b/public/x', 'partNumber=1&uploadId=u1', cache), undefined);
  assert.equal(reads.queries.length, 1);
  // Another key with the same upload ID is not taken from the cache.
  assert.equal((await uploadKeyRefusal(reads, 'UploadPart', 'b', 'arn:aws:s3:::b/secret/x', 'partNumber=1&uploadId=u1', cache))?.code, 'NoSuchUpload');
  assert.equal((await uploadKeyRefusal(reads, 'UploadPart', 'b', 'arn:aws:s3:::b/secret/x', 'partNumber=1&uploadId=u1', cache))?.code, 'NoSuchUpload');
  assert.equal(reads.queries.length, 3);
});
