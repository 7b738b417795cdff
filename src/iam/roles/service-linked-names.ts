import { readFileSync } from 'node:fs';

/**
 * Names of service-linked roles. AWS names each one `AWSServiceRoleFor<Suffix>` under the path
 * `/aws-service-role/<service principal>/`, attaches the service's AWS managed policy under
 * `aws-service-role/`, and accepts a caller's CustomSuffix (appended after `_`) only for some
 * services. The services AWS documents are data (service-linked-roles.json, each entry citing
 * its page); any other service principal gets a name made from its first DNS label
 * (`devops-guru` → `DevopsGuru`), no policy, and accepts a CustomSuffix — a choice
 * written down in docs/service-linked-roles.md.
 */

export interface ServiceLinkedRoleSpec {
  readonly servicePrincipal: string;
  readonly roleName: string;
  /** Name of the AWS managed policy under /aws-service-role/, or null when the service documents none. */
  readonly managedPolicy: string | null;
  readonly customSuffix: boolean;
  readonly description?: string;
  readonly source: { readonly document: string; readonly quote: string; readonly note?: string };
}

const DATA = JSON.parse(readFileSync(new URL('./service-linked-roles.json', import.meta.url), 'utf8')) as { services: ServiceLinkedRoleSpec[] };

const BY_PRINCIPAL: ReadonlyMap<string, ServiceLinkedRoleSpec> = new Map(DATA.services.map((s) => [s.servicePrincipal, s]));

/** Every documented service, in principal order. */
export const DOCUMENTED_SERVICE_LINKED_ROLES: readonly ServiceLinkedRoleSpec[] = DATA.services;

const SERVICE_PRINCIPAL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.amazonaws\.com$/;

export function isServicePrincipal(name: string): boolean {
  return SERVICE_PRINCIPAL.test(name);
}

/**
 * The path every service-linked role lives under. Only CreateServiceLinkedRole may create a
 * role there: CreateRole refuses it (errors.ts, servicePathReserved), because a role under it
 * is treated as service-linked wherever that matters (SCP / RCP exemption, protected role).
 */
export const SERVICE_LINKED_ROLE_PATH_PREFIX = '/aws-service-role/';

export function serviceLinkedRolePath(serviceName: string): string {
  return `${SERVICE_LINKED_ROLE_PATH_PREFIX}${serviceName}/`;
}

/**
 * Whether CreateRole must refuse this path: it begins with `/aws-service-role/`, compared
 * literally. IAM paths are case sensitive, and so is every place that treats a role as
 * service-linked (a role ARN whose resource begins `role/aws-service-role/`), so
 * `/AWS-Service-Role/` is an ordinary path: refusing it would refuse what AWS accepts, and
 * accepting it grants nothing. No other spelling reaches the prefix: a valid path has no
 * empty segment, and IAM does not resolve `.` or `..` or decode `%2F` in paths.
 */
export function isServiceLinkedRolePathPrefix(path: string): boolean {
  return path.startsWith(SERVICE_LINKED_ROLE_PATH_PREFIX);
}

/** The documented role of a service principal, if AWS documents one. */
export function documentedServiceLinkedRole(serviceName: string): ServiceLinkedRoleSpec | undefined {
  return BY_PRINCIPAL.get(serviceName);
}

export type ServiceLinkedRoleName =
  | { ok: true; name: string }
  | { ok: false; reason: 'custom-suffix-not-allowed' };

/** The role name for a service principal (already checked with {@link isServicePrincipal}). */
export function serviceLinkedRoleName(serviceName: string, customSuffix: string | undefined): ServiceLinkedRoleName {
  const known = BY_PRINCIPAL.get(serviceName);
  const base = known?.roleName ?? `AWSServiceRoleFor${suffixFromLabel(serviceName)}`;
  if (customSuffix === undefined) return { ok: true, name: base };
  if (known && !known.customSuffix) return { ok: false, reason: 'custom-suffix-not-allowed' };
  return { ok: true, name: `${base}_${customSuffix}` };
}

/** The ARN of the AWS managed policy IAM attaches to the service's role, if it documents one. */
export function serviceLinkedRolePolicyArn(serviceName: string): string | undefined {
  const policy = BY_PRINCIPAL.get(serviceName)?.managedPolicy;
  return policy ? `arn:aws:iam::aws:policy/aws-service-role/${policy}` : undefined;
}

function suffixFromLabel(serviceName: string): string {
  const label = serviceName.slice(0, serviceName.indexOf('.'));
  return label
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The trust policy of a service-linked role: only its service may assume it. */
export function serviceLinkedTrustPolicy(serviceName: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: serviceName }, Action: 'sts:AssumeRole' }],
  });
}
