// Systems Manager. Parameters are named with or without a leading `/`; their ARN has none
// (`arn:aws:ssm:<region>:<account>:parameter/a/b`). Tagging calls name the resource by
// ResourceType and ResourceId.

import type { AlsoRule, ExpandedCheck, RuleContext, ServiceRules } from '../rules.ts';
import type { IdentifiedRequest } from '../identify.ts';
import { rolesInMembers } from '../passed-roles.ts';
import { strings } from '../resources.ts';
import { wholeList } from '../wire/limits.ts';

/**
 * Documents and automation definitions AWS owns have no account in their ARN
 * (`arn:aws:ssm:<region>::document/AWS-RunShellScript`): their names take the prefixes that
 * customers' documents cannot (`AWS`, `Amazon`, `amzn`; SSM API Reference, CreateDocument).
 */
const AWS_OWNED_DOCUMENT = /^(aws|amazon|amzn)/i;

function withoutAccount(arn: string): string {
  const parts = arn.split(':');
  parts[4] = '';
  return parts.join(':');
}

/** A document's ARN: one AWS owns has no account. */
function documentArn(name: string, context: RuleContext): string {
  return `arn:aws:ssm:${context.region}:${AWS_OWNED_DOCUMENT.test(name) ? '' : context.ownerAccountId}:document/${name}`;
}

/** An instance's ARN: `i-…` an EC2 instance, `mi-…` a managed instance. */
function instanceArn(id: string, context: RuleContext): string {
  return id.startsWith('mi-') ? `arn:aws:ssm:${context.region}:${context.ownerAccountId}:managed-instance/${id}` : `arn:aws:ec2:${context.region}:${context.ownerAccountId}:instance/${id}`;
}

/**
 * The instances a command or an association runs on: those it names (`InstanceIds`, an
 * association's `InstanceId`, or Targets made only of `InstanceIds` keys with explicit IDs),
 * each; instances chosen otherwise by Targets (tags, resource groups, `*`) are known only to the
 * upstream, and are checked as every instance of the account (`instance/*`). Empty when the
 * request names none.
 */
function instancesOf(ids: readonly string[], targets: unknown, context: RuleContext): string[] {
  if (ids.length > 0) return ids.map((id) => instanceArn(id, context));
  if (targets === undefined) return [];
  const named: string[] = [];
  const list = Array.isArray(targets) ? targets : [];
  for (const target of list) {
    const entry = typeof target === 'object' && target !== null ? (target as Record<string, unknown>) : {};
    const values = strings(entry['Values']);
    if (entry['Key'] !== 'InstanceIds' || values.length === 0 || values.some((id) => !/^m?i-[0-9a-zA-Z]+$/.test(id))) {
      return [`arn:aws:ec2:${context.region}:${context.ownerAccountId}:instance/*`];
    }
    named.push(...values);
  }
  return named.length > 0 ? named.map((id) => instanceArn(id, context)) : [`arn:aws:ec2:${context.region}:${context.ownerAccountId}:instance/*`];
}

/**
 * SendCommand is authorized on its document and on every instance it runs on (a policy must
 * grant both, as the SSM User Guide's examples do): see instancesOf.
 */
function sendCommandChecks(request: IdentifiedRequest, context: RuleContext): ExpandedCheck[] | undefined {
  const name = request.input.get('DocumentName');
  if (typeof name !== 'string' || name === '' || name.startsWith('arn:')) return undefined;
  const checks: ExpandedCheck[] = [{ action: 'SendCommand', resources: [documentArn(name, context)] }];
  const instances = instancesOf(strings(request.input.get('InstanceIds')), request.input.get('Targets'), context);
  if (instances.length > 0) checks.push({ action: 'SendCommand', resources: instances });
  return checks;
}

/**
 * An association (CreateAssociation, and each entry of CreateAssociationBatch) is authorized
 * like a command: on its document (`Name`, a name or a document ARN) and on each instance it
 * applies to (its `InstanceId`, or its Targets: see instancesOf).
 */
function associationChecks(action: string, entry: ReadonlyMap<string, unknown>, context: RuleContext): ExpandedCheck[] | undefined {
  const name = entry.get('Name');
  if (typeof name !== 'string' || name === '') return undefined;
  // A document ARN (a document shared from another account) is decided as written; any other ARN is not a document.
  if (name.startsWith('arn:') && !DOCUMENT_ARN.test(name)) return undefined;
  const document = name.startsWith('arn:') ? name : documentArn(name, context);
  const checks: ExpandedCheck[] = [{ action, resources: [document] }];
  const instanceId = entry.get('InstanceId');
  const instances = instancesOf(typeof instanceId === 'string' && instanceId !== '' ? [instanceId] : [], entry.get('Targets'), context);
  if (instances.length > 0) checks.push({ action, resources: instances });
  return checks;
}

