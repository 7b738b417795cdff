import { durationExceedsChainingLimit, durationExceedsRoleMaximum } from './errors.ts';

/**
 * How long temporary credentials last, by AWS's rules (the model already bounds each
 * DurationSeconds: 900–43,200 for AssumeRole, 900–129,600 for GetSessionToken and
 * GetFederationToken).
 */

/** AssumeRole's default: one hour. */
export const DEFAULT_ROLE_SESSION_SECONDS = 3600;
/** Role chaining (a role session assuming a role) is capped at one hour. */
export const ROLE_CHAINING_MAX_SECONDS = 3600;
/** GetSessionToken's and GetFederationToken's default: twelve hours. */
export const DEFAULT_USER_SESSION_SECONDS = 43_200;
/** Sessions of the root user last at most one hour; a longer request is cut to an hour, not refused. */
export const ROOT_SESSION_MAX_SECONDS = 3600;

/**
 * AssumeRole: up to the role's MaxSessionDuration, and up to an hour when chained. A request
 * over either limit is refused (never silently shortened).
 */
export function assumeRoleDuration(requested: number | undefined, roleMaximum: number, chained: boolean): number {
  const duration = requested ?? DEFAULT_ROLE_SESSION_SECONDS;
  if (duration > roleMaximum) throw durationExceedsRoleMaximum();
  if (chained && duration > ROLE_CHAINING_MAX_SECONDS) throw durationExceedsChainingLimit();
  return duration;
}

/** GetSessionToken / GetFederationToken: the default, or what was asked; root capped at an hour. */
export function userSessionDuration(requested: number | undefined, root: boolean): number {
  const duration = requested ?? DEFAULT_USER_SESSION_SECONDS;
  return root ? Math.min(duration, ROOT_SESSION_MAX_SECONDS) : duration;
}

/**
 * A session's length, cut short so that it ends no later than `notAfter` (a SAML session's
 * SessionNotOnOrAfter — AWS: "whichever is shorter"), in whole seconds: it may then be shorter
 * than the usual 900-second minimum.
 */
export function durationUntil(durationSeconds: number, notAfter: Date | undefined, now: Date): number {
  if (notAfter === undefined) return durationSeconds;
  return Math.min(durationSeconds, Math.floor((notAfter.getTime() - now.getTime()) / 1000));
}
