import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import type { PolicyVersion } from '../../protocol/generated/iam.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { Kind } from '../kinds.ts';
import { pageArray } from '../paging.ts';
import { assertValidIdentityPolicy, encodePolicyDocument } from './document.ts';
import { defaultVersionUndeletable, policyVersionNotFound, tooManyVersions } from './errors.ts';
import { preloadManagedPolicy, requireCustomerPolicy, requireManagedPolicy } from './lookup.ts';
import { policyVersionId, type PolicyVersionData } from './records.ts';
import { allVersions, findVersion, newestFirstKey } from './versions-store.ts';

/**
 * Managed policy versions: CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions,
 * DeletePolicyVersion, SetDefaultPolicyVersion. A customer managed policy keeps at most five
 * versions; version IDs count up and are never reused. AWS managed policies can be read
 * (every version the catalog knows) but not changed.
 */

const MAX_VERSIONS = 5;

async function createPolicyVersion(input: IamOperations['CreatePolicyVersion']['input'], ctx: OperationContext) {
  assertValidIdentityPolicy(input.PolicyDocument, { managed: true });
  await preloadManagedPolicy(input.PolicyArn);
  const createdAt = isoSeconds(ctx.clock.now());
  return ctx.store.transaction(async (tx) => {
    const { record } = await requireCustomerPolicy(tx, ctx.principal.accountId, input.PolicyArn);
    if ((await tx.count(record.accountId, Kind.policyVersion, { parentId: record.id })) >= MAX_VERSIONS) throw tooManyVersions();
    const number = record.data.lastVersionNumber + 1;
    const versionId = `v${number}`;
    await tx.insert<PolicyVersionData>({
      accountId: record.accountId,
      kind: Kind.policyVersion,
      id: policyVersionId(record.id, versionId),
      name: versionId,
      parentId: record.id,
      path: '/',
      data: { document: input.PolicyDocument },
      createdAt,
    });
    const asDefault = input.SetAsDefault === true;
    await tx.update({
      ...record,
      data: {
        ...record.data,
        lastVersionNumber: number,
        updatedAt: createdAt,
        ...(asDefault ? { defaultVersionId: versionId, document: input.PolicyDocument } : {}),
      },
    });
    // AWS's response leaves the document out.
    return { PolicyVersion: { VersionId: versionId, IsDefaultVersion: asDefault, CreateDate: new Date(createdAt) } };
  });
}

async function getPolicyVersion(input: IamOperations['GetPolicyVersion']['input'], ctx: OperationContext) {
  await preloadManagedPolicy(input.PolicyArn);
  const found = await ctx.store.transaction(async (tx) => {
    const ref = await requireManagedPolicy(tx, ctx.principal.accountId, input.PolicyArn);
    if (ref.source === 'aws') return { aws: ref, PolicyVersion: undefined };
    const version = await findVersion(tx, ref.record, input.VersionId);
    if (!version) throw policyVersionNotFound(ref.arn, input.VersionId);
    return { aws: undefined, PolicyVersion: versionOutput(version.name, version.name === ref.record.data.defaultVersionId, version.createdAt, version.data.document) };
  });
  if (found.aws === undefined) return { PolicyVersion: found.PolicyVersion };
  // An AWS managed policy's older document may need the package's full data (read once, in
  // seconds): after the transaction, so that read never holds it open.
  const ref = found.aws;
  const version = ref.policy.versions.find((v) => v.id === input.VersionId);
  const document = version ? await ref.catalog.document(ref.policy, version.id) : undefined;
  if (!version || document === undefined) throw policyVersionNotFound(ref.arn, input.VersionId);
  return { PolicyVersion: versionOutput(version.id, version.id === ref.policy.defaultVersionId, version.createDate, document) };
}

function versionOutput(versionId: string, isDefault: boolean, createdAt: string, document?: string): PolicyVersion {
  return {
    ...(document !== undefined ? { Document: encodePolicyDocument(document) } : {}),
    VersionId: versionId,
    IsDefaultVersion: isDefault,
    CreateDate: new Date(createdAt),
  };
}

/** Newest first, without documents, as AWS lists them. */
async function listPolicyVersions(input: IamOperations['ListPolicyVersions']['input'], ctx: OperationContext) {
  await preloadManagedPolicy(input.PolicyArn);
  const versions = await ctx.store.transaction(async (tx) => {
    const ref = await requireManagedPolicy(tx, ctx.principal.accountId, input.PolicyArn);
    if (ref.source === 'aws') {
      return ref.policy.versions.map((v) => versionOutput(v.id, v.id === ref.policy.defaultVersionId, v.createDate));
    }
    return (await allVersions(tx, ref.record)).map((v) => versionOutput(v.name, v.name === ref.record.data.defaultVersionId, v.createdAt));
  });
  const page = pageArray(versions, (v) => newestFirstKey(v.VersionId!), input.Marker, input.MaxItems);
  return { Versions: page.items, IsTruncated: page.isTruncated, ...(page.marker ? { Marker: page.marker } : {}) };
}

async function deletePolicyVersion(input: IamOperations['DeletePolicyVersion']['input'], ctx: OperationContext) {
  await preloadManagedPolicy(input.PolicyArn);
  await ctx.store.transaction(async (tx) => {
    const { arn, record } = await requireCustomerPolicy(tx, ctx.principal.accountId, input.PolicyArn);
    const version = await findVersion(tx, record, input.VersionId);
    if (!version) throw policyVersionNotFound(arn, input.VersionId);
    if (version.name === record.data.defaultVersionId) throw defaultVersionUndeletable();
    await tx.delete(Kind.policyVersion, version.id);
  });
  return {};
}

async function setDefaultPolicyVersion(input: IamOperations['SetDefaultPolicyVersion']['input'], ctx: OperationContext) {
  await preloadManagedPolicy(input.PolicyArn);
  await ctx.store.transaction(async (tx) => {
    const { arn, record } = await requireCustomerPolicy(tx, ctx.principal.accountId, input.PolicyArn);
    const version = await findVersion(tx, record, input.VersionId);
    if (!version) throw policyVersionNotFound(arn, input.VersionId);
    if (version.name === record.data.defaultVersionId) return;
    await tx.update({ ...record, data: { ...record.data, defaultVersionId: version.name, document: version.data.document } });
  });
  return {};
}

export const policyVersionHandlers = {
  CreatePolicyVersion: createPolicyVersion,
  GetPolicyVersion: getPolicyVersion,
  ListPolicyVersions: listPolicyVersions,
  DeletePolicyVersion: deletePolicyVersion,
  SetDefaultPolicyVersion: setDefaultPolicyVersion,
} satisfies IamHandlerTable;
