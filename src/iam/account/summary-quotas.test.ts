import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultQuotas } from '../../kernel/quotas.ts';
import { summaryQuotas } from './summary-quotas.ts';

test("the summary's quotas are AWS's defaults, or the server's configured values", () => {
  const defaults = summaryQuotas(defaultQuotas);
  assert.equal(defaults.UsersQuota, 5000);
  assert.equal(defaults.AccessKeysPerUserQuota, 2);
  assert.equal(defaults.PolicySizeQuota, 6144);
  assert.equal(defaults.VersionsPerPolicyQuota, 5);
  const configured = summaryQuotas({ ...defaultQuotas, usersPerAccount: 12, accessKeysPerUser: 3, customerManagedPoliciesPerAccount: 99, managedPoliciesPerRole: 20 });
  assert.equal(configured.UsersQuota, 12);
  assert.equal(configured.AccessKeysPerUserQuota, 3);
  assert.equal(configured.PoliciesQuota, 99);
  assert.equal(configured.AttachedPoliciesPerRoleQuota, 20);
  assert.equal(configured.AttachedPoliciesPerUserQuota, 10);
  // A quota a module adds to the configuration later is picked up by its name.
  assert.equal(summaryQuotas({ ...defaultQuotas, versionsPerPolicy: 7 } as typeof defaultQuotas).VersionsPerPolicyQuota, 7);
});
