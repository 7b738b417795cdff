import { serviceError } from '../protocol/errors.ts';

/**
 * IAM paths (`/`, `/division/team/`), checked where IAM checks them: a path must begin and end
 * with `/`, have no empty segment (`/a//b/` is refused), and use the characters its model
 * allows — printable ASCII for users, groups, roles, instance profiles, MFA devices and server
 * certificates; letters, digits and `.,+@=_-` for policies. Anything else gets IAM's own
 * ValidationError text (recorded answers for CreateUser and CreateVirtualMFADevice), not the
 * model's pattern message; lengths over 512 keep the model's message (models/patches.json).
 * Written as a character scan: no pattern runs on input.
 */

const MESSAGE = 'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.';

function invalidPath() {
  return serviceError('iam', 'ValidationError', MESSAGE);
}

function isEntityPathChar(ch: string): boolean {
  return ch >= '!' && ch <= '~';
}

const POLICY_PUNCTUATION = new Set(['.', ',', '+', '@', '=', '_', '-']);

function isPolicyPathChar(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || POLICY_PUNCTUATION.has(ch);
}

function isValidPath(path: string, allowed: (ch: string) => boolean): boolean {
  if (path === '/') return true;
  if (path.length < 3 || !path.startsWith('/') || !path.endsWith('/')) return false;
  let previousSlash = true;
  for (let i = 1; i < path.length; i++) {
    const ch = path[i]!;
    if (ch === '/') {
      if (previousSlash) return false;
      previousSlash = true;
    } else {
      if (!allowed(ch)) return false;
      previousSlash = false;
    }
  }
  return true;
}

/** Throws IAM's answer for an invalid user, group, role, instance profile, MFA device or server certificate path. */
export function assertEntityPath(path: string | undefined): void {
  if (path !== undefined && !isValidPath(path, isEntityPathChar)) throw invalidPath();
}

/** Throws IAM's answer for an invalid managed policy path. */
export function assertPolicyPath(path: string | undefined): void {
  if (path !== undefined && !isValidPath(path, isPolicyPathChar)) throw invalidPath();
}
