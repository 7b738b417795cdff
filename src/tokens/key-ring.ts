import type { Clock } from '../kernel/clock.ts';
import type { SecretSealer } from '../kernel/operation.ts';
import type { RandomSource } from '../kernel/random.ts';
import { StoreConflictError, type EntityRecord, type Store } from '../store/types.ts';
import { newTokenKeyId } from './key-id.ts';
import { TOKEN_KEY_BYTES, tokenKeyFromBytes, type KeyRingSnapshot, type TokenKey } from './token-key.ts';

/**
 * The session-token key ring, kept in the store so every node shares it.
 *
 * Each key is a global record (kind 'token-key', account ''), its 32 bytes sealed at rest
 * with the server's SecretSealer under the key ID as context. Its name is its generation
 * (`generation-1`, `generation-2`, …): when two nodes create the first key, or rotate, at
 * the same moment, both try to insert the same name, the store's uniqueness lets exactly one
 * win, and the other adopts the winner's key. So the ring never forks.
 *
 * Lifecycle of a key: it seals new tokens while it is the newest and younger than
 * `rotateAfter`; it keeps opening tokens until it is older than
 * `rotateAfter + maxTokenLifetime` (+ a grace for clock skew between nodes), after which no
 * token it sealed can still be valid, and retire() deletes it.
 */

export const TOKEN_KEY_KIND = 'token-key';

/** What a token-key record holds. */
export interface TokenKeyData {
  generation: number;
  /** base64url of the 32 key bytes, sealed by SecretSealer with the key ID as context. */
  sealedSecret: string;
}

export interface TokenKeyRingDeps {
  store: Store;
  secrets: SecretSealer;
  clock: Clock;
  random: RandomSource;
}

export interface TokenKeyRingOptions {
  /** Age at which the newest key stops sealing and a new one is made. Default 24 hours. */
  rotateAfterSeconds?: number;
  /** The longest a token can live: 129,600 s (36 h), STS's longest session, by default. */
  maxTokenLifetimeSeconds?: number;
  /**
   * Extra time before a key is retired, for clock skew between nodes: a node whose clock runs
   * ahead would otherwise delete a key while a slower node still accepts its tokens.
   * Default 300 s.
   */
  retireGraceSeconds?: number;
  /** At most one re-read per this interval when tokens name unknown keys. Default 1 s. */
  minRefreshIntervalSeconds?: number;
}

const DAY_SECONDS = 24 * 60 * 60;
const LIST_PAGE = 100;
const CREATE_ATTEMPTS = 3;

function generationName(generation: number): string {
  return `generation-${generation}`;
}

function seconds(value: number | undefined, fallback: number, name: string, allowZero: boolean): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result < 0 || (!allowZero && result === 0)) {
    throw new RangeError(`TokenKeyRing: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number of seconds`);
  }
  return result * 1000;
}

function isNewer(a: TokenKey, b: TokenKey): boolean {
  if (a.generation !== b.generation) return a.generation > b.generation;
  if (a.createdAt !== b.createdAt) return Date.parse(a.createdAt) > Date.parse(b.createdAt);
  return a.id > b.id;
}

export class TokenKeyRing {
  readonly #deps: TokenKeyRingDeps;
  readonly #rotateAfterMs: number;
  readonly #retireAfterMs: number;
  readonly #minRefreshIntervalMs: number;

  #keys: KeyRingSnapshot = new Map();
  #newest: TokenKey | undefined;
  /** Reads may overlap; only a result newer than the one applied replaces it. */
  #readsStarted = 0;
  #readApplied = 0;
  #reading: Promise<void> | undefined;
  #rotating: Promise<void> | undefined;
  #lastUnknownKeyRefresh = Number.NEGATIVE_INFINITY;

  constructor(deps: TokenKeyRingDeps, options: TokenKeyRingOptions = {}) {
    this.#deps = deps;
    this.#rotateAfterMs = seconds(options.rotateAfterSeconds, DAY_SECONDS, 'rotateAfterSeconds', false);
    this.#retireAfterMs =
      this.#rotateAfterMs +
      seconds(options.maxTokenLifetimeSeconds, 129_600, 'maxTokenLifetimeSeconds', false) +
      seconds(options.retireGraceSeconds, 300, 'retireGraceSeconds', true);
    this.#minRefreshIntervalMs = seconds(options.minRefreshIntervalSeconds, 1, 'minRefreshIntervalSeconds', true);
  }

  /** Reads the ring from the store, creating its first key if there is none. */
  async load(): Promise<void> {
    await this.refresh();
    if (this.#newest === undefined) await this.#createAfter(0);
  }

  /** The key to seal new tokens with: the newest, after rotating if it is older than rotateAfter. */
  async current(): Promise<TokenKey> {
    if (this.#newest === undefined) await this.load();
    if (this.#isDueForRotation(this.#newest!)) {
      this.#rotating ??= this.#rotate().finally(() => {
        this.#rotating = undefined;
      });
      await this.#rotating;
    }
    return this.#newest!;
  }

  /** The keys this node holds, for openSession. Synchronous: no store read. */
  snapshot(): KeyRingSnapshot {
    return this.#keys;
  }

