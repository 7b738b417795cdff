import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import type { SigningCertificate } from '../../protocol/generated/iam.ts';
import type { StoreTx } from '../../store/types.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { StoreConflictError } from '../../store/types.ts';
import { quotaExceeded } from '../errors.ts';
import { Kind } from '../kinds.ts';
import { pageOf } from '../paging.ts';
import { resolveTargetUser, type TargetUser } from '../user-lookup.ts';
import { derivedId } from './derived-ids.ts';
import { duplicateCertificate, noSuchSigningCertificate } from './messages.ts';
import { ownerId, settableStatus } from './owners.ts';
import type { SigningCertificateData, SigningCertificateRecord } from './records.ts';
import { certificateDigest, parseCertificateBody } from './x509.ts';

/**
 * X.509 signing certificates of IAM users (and of the root user, when it calls without a
 * UserName): at most two per user, one certificate in one place per account.
 */

function output(target: TargetUser, record: SigningCertificateRecord): SigningCertificate {
  return {
    // The root user has no name: as for its access keys, UserName is left out (the model marks it required).
    ...(target.kind === 'user' ? { UserName: target.record.name } : {}),
    CertificateId: record.id,
    CertificateBody: record.data.certificateBody,
    Status: record.data.status,
    UploadDate: new Date(record.createdAt),
  } as SigningCertificate;
}

async function requireCertificateOf(tx: StoreTx, ctx: OperationContext, target: TargetUser, id: string): Promise<SigningCertificateRecord> {
  const record = await tx.get<SigningCertificateData>(Kind.signingCertificate, id);
  if (!record || record.accountId !== ctx.principal.accountId || record.parentId !== ownerId(target)) throw noSuchSigningCertificate(id);
  return record;
}

async function uploadSigningCertificate(input: IamOperations['UploadSigningCertificate']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const certificate = parseCertificateBody(input.CertificateBody);
  // Derived from the account and the certificate: a second upload anywhere in the account
  // collides on the id (see derived-ids.ts).
  const id = derivedId('', 32, accountId, certificateDigest(certificate));
  return ctx.store.transaction(async (tx) => {
    const target = await resolveTargetUser(tx, ctx, input.UserName);
    const parentId = ownerId(target);
    if ((await tx.count(accountId, Kind.signingCertificate, { parentId })) >= ctx.quotas.signingCertificatesPerUser) {
      // AWS's quota name in this message is CertificatesPerUser (recorded answer).
      throw quotaExceeded('CertificatesPerUser', ctx.quotas.signingCertificatesPerUser);
    }
    try {
      const record = await tx.insert<SigningCertificateData>({
        accountId, kind: Kind.signingCertificate, id, name: id, parentId, path: '/',
        // Kept as uploaded, trailing newline and all: AWS returns the body it was given.
        data: { certificateBody: input.CertificateBody, status: 'Active' },
        createdAt: isoSeconds(ctx.clock.now()),
      });
      return { Certificate: output(target, record) };
    } catch (err) {
      if (err instanceof StoreConflictError) throw duplicateCertificate();
      throw err;
    }
  });
}

async function listSigningCertificates(input: IamOperations['ListSigningCertificates']['input'], ctx: OperationContext) {
  const target = await resolveTargetUser(ctx.store, ctx, input.UserName);
  const page = await pageOf(
    (after, limit) => ctx.store.list<SigningCertificateData>(ctx.principal.accountId, Kind.signingCertificate, { parentId: ownerId(target), after, limit }),
    (record) => record.name.toLowerCase(),
    input.Marker,
    input.MaxItems,
  );
  return { Certificates: page.items.map((record) => output(target, record)), IsTruncated: page.isTruncated, ...(page.marker ? { Marker: page.marker } : {}) };
}

async function updateSigningCertificate(input: IamOperations['UpdateSigningCertificate']['input'], ctx: OperationContext) {
  const status = settableStatus(input.Status);
  await ctx.store.transaction(async (tx) => {
    const target = await resolveTargetUser(tx, ctx, input.UserName);
    const record = await requireCertificateOf(tx, ctx, target, input.CertificateId);
    if (record.data.status !== status) await tx.update({ ...record, data: { ...record.data, status } });
  });
  return {};
}

async function deleteSigningCertificate(input: IamOperations['DeleteSigningCertificate']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const target = await resolveTargetUser(tx, ctx, input.UserName);
    const record = await requireCertificateOf(tx, ctx, target, input.CertificateId);
    await tx.delete(Kind.signingCertificate, record.id);
  });
  return {};
}

export const signingCertificateHandlers = {
  UploadSigningCertificate: uploadSigningCertificate,
  ListSigningCertificates: listSigningCertificates,
  UpdateSigningCertificate: updateSigningCertificate,
  DeleteSigningCertificate: deleteSigningCertificate,
} satisfies IamHandlerTable;
