import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateServiceSpecificCredentialCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, DeleteVirtualMFADeviceCommand,
  ListServiceSpecificCredentialsCommand, ListVirtualMFADevicesCommand,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

/**
 * Differences from AWS found by a sweep of the less-travelled IAM operations with the aws CLI
 * and boto3; each test pins the behaviour AWS documents where Tessera had answered otherwise.
 */
describe('IAM fidelity sweep', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.iam().send(new CreateUserCommand({ UserName: 'carol' }));
  });
  after(async () => server.stop());

  describe('service-specific credentials', () => {
    test('CredentialAgeDays is for API keys only: a CodeCommit or Keyspaces password cannot be given an age', async () => {
      const iam = server.iam();
      for (const ServiceName of ['codecommit.amazonaws.com', 'cassandra.amazonaws.com']) {
        const err = await awsError(() => iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'carol', ServiceName, CredentialAgeDays: 30 })));
        assert.equal(err.name, 'InvalidParameterCombination');
        assert.equal(err.status, 400);
        assert.equal(err.message, `CredentialAgeDays is only valid for services that support long-term API keys, not ${ServiceName}.`);
      }
      // Nothing was created by the refused requests.
      const listed = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'carol' }));
      assert.deepEqual(listed.ServiceSpecificCredentials, []);
      // A Bedrock API key still takes an age.
      const key = (await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'carol', ServiceName: 'bedrock.amazonaws.com', CredentialAgeDays: 7 }))).ServiceSpecificCredential!;
      assert.equal(Math.round((key.ExpirationDate!.getTime() - key.CreateDate!.getTime()) / 86_400_000), 7);
    });

    test('ListServiceSpecificCredentials refuses AllUsers together with UserName', async () => {
      const iam = server.iam();
      const err = await awsError(() => iam.send(new ListServiceSpecificCredentialsCommand({ AllUsers: true, UserName: 'carol' })));
      assert.equal(err.name, 'InvalidParameterCombination');
      assert.equal(err.status, 400);
      assert.equal(err.message, 'AllUsers cannot be specified together with UserName.');
      // Either alone is fine; AllUsers false names no other list, so UserName may come with it.
      assert.ok((await iam.send(new ListServiceSpecificCredentialsCommand({ AllUsers: true }))).ServiceSpecificCredentials!.length >= 1);
      assert.ok((await iam.send(new ListServiceSpecificCredentialsCommand({ AllUsers: false, UserName: 'carol' }))).ServiceSpecificCredentials!.length >= 1);
    });
  });

  describe('virtual MFA devices', () => {
    test('a device whose serial number no other operation could take is not created', async () => {
      const iam = server.iam();
      const prefix = `arn:aws:iam::${server.accountId}:mfa/`;
      // 257 characters: DeleteVirtualMFADevice, EnableMFADevice and the tag operations allow 256.
      const longName = 'd'.repeat(257 - prefix.length);
      const tooLong = await awsError(() => iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: longName })));
      assert.equal(tooLong.name, 'InvalidInputException');
      assert.equal(tooLong.status, 400);
      assert.equal(tooLong.message, `The serial number ${prefix}${longName} must be at most 256 characters of letters, digits and _+=/:,.@- (shorten the name or path).`);
      // The path pattern allows characters (here ! and ~) that a SerialNumber may not hold.
      const oddPath = await awsError(() => iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'phone', Path: '/a!b~c/' })));
      assert.equal(oddPath.name, 'InvalidInputException');
      const listed = await iam.send(new ListVirtualMFADevicesCommand({}));
      assert.deepEqual(listed.VirtualMFADevices, [], 'nothing half-made is left behind');

      // At exactly 256 characters the device is made and can be deleted again.
      const fits = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'd'.repeat(256 - prefix.length) }))).VirtualMFADevice!;
      assert.equal(fits.SerialNumber!.length, 256);
      await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: fits.SerialNumber! }));
    });
  });
});
