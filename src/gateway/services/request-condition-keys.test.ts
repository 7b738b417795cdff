import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sarAction } from '../authorization-data.ts';
import { conditionContext } from '../conditions.ts';
import { identify, type IdentifiedRequest } from '../identify.ts';
import { ec2RequestContext, withRequestConditionKeys } from './request-condition-keys.ts';
import { SERVICE_RULES } from './index.ts';
import type { GatewayService } from '../services.ts';
import { authorizationDataForTests } from '../testing/mapping.ts';
import { CALLER, form, json, OWNER, wire } from '../testing/requests.ts';
import type { GatewayRequest } from '../types.ts';

const authorizationData = authorizationDataForTests();
const RULES = withRequestConditionKeys(SERVICE_RULES);

function identified(service: GatewayService, request: GatewayRequest): IdentifiedRequest {
  const result = identify(service, request);
  assert.ok(!('kind' in result), JSON.stringify(result));
  return result as IdentifiedRequest;
}

function keys(service: GatewayService, action: string, request: GatewayRequest): Record<string, unknown> {
  const sar = sarAction(authorizationData(), service, action);
  assert.ok(sar, action);
  const context = { request, region: 'us-east-1', ownerAccountId: OWNER, resourceAccountId: OWNER, action };
  return conditionContext(sar, identified(service, request), RULES[service], context);
}

