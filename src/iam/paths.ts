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

/**
 * PathPrefix, checked where IAM checks it, against the pattern of its model shape, with IAM's
 * own text (AWS's answer quoted in aws/aws-cli#5860; models/patches.json drops the pattern
 * and the minimum so an empty prefix is answered here too, and keeps the 512 maximum):
 *   - `entity`: ListUsers, ListGroups, ListRoles, ListInstanceProfiles, ListServerCertificates
 *     (pathPrefixType: `/` then characters from `!` to DEL);
 *   - `policy`: ListPolicies and ListAttached{User,Group,Role}Policies (policyPathType: a
 *     whole policy path, trailing `/` included);
 *   - `holder`: ListEntitiesForPolicy (pathType: `/`, or `/`, printable ASCII, `/`).
 */
const PATH_PREFIX_MESSAGE = 'The specified value for pathPrefix is invalid. It must begin with the / character and contain only alphanumeric characters and/or / characters.';

export type PathPrefixShape = 'entity' | 'policy' | 'holder';

function isValidPathPrefix(prefix: string, shape: PathPrefixShape): boolean {
  if (shape === 'policy') return isValidPath(prefix, isPolicyPathChar);
  if (!prefix.startsWith('/')) return false;
  if (shape === 'holder' && prefix !== '/' && (prefix.length < 3 || !prefix.endsWith('/'))) return false;
  const last = shape === 'holder' ? prefix.length - 1 : prefix.length;
  for (let i = 1; i < last; i++) {
    const ch = prefix[i]!;
    if (ch < '!' || ch > (shape === 'entity' ? '\u007f' : '~')) return false;
  }
  return true;
}

/** Throws IAM's answer for a PathPrefix that its operation's model shape refuses. */
export function assertPathPrefix(prefix: string | undefined, shape: PathPrefixShape): void {
  if (prefix !== undefined && !isValidPathPrefix(prefix, shape)) throw serviceError('iam', 'ValidationError', PATH_PREFIX_MESSAGE);
}