/**
 * The target of a Session Manager session: an EC2 instance (`i-…`), a managed instance (`mi-…`),
 * or an ECS task (`ecs:<cluster>_<task>_<container>`, decided on every task: its task ARN is not
 * read from the target); undefined for anything else.
 */
function sessionTargetArn(target: string, context: RuleContext): string | undefined {
  if (/^m?i-[0-9a-zA-Z]+$/.test(target)) return instanceArn(target, context);
  if (target.startsWith('ecs:') && target.length > 4) return `arn:aws:ecs:${context.region}:${context.ownerAccountId}:task/*`;
  return undefined;
}

const DOCUMENT_ARN = /^arn:aws[\w-]*:ssm:[^:]*:[^:]*:document\/[^/]+$/;

/**
 * StartSession is authorized on its target and, when it names one, on its session document
 * (the Session Manager guide's policies grant both: `instance/<id>` and
 * `document/AWS-StartPortForwardingSession`). A policy must allow each.
 */
function startSessionChecks(request: IdentifiedRequest, context: RuleContext): ExpandedCheck[] | undefined {
  const target = request.input.get('Target');
  const targetArn = typeof target === 'string' ? sessionTargetArn(target, context) : undefined;
  if (targetArn === undefined) return undefined;
  const checks: ExpandedCheck[] = [{ action: 'StartSession', resources: [targetArn] }];
  const name = request.input.get('DocumentName');
  if (typeof name === 'string' && name !== '') {
    if (name.startsWith('arn:') && !DOCUMENT_ARN.test(name)) return undefined;
    checks.push({ action: 'StartSession', resources: [name.startsWith('arn:') ? name : documentArn(name, context)] });
  }
  return checks;
}

/** A further check on the instance an association call names beside its document or association (SAR: instance, managed-instance). */
function alsoAssociationInstance(action: string): AlsoRule {
  return {
    action,
    when: (request) => typeof request.input.get('InstanceId') === 'string' && request.input.get('InstanceId') !== '' && (request.input.get('Name') !== undefined || request.input.get('AssociationId') !== undefined),
    whenDoc: 'with an InstanceId beside Name or AssociationId',
    resource: (request, context) => [instanceArn(request.input.get('InstanceId') as string, context)],
    resourceDoc: 'the InstanceId instance',
  };
}

/** A further check on the maintenance window target or task the call names beside its window (SAR: both required). */
function alsoWindowPart(action: string, member: 'WindowTargetId' | 'WindowTaskId', type: 'windowtarget' | 'windowtask'): AlsoRule {
  return {
    action,
    resource: (request, context) => {
      const id = request.input.get(member);
      return typeof id === 'string' && id !== '' ? [`arn:aws:ssm:${context.region}:${context.ownerAccountId}:${type}/${id}`] : undefined;
    },
    resourceDoc: `the ${member} ${type}`,
  };
}

function createAssociationBatchChecks(request: IdentifiedRequest, context: RuleContext): ExpandedCheck[] | undefined {
  const entries = request.input.get('Entries');
  if (!Array.isArray(entries) || entries.length === 0) return undefined;
  const checks: ExpandedCheck[] = [];
  for (const entry of wholeList(entries, 'Entries')) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
    const each = associationChecks('CreateAssociationBatch', new Map(Object.entries(entry as Record<string, unknown>)), context);
    if (each === undefined) return undefined;
    checks.push(...each);
  }
  return checks;
}

// A whole ARN is matched as an ARN (arnMembers), never read as a name.
const parameterName = (value: string): Record<string, string> | undefined =>
  value.startsWith('arn:') ? undefined : { ParameterNameWithoutLeadingSlash: value.startsWith('/') ? value.slice(1) : value };

/**
 * A parameter named with a version or label selector (`/a/b:3`, `/a/b:prod`, or its ARN with
 * one): authorized on the parameter itself. Parameter names cannot hold `:` (SSM API
 * Reference, PutParameter), so the first `:` after the name starts the selector.
 */
export function withoutSelector(value: string): string {
  if (!value.startsWith('arn:')) return value.split(':', 1)[0]!;
  const at = value.indexOf(':parameter/');
  if (at < 0) return value;
  const colon = value.indexOf(':', at + ':parameter/'.length);
  return colon < 0 ? value : value.slice(0, colon);
}

/**
 * GetParameter, GetParameters, DeleteParameters: one check per name, each as its own request
 * (a name or a whole ARN, without its selector). Read as a list member, one ARN among the
 * names would be taken for the whole list — the others never checked.
 */
