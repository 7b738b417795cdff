import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OrganizationMembership } from '../../kernel/operation.ts';
import type { Store } from '../../store/types.ts';
import { s3ExplainsRefusal } from './s3-denial-detail.ts';

const member = (orgId: string): OrganizationMembership => ({ orgId, managementAccountId: '111111111111', featureSet: 'ALL', trustedServices: [], status: 'ACTIVE', delegatedServices: [] });
const ORGS: Record<string, OrganizationMembership> = { '111111111111': member('o-aaaaaaaaaa'), '222222222222': member('o-aaaaaaaaaa'), '333333333333': member('o-bbbbbbbbbb') };
const deps = { store: {} as Store, organizations: async (_tx: unknown, accountId: string) => ORGS[accountId] };

describe('how much an S3 refusal says', () => {
  it('explains to the bucket owner\'s own account', async () => {
    assert.equal(await s3ExplainsRefusal(deps, '444444444444', '444444444444'), true);
  });
  it('explains to another account of the owner\'s organization', async () => {
    assert.equal(await s3ExplainsRefusal(deps, '222222222222', '111111111111'), true);
  });
  it('does not explain to an account of another organization, or of none', async () => {
    assert.equal(await s3ExplainsRefusal(deps, '333333333333', '111111111111'), false);
    assert.equal(await s3ExplainsRefusal(deps, '444444444444', '111111111111'), false);
    assert.equal(await s3ExplainsRefusal(deps, '111111111111', '444444444444'), false);
  });
  it('does not explain to a caller of no account (anonymous)', async () => {
    assert.equal(await s3ExplainsRefusal(deps, undefined, '111111111111'), false);
    assert.equal(await s3ExplainsRefusal(deps, '', '111111111111'), false);
  });
  it('explains when the resource has no other owner (ListBuckets)', async () => {
    assert.equal(await s3ExplainsRefusal(deps, '333333333333', undefined), true);
  });
});
