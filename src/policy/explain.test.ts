import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedReason, explicitDenyReason, implicitDenyReason } from './explain.ts';

describe('reasons in AWS\'s words', () => {
  it('explicit denies', () => {
    assert.equal(explicitDenyReason('identity'), 'an explicit deny in an identity-based policy');
    assert.equal(explicitDenyReason('resource'), 'an explicit deny in a resource-based policy');
    assert.equal(explicitDenyReason('boundary'), 'an explicit deny in a permissions boundary');
    assert.equal(explicitDenyReason('session'), 'an explicit deny in a session policy');
    assert.equal(explicitDenyReason('scp'), 'an explicit deny in a service control policy');
    assert.equal(explicitDenyReason('rcp'), 'an explicit deny in a resource control policy');
    assert.equal(explicitDenyReason('trust'), 'an explicit deny in the role trust policy');
  });

  it('implicit denies name the action as the request spelled it', () => {
    assert.equal(implicitDenyReason('identity', 's3:GetObject'), 'no identity-based policy allows the s3:GetObject action');
    assert.equal(implicitDenyReason('resource', 'secretsmanager:GetSecretValue'), 'no resource-based policy allows the secretsmanager:GetSecretValue action');
    assert.equal(implicitDenyReason('boundary', 'codedeploy:ListDeployments'), 'no permissions boundary allows the codedeploy:ListDeployments action');
    assert.equal(implicitDenyReason('session', 'codecommit:ListRepositories'), 'no session policy allows the codecommit:ListRepositories action');
    assert.equal(implicitDenyReason('scp', 's3:GetObject'), 'no service control policy allows the s3:GetObject action');
    assert.equal(implicitDenyReason('rcp', 's3:GetObject'), 'no resource control policy allows the s3:GetObject action');
  });

  it('describes allows', () => {
    assert.match(allowedReason('identity', 's3:GetObject'), /identity-based policy allows the s3:GetObject action/);
    assert.match(allowedReason('root', 's3:GetObject'), /root user/);
  });
});
