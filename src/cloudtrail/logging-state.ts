import { startingPeriod } from './digest-chain.ts';
import type { TrailData } from './trail-records.ts';

/** How StartLogging and StopLogging move a trail's delivery state (delivery.ts reads it). */

/**
 * StartLogging. A stop whose final delivery is still owed keeps its cursor (that delivery
 * takes the events up to the StopLogging event) and jumps afterwards; otherwise the cursor
 * jumps now. With validation on, a new digest chain starts now (delivery.ts).
 */
export function startedLogging(data: TrailData, now: Date, newest: number): TrailData {
  const base = { ...data, isLogging: true, startLoggingTime: now.toISOString() };
  if (data.finalDelivery) return { ...base, finalDelivery: { resumeAfter: Math.max(data.cursor, newest) } };
  const chainOpen = data.digestPeriod !== undefined || data.lastDigest !== undefined;
  return { ...base, cursor: Math.max(data.cursor, newest), ...(data.logFileValidationEnabled && !chainOpen ? { digestPeriod: startingPeriod(now) } : {}) };
}

/** StopLogging: the trail owes its last delivery, up to its StopLogging event, and its chain's final digest. */
export function stoppedLogging(data: TrailData, now: Date): TrailData {
  return { ...data, isLogging: false, stopLoggingTime: now.toISOString(), finalDelivery: data.finalDelivery ?? {} };
}

/**
 * DeleteTrail: a logging trail is stopped by its deletion and owes, as after StopLogging, its
 * last delivery — up to and including its DeleteTrail event — and its chain's closing digest.
 * A trail already stopped keeps what its stop owes (its range ends at that StopLogging event).
 */
export function deletedTrail(data: TrailData, arn: string, name: string, now: Date): TrailData {
  const stopped = data.isLogging ? stoppedLogging(data, now) : data;
  return { ...stopped, deleted: { arn, name, at: now.toISOString() } };
}

/** A trail that never logged has nothing to deliver or verify: its deletion leaves no record. */
export function everLogged(data: TrailData): boolean {
  return data.startLoggingTime !== undefined || data.isLogging;
}
