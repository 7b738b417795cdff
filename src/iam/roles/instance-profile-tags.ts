import { Kind } from '../kinds.ts';
import { namedEntity } from '../tagging/named-entity.ts';
import { taggableResource } from '../tagging/taggable-resource.ts';
import { noSuchInstanceProfile } from './errors.ts';
import type { InstanceProfileData } from './instance-profile-records.ts';

/** Instance profile tags: TagInstanceProfile, UntagInstanceProfile, ListInstanceProfileTags, and CreateInstanceProfile's. */
export const instanceProfileTags = taggableResource<'InstanceProfile', InstanceProfileData>({
  noun: 'InstanceProfile',
  nameMember: 'InstanceProfileName',
  quota: 'TagsPerInstanceProfile',
  ...namedEntity<InstanceProfileData>(Kind.instanceProfile, 'instance-profile', noSuchInstanceProfile),
});
