import { noSuchUser } from './errors.ts';
import { Kind, type UserData } from './records.ts';
import { namedEntity } from './tagging/named-entity.ts';
import { taggableResource } from './tagging/taggable-resource.ts';

/** User tags: TagUser, UntagUser, ListUserTags, and the tags CreateUser gives. */
export const userTags = taggableResource<'User', UserData>({
  noun: 'User',
  nameMember: 'UserName',
  quota: 'TagsPerUser',
  ...namedEntity<UserData>(Kind.user, 'user', noSuchUser),
});
