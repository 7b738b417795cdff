import { test } from 'node:test';
import assert from 'node:assert/strict';
import { providerClaimKeys } from './provider-claims.ts';

const GITHUB = 'token.actions.githubusercontent.com';
const claims = { sub: 'repo:o/r:ref:refs/heads/main', repository: 'o/r', repository_id: 74, repository_owner: 'o', job_workflow_ref: 'o/r/.github/workflows/a.yml@refs/heads/main', actor: ['not', 'a', 'string'], environment: null };

test('GitHub\'s listed claims become <url>:<claim> keys; unlisted claims and non-scalar values do not', () => {
  assert.deepEqual(providerClaimKeys(GITHUB, claims), {
    [`${GITHUB}:repository`]: 'o/r',
    [`${GITHUB}:repository_id`]: '74',
    [`${GITHUB}:job_workflow_ref`]: 'o/r/.github/workflows/a.yml@refs/heads/main',
  });
});

test('any other issuer, even one whose path starts with GitHub\'s host, gets none', () => {
  assert.deepEqual(providerClaimKeys('127.0.0.1:4690', claims), {});
  assert.deepEqual(providerClaimKeys(`${GITHUB}.evil.example`, claims), {});
  assert.deepEqual(providerClaimKeys(`${GITHUB}/octo-enterprise`, claims), {});
});
