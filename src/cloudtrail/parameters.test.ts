import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HIDDEN, requestParametersOf, responseElementsOf, withinSize } from './parameters.ts';
import { isReadOnly, recordsResponse, resourceNameOf, resourceTypeOf } from './event-kinds.ts';

test('requestParameters: camelCase members, secrets hidden (model-marked and named)', () => {
  assert.deepEqual(requestParametersOf('iam', 'CreateLoginProfile', { UserName: 'alice', Password: 'p@ss-word-1', PasswordResetRequired: true }), {
    userName: 'alice', password: HIDDEN, passwordResetRequired: true,
  });
  assert.deepEqual(requestParametersOf('iam', 'ChangePassword', { OldPassword: 'a-old', NewPassword: 'b-new' }), { oldPassword: HIDDEN, newPassword: HIDDEN });
  assert.deepEqual(requestParametersOf('iam', 'EnableMFADevice', { UserName: 'u', SerialNumber: 'arn:aws:iam::1:mfa/u', AuthenticationCode1: '123456', AuthenticationCode2: '654321' }), {
    userName: 'u', serialNumber: 'arn:aws:iam::1:mfa/u', authenticationCode1: HIDDEN, authenticationCode2: HIDDEN,
  });
  const assume = requestParametersOf('sts', 'AssumeRole', { RoleArn: 'arn:aws:iam::1:role/r', RoleSessionName: 's', TokenCode: '123456', Tags: [{ Key: 'k', Value: 'v' }] });
  assert.deepEqual(assume, { roleArn: 'arn:aws:iam::1:role/r', roleSessionName: 's', tokenCode: HIDDEN, tags: [{ key: 'k', value: 'v' }] });
  assert.equal(requestParametersOf('sts', 'AssumeRoleWithSAML', { RoleArn: 'r', PrincipalArn: 'p', SAMLAssertion: 'PHNhbWw+' })!['sAMLAssertion'], HIDDEN);
  assert.equal(requestParametersOf('iam', 'UploadServerCertificate', { ServerCertificateName: 'c', CertificateBody: 'body', PrivateKey: '-----BEGIN PRIVATE KEY-----' })!['privateKey'], HIDDEN);
  assert.equal(requestParametersOf('iam', 'ListUsers', {}), null);
});

test('responseElements: secrets left out; the key ID and times kept', () => {
  const created = new Date('2024-10-07T11:23:39Z');
  const key = responseElementsOf('iam', 'CreateAccessKey', { AccessKey: { UserName: 'u', AccessKeyId: 'AKIAEXAMPLE', Status: 'Active', SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG', CreateDate: created } });
  assert.deepEqual(key, { accessKey: { userName: 'u', accessKeyId: 'AKIAEXAMPLE', status: 'Active', createDate: 'Oct 7, 2024, 11:23:39 AM' } });
  const assumed = responseElementsOf('sts', 'AssumeRole', {
    Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date('2024-10-07T23:05:01Z') },
    AssumedRoleUser: { AssumedRoleId: 'AROA:s', Arn: 'arn:aws:sts::1:assumed-role/r/s' },
  });
  assert.deepEqual(assumed, { credentials: { accessKeyId: 'ASIAEXAMPLE', expiration: 'Oct 7, 2024, 11:05:01 PM' }, assumedRoleUser: { assumedRoleId: 'AROA:s', arn: 'arn:aws:sts::1:assumed-role/r/s' } });
  const mfa = responseElementsOf('iam', 'CreateVirtualMFADevice', { VirtualMFADevice: { SerialNumber: 'arn:aws:iam::1:mfa/d', Base32StringSeed: new Uint8Array([1, 2]), QRCodePNG: new Uint8Array([3]) } });
  assert.deepEqual(mfa, { virtualMFADevice: { serialNumber: 'arn:aws:iam::1:mfa/d' } });
});

test('a map key such as __proto__ stays data; oversized parameters are dropped', () => {
  const out = requestParametersOf('sts', 'AssumeRole', { RoleArn: 'r', RoleSessionName: 's', Tags: [{ Key: '__proto__', Value: 'x' }] })!;
  assert.deepEqual(out['tags'], [{ key: '__proto__', value: 'x' }]);
  assert.deepEqual(withinSize({ a: 'x'.repeat(200 * 1024) }), { value: null, dropped: true });
  assert.deepEqual(withinSize({ a: 'x' }), { value: { a: 'x' }, dropped: false });
});

test('readOnly, recorded responses and resource types', () => {
  assert.equal(isReadOnly('GetUser'), true);
  assert.equal(isReadOnly('AssumeRole'), true);
  assert.equal(isReadOnly('Getaway'), false);
  assert.equal(isReadOnly('CreateUser'), false);
  assert.equal(isReadOnly('GenerateCredentialReport'), false);
  assert.equal(recordsResponse('sts', 'AssumeRole'), true);
  assert.equal(recordsResponse('iam', 'GetUser'), false);
  assert.equal(resourceTypeOf('arn:aws:iam::123456789012:role/a/b'), 'AWS::IAM::Role');
  assert.equal(resourceTypeOf('arn:aws:iam::123456789012:instance-profile/p'), 'AWS::IAM::InstanceProfile');
  assert.equal(resourceTypeOf('arn:aws:s3:::bucket/key'), 'AWS::S3::Object');
  assert.equal(resourceTypeOf('arn:aws:s3:::bucket'), 'AWS::S3::Bucket');
  assert.equal(resourceTypeOf('arn:aws:sqs:us-east-1:123456789012:jobs'), 'AWS::SQS::Queue');
  assert.equal(resourceTypeOf('arn:aws:sns:us-east-1:123456789012:alerts'), 'AWS::SNS::Topic');
  assert.equal(resourceTypeOf('arn:aws:sns:us-east-1:123456789012:alerts:0b1c2d3e'), 'AWS::SNS::Subscription');
  assert.equal(resourceTypeOf('arn:aws:lambda:us-east-1:123456789012:function:f'), 'AWS::Lambda::Function');
  assert.equal(resourceTypeOf('arn:aws:dynamodb:us-east-1:123456789012:table/t'), 'AWS::DynamoDB::Table');
  assert.equal(resourceTypeOf('arn:aws:cloudtrail:us-east-1:123456789012:trail/t'), 'AWS::CloudTrail::Trail');
  // CloudFormation's spelling of the service and type names, not a capitalised ARN part.
  assert.equal(resourceTypeOf('arn:aws:ec2:us-east-1:123456789012:instance/i-0abc'), 'AWS::EC2::Instance');
  assert.equal(resourceTypeOf('arn:aws:ec2:us-east-1:123456789012:security-group/sg-1'), 'AWS::EC2::SecurityGroup');
  assert.equal(resourceTypeOf('arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1'), 'AWS::EC2::VPC');
  assert.equal(resourceTypeOf('arn:aws:cloudwatch:us-east-1:123456789012:alarm:high'), 'AWS::CloudWatch::Alarm');
  assert.equal(resourceTypeOf('arn:aws:cloudwatch::123456789012:dashboard/ops'), 'AWS::CloudWatch::Dashboard');
  assert.equal(resourceTypeOf('*'), undefined);
  assert.equal(resourceNameOf('arn:aws:iam::123456789012:user/team/alice'), 'alice');
});
