import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OrganizationMembership } from '../../kernel/operation.ts';
import { rootAccessGap } from './prerequisites.ts';

const org: OrganizationMembership = { orgId: 'o-abcdefghij', managementAccountId: '111122223333', featureSet: 'ALL', trustedServices: ['sso.amazonaws.com', 'iam.amazonaws.com'], status: 'ACTIVE', delegatedServices: [] };

test('centralized root access: every prerequisite holds for the management account', () => {
  assert.equal(rootAccessGap(org, '111122223333'), undefined);
});

test('centralized root access: the first prerequisite missing, in order', () => {
  assert.equal(rootAccessGap(undefined, '111122223333'), 'no-organization');
  assert.equal(rootAccessGap({ ...org, featureSet: 'CONSOLIDATED_BILLING', trustedServices: [] }, '444455556666'), 'not-management-account');
  assert.equal(rootAccessGap({ ...org, featureSet: 'CONSOLIDATED_BILLING', trustedServices: [] }, '111122223333'), 'not-all-features');
  assert.equal(rootAccessGap({ ...org, trustedServices: ['sso.amazonaws.com'] }, '111122223333'), 'no-trusted-access');
});

test('centralized root access: a delegated administrator for IAM counts as the management account; for another service it does not', () => {
  // The membership is the caller's: its account's delegated services.
  assert.equal(rootAccessGap({ ...org, delegatedServices: ['iam.amazonaws.com'] }, '444455556666'), undefined);
  assert.equal(rootAccessGap({ ...org, delegatedServices: ['sso.amazonaws.com'] }, '444455556666'), 'not-management-account');
});
