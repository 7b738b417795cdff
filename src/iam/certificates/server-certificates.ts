import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import type { ServerCertificateMetadata } from '../../protocol/generated/iam.ts';
import type { StoreTx } from '../../store/types.ts';
import { iamArn } from '../../kernel/arns.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { uniqueId } from '../../kernel/ids.ts';
import { StoreConflictError } from '../../store/types.ts';
import { quotaExceeded } from '../errors.ts';
import { Kind } from '../kinds.ts';
import { pageOf } from '../paging.ts';
import { noSuchServerCertificate, serverCertificateExists } from './messages.ts';
import type { ServerCertificateData, ServerCertificateRecord } from './records.ts';
import { serverCertificateTags } from './server-certificate-tags.ts';
import { assertChainIssues, assertKeyMatches, assertNotExpired, parseCertificateBody, parsePrivateKey } from './x509.ts';
import { assertEntityPath, assertPathPrefix } from '../paths.ts';

/**
 * IAM server certificates (TLS certificates for load balancers and CloudFront): the
 * certificate, its chain and its private key. The key is checked against the certificate,
 * sealed at rest and never returned.
 */

export function serverCertificateArn(record: ServerCertificateRecord): string {
  return iamArn(record.accountId, 'server-certificate', record.path, record.name);
}

function metadata(record: ServerCertificateRecord): ServerCertificateMetadata {
  return {
    Path: record.path,
    ServerCertificateName: record.name,
    ServerCertificateId: record.id,
    Arn: serverCertificateArn(record),
    UploadDate: new Date(record.createdAt),
    Expiration: new Date(record.data.expiration),
  };
}

async function requireServerCertificate(tx: StoreTx, accountId: string, name: string): Promise<ServerCertificateRecord> {
  const record = await tx.getByName<ServerCertificateData>(accountId, Kind.serverCertificate, name);
  if (!record) throw noSuchServerCertificate(name);
  return record;
}

async function uploadServerCertificate(input: IamOperations['UploadServerCertificate']['input'], ctx: OperationContext) {
  assertEntityPath(input.Path);
  const accountId = ctx.principal.accountId;
  const now = ctx.clock.now();
  const certificate = parseCertificateBody(input.CertificateBody);
  assertNotExpired(certificate, now);
  assertKeyMatches(certificate, parsePrivateKey(input.PrivateKey));
  if (input.CertificateChain !== undefined) assertChainIssues(certificate, input.CertificateChain);
  const tags = serverCertificateTags.tagsForCreate(input.Tags, ctx);

  const id = uniqueId(ctx.random, 'ASCA');
  const data: ServerCertificateData = {
    certificateBody: input.CertificateBody.trim(),
    ...(input.CertificateChain !== undefined ? { certificateChain: input.CertificateChain.trim() } : {}),
    sealedPrivateKey: ctx.secrets.seal(input.PrivateKey, id),
    expiration: isoSeconds(new Date(certificate.validTo)),
    tags,
  };
  const record = await ctx.store.transaction(async (tx) => {
    if ((await tx.count(accountId, Kind.serverCertificate)) >= ctx.quotas.serverCertificatesPerAccount) {
      throw quotaExceeded('ServerCertificatesPerAccount', ctx.quotas.serverCertificatesPerAccount);
    }
    try {
      return await tx.insert<ServerCertificateData>({
        accountId, kind: Kind.serverCertificate, id, name: input.ServerCertificateName, parentId: '', path: input.Path ?? '/', data, createdAt: isoSeconds(now),
      });
    } catch (err) {
      if (err instanceof StoreConflictError) throw serverCertificateExists(input.ServerCertificateName);
      throw err;
    }
  });
  return { ServerCertificateMetadata: metadata(record), ...(tags.length > 0 ? { Tags: tags } : {}) };
}

async function getServerCertificate(input: IamOperations['GetServerCertificate']['input'], ctx: OperationContext) {
  const record = await requireServerCertificate(ctx.store, ctx.principal.accountId, input.ServerCertificateName);
  return {
    ServerCertificate: {
      ServerCertificateMetadata: metadata(record),
      CertificateBody: record.data.certificateBody,
      ...(record.data.certificateChain !== undefined ? { CertificateChain: record.data.certificateChain } : {}),
      ...(record.data.tags.length > 0 ? { Tags: record.data.tags } : {}),
    },
  };
}

async function listServerCertificates(input: IamOperations['ListServerCertificates']['input'], ctx: OperationContext) {
  assertPathPrefix(input.PathPrefix, 'entity');
  const page = await pageOf(
    (after, limit) => ctx.store.list<ServerCertificateData>(ctx.principal.accountId, Kind.serverCertificate, { parentId: '', pathPrefix: input.PathPrefix, after, limit }),
    (record) => record.name.toLowerCase(),
    input.Marker,
    input.MaxItems,
  );
  return { ServerCertificateMetadataList: page.items.map(metadata), IsTruncated: page.isTruncated, ...(page.marker ? { Marker: page.marker } : {}) };
}

async function updateServerCertificate(input: IamOperations['UpdateServerCertificate']['input'], ctx: OperationContext) {
  assertEntityPath(input.NewPath);
  await ctx.store.transaction(async (tx) => {
    const record = await requireServerCertificate(tx, ctx.principal.accountId, input.ServerCertificateName);
    const name = input.NewServerCertificateName ?? record.name;
    try {
      await tx.update({ ...record, name, path: input.NewPath ?? record.path });
    } catch (err) {
      if (err instanceof StoreConflictError) throw serverCertificateExists(name);
      throw err;
    }
  });
  return {};
}

async function deleteServerCertificate(input: IamOperations['DeleteServerCertificate']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const record = await requireServerCertificate(tx, ctx.principal.accountId, input.ServerCertificateName);
    await tx.delete(Kind.serverCertificate, record.id);
  });
  return {};
}

export const serverCertificateHandlers = {
  UploadServerCertificate: uploadServerCertificate,
  GetServerCertificate: getServerCertificate,
  ListServerCertificates: listServerCertificates,
  UpdateServerCertificate: updateServerCertificate,
  DeleteServerCertificate: deleteServerCertificate,
  ...serverCertificateTags.handlers,
} satisfies IamHandlerTable;
