// Which account owns a bucket. S3 ARNs name no account, and a bucket's name is global, so the
// gateway keeps a table of bucket → owning account: written when a CreateBucket passes through
// Tessera (and removed by a DeleteBucket), and otherwise discovered once from the upstream —
// the bucket is the account's that lists it (ListBuckets as the caller's account, then as the
// default account). A bucket that exists upstream but that neither lists is refused: deciding
// it as the caller's would let an identity policy alone open another account's bucket.

export interface BucketOwnerTable {
  get(bucket: string): Promise<string | undefined>;
  put(bucket: string, accountId: string): Promise<void>;
  delete(bucket: string): Promise<void>;
}

/** The upstream's view: the buckets an account lists, and whether a bucket exists at all. */
export interface BucketDiscovery {
  listBuckets(accountId: string): Promise<readonly string[]>;
  exists(bucket: string, accountId: string): Promise<boolean>;
}

export type BucketOwner =
  /** Owned by `accountId` (recorded, or found upstream and now recorded). */
  | { kind: 'owned'; accountId: string }
  /** No such bucket upstream: decided in the caller's account (CreateBucket; otherwise the upstream answers NoSuchBucket). */
  | { kind: 'absent' }
  /** It exists upstream, but no account Tessera asked lists it. */
  | { kind: 'unknown' };

export class BucketOwners {
  readonly #table: BucketOwnerTable;
  readonly #discovery: BucketDiscovery;
  readonly #defaultAccount: () => string;
  /** Recent answers, by bucket: the table is read once per bucket per `ttlMs`. */
  readonly #recent = new Map<string, { owner: BucketOwner; expires: number }>();
  readonly #now: () => number;
  readonly #ttlMs: number;

  constructor(options: { table: BucketOwnerTable; discovery: BucketDiscovery; defaultAccount: () => string; now: () => number; ttlMs?: number }) {
    this.#table = options.table;
    this.#discovery = options.discovery;
    this.#defaultAccount = options.defaultAccount;
    this.#now = options.now;
    this.#ttlMs = options.ttlMs ?? 5_000;
  }

  async ownerOf(bucket: string, callerAccount: string): Promise<BucketOwner> {
    const recent = this.#recent.get(bucket);
    if (recent !== undefined && recent.expires > this.#now()) return recent.owner;
    const owner = await this.#find(bucket, callerAccount);
    // Absence is not remembered: the next CreateBucket may make the bucket.
    if (owner.kind !== 'absent') this.#remember(bucket, owner);
    return owner;
  }

  /** A CreateBucket passed through Tessera and the upstream made the bucket. */
  async created(bucket: string, accountId: string): Promise<void> {
    await this.#table.put(bucket, accountId);
    this.#remember(bucket, { kind: 'owned', accountId });
  }

  /** Another worker created or deleted the bucket: read its owner again when next asked. */
  forget(bucket: string): void {
    this.#recent.delete(bucket);
  }

  /** A DeleteBucket passed through Tessera and the upstream deleted it. */
  async deleted(bucket: string): Promise<void> {
    this.#recent.delete(bucket);
    await this.#table.delete(bucket);
  }

  async #find(bucket: string, callerAccount: string): Promise<BucketOwner> {
    // A name no bucket can have (a NUL, a lone surrogate, over S3's 255 characters) names none:
    // not looked up (the table cannot hold such text).
    if (bucket.length > 255 || bucket.includes('\0') || !bucket.isWellFormed()) return { kind: 'absent' };
    const recorded = await this.#table.get(bucket);
    if (recorded !== undefined) return { kind: 'owned', accountId: recorded };
    const candidates = [...new Set([callerAccount, this.#defaultAccount()].filter((account) => account !== ''))];
    for (const account of candidates) {
      if ((await this.#discovery.listBuckets(account)).includes(bucket)) {
        await this.#table.put(bucket, account);
        return { kind: 'owned', accountId: account };
      }
    }
    return (await this.#discovery.exists(bucket, candidates[0] ?? this.#defaultAccount())) ? { kind: 'unknown' } : { kind: 'absent' };
  }

  #remember(bucket: string, owner: BucketOwner): void {
    if (this.#recent.size >= 10_000) this.#recent.delete(this.#recent.keys().next().value as string);
    this.#recent.set(bucket, { owner, expires: this.#now() + this.#ttlMs });
  }
}
