// Systems Manager. Parameters are named with or without a leading `/`; their ARN has none
// (`arn:aws:ssm:<region>:<account>:parameter/a/b`). Tagging calls name the resource by
// ResourceType and ResourceId.

import type { ServiceRules } from '../rules.ts';
import { rolesInMembers } from '../passed-roles.ts';

const parameterName = (value: string): Record<string, string> => ({ ParameterNameWithoutLeadingSlash: value.startsWith('/') ? value.slice(1) : value });

/** AddTagsToResource and friends: ResourceId names a resource of ResourceType. */
const taggedAs = (type: string, variable: string, read?: (value: string) => Record<string, string>) => (value: string, input: ReadonlyMap<string, unknown>): Record<string, string> | undefined =>
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
  operations: {},
  refused: {
    CancelMaintenanceWindowExecution: 'a window execution id does not name the maintenance window it belongs to; only the upstream knows it',
    CreateAssociationBatch: 'each entry of the batch names its own document and targets; the gateway authorizes CreateAssociation one at a time',
    GetAccessToken: 'an access request id does not name the OpsItem it belongs to; only the upstream knows it',
    GetDefaultPatchBaseline: 'the default patch baseline is named by the upstream, not by the request',
    StartAccessRequest: 'its Targets select instances by tag or id in forms the gateway does not resolve to instance ARNs',
  },
  conditions: {},
  policyHolders: () => undefined,
};
