import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLEARED_VARIABLES, workloadEnvironment } from './child-environment.ts';

const BASE = {
  PATH: '/usr/bin', HOME: '/h',
  AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't', AWS_PROFILE: 'p',
  AWS_WEB_IDENTITY_TOKEN_FILE: '/t', AWS_ROLE_ARN: 'arn', AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/x',
  AWS_EC2_METADATA_DISABLED: 'true', AWS_SHARED_CREDENTIALS_FILE: '/h/creds', AWS_REGION: 'eu-west-1',
};

test('an instance: the IMDS endpoint and nothing the chains would try before it', () => {
  const env = workloadEnvironment(BASE, { kind: 'imds', url: 'http://127.0.0.1:1234', allowV1: false }, { region: 'us-east-2', tesseraUrl: 'http://127.0.0.1:4600' });
  for (const name of CLEARED_VARIABLES) if (!name.startsWith('AWS_EC2_METADATA_SERVICE') && name !== 'AWS_EC2_METADATA_V1_DISABLED') assert.equal(env[name], undefined, name);
  assert.equal(env['AWS_EC2_METADATA_SERVICE_ENDPOINT'], 'http://127.0.0.1:1234');
  assert.equal(env['AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE'], 'IPv4');
  assert.equal(env['AWS_EC2_METADATA_V1_DISABLED'], 'true');
  assert.equal(env['AWS_SHARED_CREDENTIALS_FILE'], '/dev/null');
  assert.equal(env['AWS_CONFIG_FILE'], '/dev/null');
  assert.equal(env['AWS_REGION'], 'us-east-2');
  assert.equal(env['AWS_DEFAULT_REGION'], 'us-east-2');
  assert.equal(env['AWS_ENDPOINT_URL'], 'http://127.0.0.1:4600');
  assert.equal(env['PATH'], '/usr/bin');
  assert.equal(workloadEnvironment(BASE, { kind: 'imds', url: 'u', allowV1: true }, { region: 'r', tesseraUrl: 't' })['AWS_EC2_METADATA_V1_DISABLED'], undefined);
});

test('a task: the full URI and its token; an endpoint the user set is kept', () => {
  const env = workloadEnvironment({ ...BASE, AWS_ENDPOINT_URL: 'http://mine' }, { kind: 'container', fullUri: 'http://127.0.0.1:9/v2/credentials/x', authorizationToken: 'tok' }, { region: 'r', tesseraUrl: 't' });
  assert.equal(env['AWS_CONTAINER_CREDENTIALS_FULL_URI'], 'http://127.0.0.1:9/v2/credentials/x');
  assert.equal(env['AWS_CONTAINER_AUTHORIZATION_TOKEN'], 'tok');
  assert.equal(env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'], undefined);
  assert.equal(env['AWS_EC2_METADATA_SERVICE_ENDPOINT'], undefined);
  assert.equal(env['AWS_ACCESS_KEY_ID'], undefined);
  assert.equal(env['AWS_ENDPOINT_URL'], 'http://mine');
});