describe('service condition keys named otherwise than their input member', () => {
  it('logs:LogGeneratingResourceArns and logs:DeliveryDestinationResourceArn from the delivery members', () => {
    const source = keys('logs', 'PutDeliverySource', json('logs', 'Logs_20140328.PutDeliverySource', { name: 's', logType: 'APPLICATION_LOGS', resourceArn: 'arn:aws:bedrock:us-east-1:111111111111:knowledge-base/kb' }));
    assert.deepEqual(source['logs:LogGeneratingResourceArns'], ['arn:aws:bedrock:us-east-1:111111111111:knowledge-base/kb']);
    const destination = keys('logs', 'PutDeliveryDestination', json('logs', 'Logs_20140328.PutDeliveryDestination', { name: 'd', deliveryDestinationConfiguration: { destinationResourceArn: 'arn:aws:s3:::logs-bucket' } }));
    assert.equal(destination['logs:DeliveryDestinationResourceArn'], 'arn:aws:s3:::logs-bucket');
  });

  it('kms:ScheduleKeyDeletionPendingWindowInDays from PendingWindowInDays', () => {
    const context = keys('kms', 'ScheduleKeyDeletion', json('kms', 'TrentService.ScheduleKeyDeletion', { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', PendingWindowInDays: 7 }));
    assert.equal(context['kms:ScheduleKeyDeletionPendingWindowInDays'], '7');
    const without = keys('kms', 'ScheduleKeyDeletion', json('kms', 'TrentService.ScheduleKeyDeletion', { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }));
    // Absent, KMS's default window (30 days) is the key's value, as the KMS Developer Guide says of request parameters.
    assert.equal(without['kms:ScheduleKeyDeletionPendingWindowInDays'], '30');
  });

  it('kms:DataKeyPairSpec from KeyPairSpec, kms:GrantConstraintType from Constraints', () => {
    assert.equal(keys('kms', 'GenerateDataKeyPair', json('kms', 'TrentService.GenerateDataKeyPair', { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', KeyPairSpec: 'RSA_2048' }))['kms:DataKeyPairSpec'], 'RSA_2048');
    const grant = keys('kms', 'CreateGrant', json('kms', 'TrentService.CreateGrant', { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', GranteePrincipal: `arn:aws:iam::${CALLER}:root`, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: { a: 'b' } } }));
    assert.equal(grant['kms:GrantConstraintType'], 'EncryptionContextSubset');
  });

  it('lambda:FunctionUrlAuthType from AuthType', () => {
    const request = wire('lambda', 'POST', '/2021-10-31/functions/resize/url', { headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ AuthType: 'NONE' })) });
    assert.equal(keys('lambda', 'CreateFunctionUrlConfig', request)['lambda:FunctionUrlAuthType'], 'NONE');
  });

  it('secretsmanager:KmsKeyArn from KmsKeyId (an ARN as given, a key ID as its ARN)', () => {
    const arn = `arn:aws:kms:us-east-1:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    assert.equal(keys('secretsmanager', 'CreateSecret', json('secretsmanager', 'secretsmanager.CreateSecret', { Name: 's', SecretString: 'x', KmsKeyId: arn }))['secretsmanager:KmsKeyArn'], arn);
    const byId = keys('secretsmanager', 'CreateSecret', json('secretsmanager', 'secretsmanager.CreateSecret', { Name: 's', SecretString: 'x', KmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }));
    assert.match(String(byId['secretsmanager:KmsKeyArn']), /^arn:aws:kms:us-east-1:\d{12}:key\/1234abcd-12ab-34cd-56ef-1234567890ab$/);
  });

  it('a service\'s own reader keeps its key (kms:CallerAccount unchanged)', () => {
    const context = keys('kms', 'ScheduleKeyDeletion', json('kms', 'TrentService.ScheduleKeyDeletion', { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', PendingWindowInDays: 7 }));
    assert.equal(context['kms:CallerAccount'], CALLER);
  });
});

describe('EC2 keys of the new volume, instance and network interface', () => {
  const ec2 = (params: Record<string, string>) => identified('ec2', form('ec2', { Version: '2016-11-15', ...params }));

  it('CreateVolume: ec2:Encrypted (false unless asked), ec2:VolumeSize, ec2:VolumeType', () => {
    const plain = ec2RequestContext(ec2({ Action: 'CreateVolume', AvailabilityZone: 'us-east-1a', Size: '8' }), { action: 'CreateVolume', resourceType: 'volume', created: true });
    assert.deepEqual(plain, { 'ec2:Encrypted': 'false', 'ec2:VolumeSize': '8', 'ec2:VolumeType': 'gp2', 'ec2:AvailabilityZone': 'us-east-1a' });
    const encrypted = ec2RequestContext(ec2({ Action: 'CreateVolume', AvailabilityZone: 'us-east-1a', Size: '8', Encrypted: 'true', VolumeType: 'gp3' }), { action: 'CreateVolume', resourceType: 'volume', created: true });
    assert.equal(encrypted?.['ec2:Encrypted'], 'true');
    assert.equal(encrypted?.['ec2:VolumeType'], 'gp3');
  });

  it('RunInstances: metadata options on the instance, a public IP on the interface, volumes from block device mappings', () => {
    const request = ec2({
      Action: 'RunInstances', ImageId: 'ami-12c6146b', MinCount: '1', MaxCount: '1',
      'MetadataOptions.HttpPutResponseHopLimit': '5', 'MetadataOptions.HttpTokens': 'optional',
      'NetworkInterface.1.DeviceIndex': '0', 'NetworkInterface.1.SubnetId': 'subnet-12345678', 'NetworkInterface.1.AssociatePublicIpAddress': 'true',
      'BlockDeviceMapping.1.DeviceName': '/dev/sdb', 'BlockDeviceMapping.1.Ebs.VolumeSize': '100', 'BlockDeviceMapping.1.Ebs.Encrypted': 'false',
    });
    const instance = ec2RequestContext(request, { action: 'RunInstances', resourceType: 'instance', created: true });
    assert.equal(instance?.['ec2:MetadataHttpPutResponseHopLimit'], '5');
    assert.equal(instance?.['ec2:MetadataHttpTokens'], 'optional');
    assert.equal(instance?.['ec2:Tenancy'], 'default');
    assert.equal(ec2RequestContext(request, { action: 'RunInstances', resourceType: 'network-interface', created: true })?.['ec2:AssociatePublicIpAddress'], 'true');
    const volume = ec2RequestContext(request, { action: 'RunInstances', resourceType: 'volume', created: true });
    assert.equal(volume?.['ec2:Encrypted'], 'false');
    assert.equal(volume?.['ec2:VolumeSize'], '100');
  });

  it('the wrapped checkContext keeps EC2\'s own keys', () => {
    const request = ec2({ Action: 'CreateVolume', AvailabilityZone: 'us-east-1a', Size: '8' });
    const context = RULES.ec2.checkContext!(request, { action: 'CreateVolume', arn: `arn:aws:ec2:us-east-1:${OWNER}:volume/*`, resourceType: 'volume', created: true }, { request: form('ec2', {}), region: 'us-east-1', ownerAccountId: OWNER });
    assert.equal(context?.['ec2:Region'], 'us-east-1');
    assert.equal(context?.['ec2:Encrypted'], 'false');
  });
});
