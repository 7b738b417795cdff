/**
 * Time is injected everywhere (ARCHITECTURE: "no Date.now() in domain code") so tests can
 * freeze or move it. The server passes a system clock; tests pass a {@link FixedClock}.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to. */
export class FixedClock implements Clock {
  #time: number;
  constructor(start: Date | string) {
    this.#time = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#time);
  }
  advanceSeconds(seconds: number): void {
    this.#time += seconds * 1000;
  }
  set(time: Date | string): void {
    this.#time = new Date(time).getTime();
  }
}

/** AWS's timestamp form in XML and JSON bodies: second precision, UTC, `Z` suffix. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
