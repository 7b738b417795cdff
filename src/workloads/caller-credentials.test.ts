import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callerSettings, CallerCredentialsError } from './caller-credentials.ts';
import { bestTimeAsync } from '../../test/support/timing.ts';

const FILES: Record<string, string> = {
  '/h/.aws/credentials': '[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s1\n\n# a comment\n[dev]\naws_access_key_id=AKIADEV\naws_secret_access_key=s2\naws_session_token = tok\n[assumer]\nrole_arn = arn:aws:iam::111122223333:role/x\nsource_profile = default\n',
  '/h/.aws/config': '[default]\nregion = eu-west-1\n[profile dev]\nregion = ap-south-1\n[profile cfg]\naws_access_key_id = AKIACFG\naws_secret_access_key = s3\n',
};
const read = async (path: string) => {
  if (Object.hasOwn(FILES, path)) return FILES[path]!;
  throw Object.assign(new Error('missing'), { code: 'ENOENT' });
};

test('environment keys come first unless a profile is named, as the SDKs read them', async () => {
  const env = { HOME: '/h', AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'e', AWS_SESSION_TOKEN: 't' };
  const fromEnv = await callerSettings(env, read);
  assert.deepEqual(fromEnv.credentials, { accessKeyId: 'AKIAENV', secretAccessKey: 'e', sessionToken: 't', source: 'the environment (AWS_ACCESS_KEY_ID)' });
  assert.equal(fromEnv.region, 'eu-west-1', 'the default profile\'s region');
  const named = await callerSettings({ ...env, AWS_PROFILE: 'dev' }, read);
  assert.equal(named.credentials.accessKeyId, 'AKIADEV');
  assert.equal(named.credentials.sessionToken, 'tok');
  assert.equal(named.region, 'ap-south-1');
  assert.equal((await callerSettings(env, read, { profile: 'cfg', region: 'us-west-2' })).credentials.accessKeyId, 'AKIACFG');
  assert.equal((await callerSettings({ HOME: '/h' }, read)).credentials.accessKeyId, 'AKIADEFAULT');
  assert.equal((await callerSettings({ HOME: '/h', AWS_REGION: 'sa-east-1', AWS_DEFAULT_REGION: 'x' }, read)).region, 'sa-east-1');
});

test('profiles that need another provider, unknown profiles and no credentials are named in the error', async () => {
  await assert.rejects(callerSettings({ HOME: '/h' }, read, { profile: 'assumer' }), (e: unknown) => e instanceof CallerCredentialsError && /role_arn/.test(e.message));
  await assert.rejects(callerSettings({ HOME: '/h' }, read, { profile: 'ghost' }), /the profile ghost is in neither/);
  await assert.rejects(callerSettings({ HOME: '/nowhere' }, read), /no credentials to launch with/);
});

test('hostile files: a huge file is refused, odd lines are ignored in linear time', async () => {
  const huge = async () => 'a'.repeat(2 * 1024 * 1024);
  await assert.rejects(callerSettings({ HOME: '/h' }, huge), /is over/);
  const odd = async () => `${'[['.repeat(100_000)}\n${'='.repeat(100_000)}\n[default]\naws_access_key_id=A\naws_secret_access_key=B\n`;
  const ms = await bestTimeAsync(async () => assert.equal((await callerSettings({ HOME: '/h' }, odd)).credentials.accessKeyId, 'A'), 500);
  assert.ok(ms < 500, `${ms.toFixed(0)} ms`);
});