  /** Re-reads the ring from the store (keys made or retired by other nodes). */
  refresh(): Promise<void> {
    const read = ++this.#readsStarted;
    const reading = this.#readKeys().then((keys) => {
      if (read > this.#readApplied) {
        this.#readApplied = read;
        this.#apply(keys);
      }
    });
    this.#reading = reading;
    const settle = () => {
      if (this.#reading === reading) this.#reading = undefined;
    };
    reading.then(settle, settle);
    return reading;
  }

  /**
   * For a token naming a key this node does not hold: re-reads the ring, unless it was
   * re-read for that reason less than `minRefreshInterval` ago, so tokens with made-up key
   * IDs cannot turn into a flood of store reads. A read already under way is joined rather
   * than skipped: a burst of tokens from a key another node just made all wait for it.
   * Resolves to whether the ring was re-read.
   */
  async refreshForUnknownKey(): Promise<boolean> {
    if (this.#reading !== undefined) {
      await this.#reading;
      return true;
    }
    const now = this.#deps.clock.now().getTime();
    if (now - this.#lastUnknownKeyRefresh < this.#minRefreshIntervalMs) return false;
    this.#lastUnknownKeyRefresh = now;
    await this.refresh();
    return true;
  }

  /**
   * Deletes the keys older than rotateAfter + maxTokenLifetime (+ grace): no token they
   * sealed can still be valid. The newest key is never deleted, however old. Returns the IDs
   * of the keys deleted.
   */
  async retire(): Promise<string[]> {
    await this.refresh();
    const now = this.#deps.clock.now().getTime();
    const retired: string[] = [];
    for (const key of this.#keys.values()) {
      if (key === this.#newest || now - Date.parse(key.createdAt) < this.#retireAfterMs) continue;
      // Another node retiring at the same time may have deleted it first: either way it is gone.
      await this.#deps.store.delete(TOKEN_KEY_KIND, key.id);
      retired.push(key.id);
    }
    if (retired.length > 0) await this.refresh();
    return retired;
  }

  #isDueForRotation(key: TokenKey): boolean {
    return this.#deps.clock.now().getTime() - Date.parse(key.createdAt) >= this.#rotateAfterMs;
  }

  async #rotate(): Promise<void> {
    // Another node may have rotated already: then its key is the one to use.
    await this.refresh();
    const newest = this.#newest;
    if (newest !== undefined && !this.#isDueForRotation(newest)) return;
    await this.#createAfter(newest?.generation ?? 0);
  }

  /** Inserts the key of generation `generation + 1`, or adopts the one another node inserted first. */
  async #createAfter(generation: number): Promise<void> {
    const { store, secrets, clock, random } = this.#deps;
    for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      const id = newTokenKeyId(random);
      const bytes = random.bytes(TOKEN_KEY_BYTES);
      try {
        await store.insert<TokenKeyData>({
          accountId: '',
          kind: TOKEN_KEY_KIND,
          id,
          name: generationName(generation + 1),
          parentId: '',
          path: '/',
          data: { generation: generation + 1, sealedSecret: secrets.seal(Buffer.from(bytes).toString('base64url'), id) },
          createdAt: clock.now().toISOString(),
        });
      } catch (err) {
        // A clash on the name: another node made this generation (adopted below). A clash on
        // the random ID: the next attempt draws another.
        if (!(err instanceof StoreConflictError)) throw err;
      } finally {
        bytes.fill(0);
      }
      await this.refresh();
      if ((this.#newest?.generation ?? 0) > generation) return;
    }
    throw new Error(`TokenKeyRing: could not create token key generation ${generation + 1}`);
  }

  async #readKeys(): Promise<TokenKey[]> {
    const records: EntityRecord<TokenKeyData>[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.#deps.store.list<TokenKeyData>('', TOKEN_KEY_KIND, { parentId: '', limit: LIST_PAGE, ...(after === undefined ? {} : { after }) });
      records.push(...page);
      if (page.length < LIST_PAGE) break;
      after = page[page.length - 1]!.name.toLowerCase();
    }
    return records.map((record) => this.#keys.get(record.id) ?? this.#openRecord(record));
  }

  #openRecord(record: EntityRecord<TokenKeyData>): TokenKey {
    const { generation, sealedSecret } = (record.data ?? {}) as Partial<TokenKeyData>;
    if (!Number.isSafeInteger(generation) || typeof sealedSecret !== 'string') {
      throw new Error(`TokenKeyRing: token key ${record.id} in the store is not a token key record`);
    }
    // Throws if the master key is not the one the key was sealed with: every token would
    // fail, so it must stop the node loudly rather than make it refuse tokens silently.
    const bytes = Buffer.from(this.#deps.secrets.open(sealedSecret, record.id), 'base64url');
    try {
      if (bytes.length !== TOKEN_KEY_BYTES) throw new Error(`TokenKeyRing: token key ${record.id} in the store has the wrong length`);
      return tokenKeyFromBytes({ id: record.id, generation: generation!, createdAt: record.createdAt }, bytes);
    } finally {
      bytes.fill(0);
    }
  }

  #apply(keys: readonly TokenKey[]): void {
    const byId = new Map<string, TokenKey>();
    let newest: TokenKey | undefined;
    for (const key of keys) {
      byId.set(key.id, key);
      if (newest === undefined || isNewer(key, newest)) newest = key;
    }
    this.#keys = byId;
    this.#newest = newest;
  }
}
