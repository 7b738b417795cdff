import type { Clock } from '../kernel/clock.ts';
import { TesseraApiError, type WorkloadCredentials } from './tessera-client.ts';

/**
 * A workload's current role credentials, as its metadata or credential endpoint hands them
 * out: the same credentials until they near their expiry, then new ones. EC2 makes new
 * credentials available at least five minutes before the old ones expire, and the SDKs
 * refresh theirs within five minutes of expiry; so new credentials are fetched once less
 * than a third of their lifetime, and never less than six minutes, is left. A failed refresh
 * keeps serving the old credentials while they last (and reports the failure); after that,
 * the failure is the answer.
 *
 * Credentials of each delivery version (EC2: 1.0 without an IMDSv2 token, 2.0 with one) are
 * kept apart, as the sessions differ in ec2:RoleDelivery.
 */
export type Delivery = '1.0' | '2.0' | undefined;
export type CredentialFetch = (delivery: Delivery) => Promise<WorkloadCredentials>;

export interface Held {
  credentials: WorkloadCredentials;
  /** When these credentials were fetched (IMDS's LastUpdated). */
  fetchedAt: Date;
}

export type CurrentCredentials = { ok: true; held: Held } | { ok: false; error: TesseraApiError };

const MIN_REFRESH_MARGIN_MS = 6 * 60_000;

export class RefreshingCredentials {
  readonly #fetch: CredentialFetch;
  readonly #clock: Clock;
  readonly #held = new Map<Delivery, Held>();
  readonly #inFlight = new Map<Delivery, Promise<CurrentCredentials>>();
  #lastError: TesseraApiError | undefined;
  #lastErrorAt: Date | undefined;

  constructor(fetch: CredentialFetch, clock: Clock) {
    this.#fetch = fetch;
    this.#clock = clock;
  }

  /** The last failure to get credentials, if the last attempt failed. */
  get lastFailure(): { error: TesseraApiError; at: Date } | undefined {
    return this.#lastError && this.#lastErrorAt ? { error: this.#lastError, at: this.#lastErrorAt } : undefined;
  }

  async current(delivery: Delivery): Promise<CurrentCredentials> {
    const held = this.#held.get(delivery);
    const now = this.#clock.now().getTime();
    if (held && !needsRefresh(held, now)) return { ok: true, held };
    let pending = this.#inFlight.get(delivery);
    if (!pending) {
      pending = this.#refresh(delivery).finally(() => this.#inFlight.delete(delivery));
      this.#inFlight.set(delivery, pending);
    }
    return pending;
  }

  async #refresh(delivery: Delivery): Promise<CurrentCredentials> {
    try {
      const credentials = await this.#fetch(delivery);
      const held = { credentials, fetchedAt: this.#clock.now() };
      this.#held.set(delivery, held);
      this.#lastError = undefined;
      return { ok: true, held };
    } catch (err) {
      const error = err instanceof TesseraApiError ? err : new TesseraApiError('InternalFailure', err instanceof Error ? err.message : String(err), 0);
      this.#lastError = error;
      this.#lastErrorAt = this.#clock.now();
      const old = this.#held.get(delivery);
      if (old && old.credentials.Expiration.getTime() > this.#clock.now().getTime()) return { ok: true, held: old };
      this.#held.delete(delivery);
      return { ok: false, error };
    }
  }
}

function needsRefresh(held: Held, now: number): boolean {
  const expires = held.credentials.Expiration.getTime();
  const lifetime = expires - held.fetchedAt.getTime();
  return expires - now < Math.max(MIN_REFRESH_MARGIN_MS, lifetime / 3);
}
