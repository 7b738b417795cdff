import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from '../../store/open-store.ts';
import { storeUploadKeys, uploadIdOf } from './upload-keys.ts';

test('an upload\'s key is kept under its bucket and UploadId, once, until forgotten', async () => {
  const store = await openStore('sqlite::memory:');
  const keys = storeUploadKeys(store, () => '2026-01-01T00:00:00.000Z');
  const kms = { algorithm: 'aws:kms', keyId: 'arn:aws:kms:us-east-1:111111111111:key/k1', bucketKey: false };
  assert.equal(await keys.get('b', 'u1'), undefined);
  await keys.remember('111111111111', 'b', 'u1', kms);
  // The first answer names the key; a repeat does not replace it.
  await keys.remember('111111111111', 'b', 'u1', { ...kms, keyId: 'other' });
  assert.deepEqual(await keys.get('b', 'u1'), kms);
  assert.equal(await keys.get('other-bucket', 'u1'), undefined);
  assert.equal(await keys.get('b', 'u2'), undefined);
  await keys.forget('b', 'u1');
  assert.equal(await keys.get('b', 'u1'), undefined);
  await keys.forget('b', 'u1');
});

test('the UploadId of a CreateMultipartUpload answer', () => {
  const answer = (body: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${body}</InitiateMultipartUploadResult>`);
  assert.equal(uploadIdOf(answer('<Bucket>b</Bucket><Key>k</Key><UploadId>VXBsb2FkIElE.x_y-z</UploadId>')), 'VXBsb2FkIElE.x_y-z');
  assert.equal(uploadIdOf(answer('<Bucket>b</Bucket><Key>k</Key>')), undefined);
  assert.equal(uploadIdOf(answer('<UploadId></UploadId>')), undefined);
  assert.equal(uploadIdOf(answer('<UploadId>unterminated')), undefined);
});
