import { Kind } from '../kinds.ts';
import { namedEntity } from '../tagging/named-entity.ts';
import { taggableResource } from '../tagging/taggable-resource.ts';
import { noSuchServerCertificate } from './messages.ts';
import type { ServerCertificateData } from './records.ts';

/** Server certificate tags: TagServerCertificate, UntagServerCertificate, ListServerCertificateTags, and UploadServerCertificate's. */
export const serverCertificateTags = taggableResource<'ServerCertificate', ServerCertificateData>({
  noun: 'ServerCertificate',
  nameMember: 'ServerCertificateName',
  quota: 'TagsPerServerCertificate',
  ...namedEntity<ServerCertificateData>(Kind.serverCertificate, 'server-certificate', noSuchServerCertificate),
});
