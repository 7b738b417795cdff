import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PolicyCache } from '../policy/index.ts';
import type { Principal } from '../kernel/principal.ts';
import { Authorizer } from './authorizer.ts';
import { PolicySetCache } from './policy-set-cache.ts';
import type { PolicySource } from './policy-source.ts';
import { requiresResourcePolicy } from '../policy/index.ts';

const ACCOUNT = '111111111111';
const policyCache = new PolicyCache(100);
const compiled = (document: unknown) => {
  const result = policyCache.compile(JSON.stringify(document), 'identity', 'test');
  if (!result.ok) throw new Error('bad test policy');
  return result.policy;
};
const KMS_ALL = compiled({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] });
const S3_ALL = compiled({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });

function source(identity = [KMS_ALL, S3_ALL]): PolicySource {
  return {
    epoch: async () => 1,
    userPolicies: async () => ({ identity }),
    rolePolicies: async () => undefined,
    userTags: async () => ({}),
    roleTags: async () => ({}),
    sessionPolicy: async () => undefined,
    inlineSessionPolicy: () => undefined,
    selfServiceGrant: async () => undefined,
  };
}

const user: Principal = { kind: 'user', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/alice`, userId: 'AIDAALICE', name: 'alice', tags: {}, accessKeyId: 'AKIA' };
const root: Principal = { kind: 'root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, userId: ACCOUNT, tags: {}, accessKeyId: 'AKIA' };
const facts = { now: new Date('2024-01-01T00:00:00Z'), sourceIp: '127.0.0.1', secureTransport: false };
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const keyPolicy = (principal: string) => ({ kind: 'resource' as const, name: KEY, text: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:*', Resource: '*' }] }) });

test('KMS keys need their key policy to allow or delegate: identity policies alone are not enough, for root neither', async () => {
  const authorizer = new Authorizer({ source: source(), policyCache, policySets: new PolicySetCache() });
  const decide = (principal: Principal, resourcePolicy?: ReturnType<typeof keyPolicy>) =>
    authorizer.decide({ principal, action: 'kms:Encrypt', target: { resource: KEY, ...(resourcePolicy ? { resourcePolicy } : {}) }, facts });
  const delegated = await decide(user, keyPolicy(`arn:aws:iam::${ACCOUNT}:root`));
  assert.equal(delegated.decision, 'Allowed');
  const notDelegated = await decide(user, keyPolicy(`arn:aws:iam::${ACCOUNT}:user/bob`));
  assert.equal(notDelegated.decision, 'ImplicitDeny');
  assert.equal('message' in notDelegated && notDelegated.message, `User: ${user.arn} is not authorized to perform: kms:Encrypt on resource: ${KEY} because no resource-based policy allows the kms:Encrypt action`);
  assert.equal((await decide(user)).decision, 'ImplicitDeny');
  assert.equal((await decide(root, keyPolicy(`arn:aws:iam::${ACCOUNT}:user/bob`))).decision, 'ImplicitDeny');
  assert.equal((await decide(root, keyPolicy(`arn:aws:iam::${ACCOUNT}:root`))).decision, 'Allowed');
  // Not a key: an alias or kms:CreateKey on "*" is decided by the ordinary logic.
  assert.equal(requiresResourcePolicy('kms:CreateKey', '*'), false);
  assert.equal(requiresResourcePolicy('kms:CreateAlias', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/x`), false);
  assert.equal(requiresResourcePolicy('s3:GetObject', 'arn:aws:s3:::key/x'), false);
});

test('the root user is allowed its own account\'s resources, not another account\'s without their policy', async () => {
  const authorizer = new Authorizer({ source: source(), policyCache, policySets: new PolicySetCache() });
  const own = await authorizer.decide({ principal: root, action: 's3:GetObject', target: { resource: 'arn:aws:s3:::b/k', resourceAccount: ACCOUNT }, facts });
  assert.equal(own.decision, 'Allowed');
  const other = await authorizer.decide({ principal: root, action: 's3:GetObject', target: { resource: 'arn:aws:s3:::b/k', resourceAccount: '222222222222' }, facts });
  assert.equal(other.decision, 'ImplicitDeny');
  assert.equal('message' in other && other.message, `User: ${root.arn} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no resource-based policy allows the s3:GetObject action`);
  const listing = await authorizer.decide({ principal: user, action: 's3:ListAllMyBuckets', target: { resource: '*' }, facts });
  assert.equal(listing.decision, 'Allowed');
  const none = new Authorizer({ source: source([]), policyCache, policySets: new PolicySetCache() });
  const refused = await none.decide({ principal: user, action: 's3:ListAllMyBuckets', target: { resource: '*' }, facts });
  assert.equal('message' in refused && refused.message, `User: ${user.arn} is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action`);
  assert.ok(refused.missingContextKeys !== undefined);
});
