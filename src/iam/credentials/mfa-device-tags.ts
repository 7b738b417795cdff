import { taggableResource } from '../tagging/taggable-resource.ts';
import { noSuchMfaDevice } from './errors.ts';
import { findMfaDevice } from './mfa-records.ts';
import type { MfaDeviceData } from './records.ts';

/**
 * Virtual MFA device tags: TagMFADevice, UntagMFADevice, ListMFADeviceTags, and
 * CreateVirtualMFADevice's. A device is named by its serial number, which is its ARN
 * (mfa-records.ts); one that does not exist is named as given.
 */
export const mfaDeviceTags = taggableResource<'MFADevice', MfaDeviceData>({
  noun: 'MFADevice',
  nameMember: 'SerialNumber',
  quota: 'TagsPerMFADevice',
  find: findMfaDevice,
  notFound: noSuchMfaDevice,
  arn: (device) => device.data.serialNumber,
  absentArn: (_accountId, serialNumber) => serialNumber,
});
