import type { SessionClaims } from '../kernel/session.ts';

/** Claims of each kind, shared by the token tests. */

export const ROLE_SESSION: SessionClaims = {
  v: 1,
  kind: 'role-session',
  accountId: '111122223333',
  accessKeyId: 'ASIAQ3EGRB7LQX2KDCPJ',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
  issuedAt: '2024-05-17T09:30:15Z',
  expiresAt: '2024-05-17T10:30:15Z',
  role: { id: 'AROAQ3EGRB7LRZQ5XPLHC', arn: 'arn:aws:iam::111122223333:role/ops/Deploy', name: 'Deploy', path: '/ops/' },
  sessionName: 'ci-job-4711',
};

export const EVERY_FIELD: SessionClaims = {
  ...ROLE_SESSION,
  user: { id: 'AIDAQ3EGRB7LV4N2MWKXT', arn: 'arn:aws:iam::111122223333:user/alice', name: 'alice', root: false },
  sessionPolicies: { inline: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}', arns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
  tags: { team: 'red', 'cost-center': '42', 'ünïcødé': '✓' },
  transitiveTagKeys: ['team'],
  sourceIdentity: 'alice@example.com',
  mfa: { authenticatedAt: '2024-05-17T09:29:58Z' },
  chained: true,
  federation: {
    protocol: 'oidc', provider: 'arn:aws:iam::111122223333:oidc-provider/token.actions.example.com', subject: 'repo:org/app:ref:refs/heads/main',
    keys: { 'token.actions.example.com:sub': 'repo:org/app:ref:refs/heads/main', 'token.actions.example.com:amr': ['authenticated', 'mfa'] },
  },
  workload: { service: 'ec2.amazonaws.com', sourceArn: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abc1234def567890', roleDelivery: '2.0' },
};

export const FEDERATED_USER: SessionClaims = {
  v: 1,
  kind: 'federated-user',
  accountId: '111122223333',
  accessKeyId: 'ASIAQ3EGRB7LSM3YHVBN',
  secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  issuedAt: '2024-05-17T09:30:15Z',
  expiresAt: '2024-05-18T09:30:15Z',
  federatedName: 'bob',
  user: { id: 'AIDAQ3EGRB7LV4N2MWKXT', arn: 'arn:aws:iam::111122223333:user/alice', name: 'alice' },
  sessionPolicies: { arns: [] },
};

export const ROOT_USER_SESSION: SessionClaims = {
  v: 1,
  kind: 'user-session',
  accountId: '111122223333',
  accessKeyId: 'ASIAQ3EGRB7LT6PWQZRA',
  secretAccessKey: 'Zp9Utk/h3yCo8nvbje7MtGbClwBF/2EXAMPLEKEY',
  // Not whole seconds: kept as written.
  issuedAt: '2024-05-17T09:30:15.123Z',
  expiresAt: '2024-05-17T21:30:15.123Z',
  user: { id: '111122223333', arn: 'arn:aws:iam::111122223333:root', root: true },
  mfa: { authenticatedAt: '2024-05-17T09:30:15+00:00' },
};