function perParameter(action: string, member: 'Name' | 'Names') {
  return perElement(action, member, 'Name', withoutSelector);
}

/** One check per element of a list member, each with that element alone as `as`. */
function perElement(action: string, member: string, as: string, read: (value: string) => string = (value) => value) {
  return (request: IdentifiedRequest): ExpandedCheck[] | undefined => {
    const values = strings(request.input.get(member), member);
    if (values.length === 0) return undefined;
    const rest = [...request.input].filter(([name]) => name !== member && name !== as);
    return values.map((value) => ({ action, input: new Map<string, unknown>([...rest, [as, read(value)]]) }));
  };
}

/**
 * GetParametersByPath on the path's ARN; the root path `/` is `…:parameter/` (stricter where
 * AWS does not say: only a policy on `parameter/*` or `*` grants it). A path ending in `/` is
 * decided as the path listed: the upstream reads it without its trailing slashes (`/a//` lists
 * `/a`, `//` the root), so the path as written would be another resource than the one listed.
 */
function byPath(request: IdentifiedRequest, context: RuleContext): ExpandedCheck[] | undefined {
  const path = request.input.get('Path');
  if (typeof path !== 'string' || path === '') return undefined;
  if (!path.endsWith('/')) return [{ action: 'GetParametersByPath' }];
  const listed = path.replace(/\/+$/, '').replace(/^\//, '');
  return [{ action: 'GetParametersByPath', resources: [`arn:aws:ssm:${context.region}:${context.ownerAccountId}:parameter/${listed}`] }];
}

/** AddTagsToResource and friends: ResourceId names a resource of ResourceType. */
const taggedAs = (type: string, variable: string, read?: (value: string) => Record<string, string> | undefined) => (value: string, input: ReadonlyMap<string, unknown>): Record<string, string> | undefined =>
  input.get('ResourceType') === type ? (read?.(value) ?? { [variable]: value }) : undefined;

export const SSM_RULES: ServiceRules = {
  passedRoles: (request) => rolesInMembers(request, ['ServiceRoleArn']),
  resources: {
    variables: {
      ParameterNameWithoutLeadingSlash: [
        { member: 'Name', read: parameterName },
        { member: 'Names', read: parameterName },
        { member: 'Path', read: parameterName },
        { member: 'ResourceId', read: taggedAs('Parameter', 'ParameterNameWithoutLeadingSlash', parameterName) },
      ],
      DocumentName: [{ member: 'Name' }, { member: 'CalendarNames' }, { member: 'ResourceId', read: taggedAs('Document', 'DocumentName') }],
      ResourceId: [
        { member: 'WindowId' },
        { member: 'BaselineId' },
        { member: 'OpsItemId' },
        { member: 'ResourceId', read: taggedAs('MaintenanceWindow', 'ResourceId') },
        { member: 'SettingId' },
      ],
      PatchBaselineIdResourceId: [{ member: 'BaselineId' }, { member: 'ResourceId', read: taggedAs('PatchBaseline', 'PatchBaselineIdResourceId') }],
      InstanceId: [{ member: 'InstanceId' }, { member: 'InstanceIds' }, { member: 'Target' }, { member: 'ResourceId', read: taggedAs('ManagedInstance', 'InstanceId') }],
      AssociationId: [{ member: 'AssociationId' }, { member: 'AssociationIds' }],
      AutomationExecutionId: [{ member: 'AutomationExecutionId' }, { member: 'ResourceId', read: taggedAs('Automation', 'AutomationExecutionId') }],
      SessionId: [{ member: 'SessionId' }],
      SyncName: [{ member: 'SyncName' }],
      WindowTargetId: [{ member: 'WindowTargetId' }],
      WindowTaskId: [{ member: 'WindowTaskId' }],
    },
    arnMembers: ['Name', 'Names', 'CalendarNames', 'ResourceId', 'ResourceArn', 'OpsMetadataArn'],
  },
  operations: {
    GetParameter: { expand: perParameter('GetParameter', 'Name'), expandDoc: 'ssm:GetParameter on the parameter (a `:version` or `:label` selector removed)' },
    GetParameters: { expand: perParameter('GetParameters', 'Names'), expandDoc: 'ssm:GetParameters on each parameter of Names (names or ARNs; selectors removed)' },
    DeleteParameters: { expand: perParameter('DeleteParameters', 'Names'), expandDoc: 'ssm:DeleteParameters on each parameter of Names (names or ARNs)' },
    GetParametersByPath: { expand: byPath, expandDoc: 'ssm:GetParametersByPath on the path (`/` → `…:parameter/`)' },
    // Calendars named by name or ARN, mixed: each is checked (see perParameter).
    GetCalendarState: { expand: perElement('GetCalendarState', 'CalendarNames', 'CalendarNames'), expandDoc: 'ssm:GetCalendarState on each document of CalendarNames (names or ARNs)' },
    SendCommand: { expand: sendCommandChecks, expandDoc: 'ssm:SendCommand on the document and on each instance of InstanceIds or of Targets made only of InstanceIds (instance/* for other Targets)' },
    CreateAssociation: {
      expand: (request, context) => associationChecks('CreateAssociation', request.input, context),
      expandDoc: 'ssm:CreateAssociation on the document (Name) and on its InstanceId or each instance of Targets made only of InstanceIds (instance/* for other Targets)',
    },
    StartSession: { expand: startSessionChecks, expandDoc: 'ssm:StartSession on its Target (instance/i-…, managed-instance/mi-…, an ECS target: task/*) and on its DocumentName document when given' },
    UpdateAssociationStatus: { also: [alsoAssociationInstance('UpdateAssociationStatus')] },
    DescribeAssociation: { also: [alsoAssociationInstance('DescribeAssociation')] },
    DeleteAssociation: { also: [alsoAssociationInstance('DeleteAssociation')] },
    DeregisterTargetFromMaintenanceWindow: { also: [alsoWindowPart('DeregisterTargetFromMaintenanceWindow', 'WindowTargetId', 'windowtarget')] },
    UpdateMaintenanceWindowTarget: { also: [alsoWindowPart('UpdateMaintenanceWindowTarget', 'WindowTargetId', 'windowtarget')] },
    DeregisterTaskFromMaintenanceWindow: { also: [alsoWindowPart('DeregisterTaskFromMaintenanceWindow', 'WindowTaskId', 'windowtask')] },
    UpdateMaintenanceWindowTask: { also: [alsoWindowPart('UpdateMaintenanceWindowTask', 'WindowTaskId', 'windowtask')] },
    UpdateManagedInstanceRole: {
      also: [{
        action: 'UpdateManagedInstanceRole',
        resource: (request, context) => {
          const role = request.input.get('IamRole');
          return typeof role === 'string' && role !== '' && !role.includes(':') ? [`arn:aws:iam::${context.ownerAccountId}:role/${role}`] : undefined;
        },
        resourceDoc: 'the IamRole role',
      }],
    },
    CreateAssociationBatch: {
      expand: createAssociationBatchChecks,
      expandDoc: 'ssm:CreateAssociationBatch on each entry\'s document and on its InstanceId or each instance of its Targets made only of InstanceIds (instance/* for other Targets)',
    },
  },
  // InstanceId fills both the EC2 instance and the managed instance formats: the ID says which.
  canonicalArn: (arn) => {
    const ec2 = /^arn:(aws[\w-]*):ec2:([^:]*):([^:]*):instance\/(mi-[0-9a-zA-Z]+)$/.exec(arn);
    if (ec2 !== null) return `arn:${ec2[1]}:ssm:${ec2[2]}:${ec2[3]}:managed-instance/${ec2[4]}`;
    const managed = /^arn:(aws[\w-]*):ssm:([^:]*):([^:]*):managed-instance\/(i-[0-9a-zA-Z]+)$/.exec(arn);
    if (managed !== null) return `arn:${managed[1]}:ec2:${managed[2]}:${managed[3]}:instance/${managed[4]}`;
    return undefined;
  },
  // A document or automation definition AWS owns is named without an account.
  authorizedAs: (check) => {
    if (check.named !== undefined || (check.resourceType !== 'document' && check.resourceType !== 'automation-definition')) return undefined;
    const name = check.arn.slice(check.arn.indexOf('/') + 1);
    return AWS_OWNED_DOCUMENT.test(name) ? withoutAccount(check.arn) : undefined;
  },
  refused: {
    CancelMaintenanceWindowExecution: 'a window execution id does not name the maintenance window it belongs to; only the upstream knows it',
    GetAccessToken: 'an access request id does not name the OpsItem it belongs to; only the upstream knows it',
    GetDefaultPatchBaseline: 'the default patch baseline is named by the upstream, not by the request',
    StartAccessRequest: 'its Targets select instances by tag or id in forms the gateway does not resolve to instance ARNs',
  },
  conditions: {
    // Systems Manager User Guide, "Preventing access to Parameter Store API operations": a Deny
    // on `StringEquals ssm:Policies "true"` refuses creating or updating a parameter "that
    // include[s] a parameter policy". The key says whether the request has one, not its text.
    'ssm:Policies': (request) => {
      const value = request.input.get('Policies');
      return typeof value === 'string' && value !== '' ? { 'ssm:Policies': 'true' } : undefined;
    },
  },
  policyHolders: () => undefined,
};
