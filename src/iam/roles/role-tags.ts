import { Kind } from '../kinds.ts';
import { namedEntity } from '../tagging/named-entity.ts';
import { taggableResource } from '../tagging/taggable-resource.ts';
import { noSuchRole } from './errors.ts';
import type { RoleData } from './records.ts';

/** Role tags: TagRole, UntagRole, ListRoleTags, and the tags CreateRole gives (AWS's tag rules live in ../tags.ts). */
export const roleTags = taggableResource<'Role', RoleData>({
  noun: 'Role',
  nameMember: 'RoleName',
  quota: 'TagsPerRole',
  ...namedEntity<RoleData>(Kind.role, 'role', noSuchRole),
});
