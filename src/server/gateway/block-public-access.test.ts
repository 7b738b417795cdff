import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReadContext } from '../../gateway/upstream-reads.ts';
import { publicPolicyBlocked } from './block-public-access.ts';

const PUBLIC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] });
const CALLER = 'arn:aws:iam::111122223333:user/u';

/** An upstream that answers every read with `status` and `body`, counting the reads. */
function upstream(status: number, body: string): ReadContext & { reads: number } {
  const context = {
    reads: 0,
    upstream: new URL('http://127.0.0.1:1'),
    call: async () => {
      context.reads++;
      return { status, headers: {}, body: Buffer.from(body) };
    },
  };
  return context;
}

test('a public policy is refused while BlockPublicPolicy is on, in S3\'s words', async () => {
  const on = upstream(200, '<PublicAccessBlockConfiguration><BlockPublicPolicy>true</BlockPublicPolicy></PublicAccessBlockConfiguration>');
  const failure = await publicPolicyBlocked(on, 'b', PUBLIC, CALLER);
  assert.equal(failure?.code, 'AccessDenied');
  assert.equal(failure?.message, `User: ${CALLER} is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::b" because public policies are blocked by the BlockPublicPolicy block public access setting.`);
  assert.equal(await publicPolicyBlocked(upstream(200, '<PublicAccessBlockConfiguration><BlockPublicPolicy>false</BlockPublicPolicy></PublicAccessBlockConfiguration>'), 'b', PUBLIC, CALLER), undefined);
  // No configuration (404) or an upstream without the API: nothing is blocked.
  assert.equal(await publicPolicyBlocked(upstream(404, '<Error><Code>NoSuchPublicAccessBlockConfiguration</Code></Error>'), 'b', PUBLIC, CALLER), undefined);
});

test('a policy that is not public is never checked against the settings', async () => {
  const on = upstream(200, '<PublicAccessBlockConfiguration><BlockPublicPolicy>true</BlockPublicPolicy></PublicAccessBlockConfiguration>');
  const named = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] });
  assert.equal(await publicPolicyBlocked(on, 'b', named, CALLER), undefined);
  assert.equal(on.reads, 0);
});

test('settings that cannot be read refuse the write (503) rather than store a policy they may block', async () => {
  for (const body of ['<PublicAccessBlockConfiguration><BlockPublicPolicy>', '<!DOCTYPE x [<!ENTITY e "e">]><PublicAccessBlockConfiguration/>', 'not xml at all']) {
    const failure = await publicPolicyBlocked(upstream(200, body), 'b', PUBLIC, CALLER);
    assert.equal(failure?.code, 'ServiceUnavailable', body);
    assert.equal(failure?.status, 503);
  }
});
