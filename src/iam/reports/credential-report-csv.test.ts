import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CREDENTIAL_REPORT_COLUMNS, credentialReportCsv, reportTime } from './credential-report-csv.ts';

const t = (s: string) => new Date(s);

test('the header is AWS\'s 22 columns in AWS\'s order', () => {
  const [header] = credentialReportCsv([]).split('\n');
  assert.equal(header, 'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated');
  assert.equal(CREDENTIAL_REPORT_COLUMNS.length, 22);
});

test('the root row says not_supported for its password columns; a bare user says N/A', () => {
  const csv = credentialReportCsv([
    { user: '<root_account>', arn: 'arn:aws:iam::123456789012:root', createdAt: t('2020-01-02T03:04:05Z'), password: { kind: 'root' }, mfaActive: true,
      accessKeys: [], certificates: [] },
    { user: 'bob', arn: 'arn:aws:iam::123456789012:user/bob', createdAt: t('2021-06-07T08:09:10.123Z'), password: { kind: 'none' }, mfaActive: false,
      accessKeys: [], certificates: [] },
  ]);
  const [, root, bob] = csv.split('\n');
  assert.equal(root, '<root_account>,arn:aws:iam::123456789012:root,2020-01-02T03:04:05+00:00,not_supported,no_information,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A');
  assert.equal(bob, 'bob,arn:aws:iam::123456789012:user/bob,2021-06-07T08:09:10+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A');
  assert.ok(csv.endsWith('\n'));
});

test('passwords, keys (used and unused) and certificates fill their columns', () => {
  const csv = credentialReportCsv([{
    user: 'alice', arn: 'arn:aws:iam::123456789012:user/eng/alice', createdAt: t('2022-01-01T00:00:00Z'),
    password: { kind: 'user', lastChanged: t('2022-02-01T00:00:00Z'), nextRotation: t('2022-05-02T00:00:00Z') },
    mfaActive: true,
    accessKeys: [
      { active: true, createdAt: t('2022-03-01T00:00:00Z'), lastUsed: { date: t('2022-03-02T10:00:00Z'), region: 'eu-west-1', service: 'sts' } },
      { active: false, createdAt: t('2022-04-01T00:00:00Z') },
    ],
    certificates: [{ active: true, uploadedAt: t('2022-01-15T00:00:00Z') }],
  }]);
  assert.equal(csv.split('\n')[1], 'alice,arn:aws:iam::123456789012:user/eng/alice,2022-01-01T00:00:00+00:00,true,no_information,2022-02-01T00:00:00+00:00,2022-05-02T00:00:00+00:00,true,true,2022-03-01T00:00:00+00:00,2022-03-02T10:00:00+00:00,eu-west-1,sts,false,2022-04-01T00:00:00+00:00,N/A,N/A,N/A,true,2022-01-15T00:00:00+00:00,false,N/A');
  assert.equal(reportTime(t('2030-12-31T23:59:59.999Z')), '2030-12-31T23:59:59+00:00');
});
