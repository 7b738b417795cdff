// The KMS key of each SSE-KMS multipart upload started through this server, kept in the store
// from CreateMultipartUpload's answer until CompleteMultipartUpload or AbortMultipartUpload
// passes through. UploadPart and UploadPartCopy need kms:Decrypt on the upload's key (S3 User
// Guide, "Multipart upload API and permissions"), and only the upstream knows which key an upload
// has: with the key remembered, a part is decided before it is forwarded, so a refused part never
// reaches the upstream. An upload started elsewhere (directly upstream, or before this server
// kept keys) is still decided on the part's answer, which names the key (service-keys.ts).
// In the store, so every node of a PostgreSQL deployment knows the uploads any node started.

import type { S3Encryption } from '../../gateway/upstream-reads.ts';
import type { Store } from '../../store/types.ts';

const UPLOAD_KEY_KIND = 'gateway-upload-key';

export interface UploadKeys {
  get(bucket: string, uploadId: string): Promise<S3Encryption | undefined>;
  remember(accountId: string, bucket: string, uploadId: string, encryption: S3Encryption): Promise<void>;
  forget(bucket: string, uploadId: string): Promise<void>;
}

/** One entity per upload: bucket names are global, and an upload ID is its bucket's. */
function idOf(bucket: string, uploadId: string): string {
  return `${bucket}/${uploadId}`;
}

export function storeUploadKeys(store: Store, now: () => string): UploadKeys {
  return {
    async get(bucket, uploadId) {
      const record = await store.get<S3Encryption>(UPLOAD_KEY_KIND, idOf(bucket, uploadId));
      return record?.data;
    },
    async remember(accountId, bucket, uploadId, encryption) {
      const id = idOf(bucket, uploadId);
      await store.transaction(async (tx) => {
        if (await tx.get(UPLOAD_KEY_KIND, id)) return;
        await tx.insert<S3Encryption>({ accountId, kind: UPLOAD_KEY_KIND, id, name: id, parentId: '', path: '/', data: encryption, createdAt: now() });
      });
    },
    async forget(bucket, uploadId) {
      await store.delete(UPLOAD_KEY_KIND, idOf(bucket, uploadId));
    },
  };
}

/** The UploadId of a CreateMultipartUpload answer (`<UploadId>…</UploadId>`; IDs hold no markup). */
export function uploadIdOf(answer: Buffer): string | undefined {
  const text = answer.toString('utf8');
  const start = text.indexOf('<UploadId>');
  if (start < 0) return undefined;
  const end = text.indexOf('</UploadId>', start);
  const id = end < 0 ? '' : text.slice(start + '<UploadId>'.length, end).trim();
  return id === '' || id.includes('<') ? undefined : id;
}
