import type { ContextValue } from '../../policy/index.ts';
import type { SecretSealer } from '../../kernel/operation.ts';
import type { Principal } from '../../kernel/principal.ts';
import type { WorkloadCaller } from '../../kernel/workload.ts';
import { expiredGrant, invalidGrant, invalidParameter } from './errors.ts';
import { openGrant } from './grant-seal.ts';

/**
 * Authentication of GetWorkloadCredentials: the sealed grant in the request is the proof. An
 * opened, current grant makes the caller the AWS service it names (ec2.amazonaws.com,
 * ecs-tasks.amazonaws.com) acting for that one workload, with the condition keys AWS sets
 * when a service assumes a role for a resource: aws:SourceAccount, aws:SourceArn (the
 * instance's or task's ARN), aws:PrincipalIsAWSService, and for an instance
 * ec2:SourceInstanceARN and ec2:RoleDelivery (2.0 for credentials fetched with an IMDSv2
 * token; 1.0 without one, which an instance that requires tokens never delivers).
 */
export function workloadPrincipal(secrets: SecretSealer, input: Record<string, unknown>, now: Date): Principal {
  const opened = openGrant(secrets, typeof input['Grant'] === 'string' ? input['Grant'] : '', now);
  if (!opened.ok) throw opened.reason === 'expired' ? expiredGrant() : invalidGrant();
  const { grant } = opened;
  const asked = input['RoleDelivery'] as '1.0' | '2.0' | undefined;
  const context: Record<string, ContextValue> = {
    'aws:SourceAccount': grant.accountId,
    'aws:SourceArn': grant.workloadArn,
    'aws:PrincipalIsAWSService': 'true',
  };
  let roleDelivery: WorkloadCaller['roleDelivery'];
  if (grant.service === 'ec2.amazonaws.com') {
    roleDelivery = asked ?? '2.0';
    if (roleDelivery === '1.0' && grant.httpTokens === 'required') {
      throw invalidParameter(`The instance ${grant.workloadId} requires IMDSv2: its credentials are delivered as 2.0 only.`);
    }
    context['ec2:SourceInstanceARN'] = grant.workloadArn;
    context['ec2:RoleDelivery'] = roleDelivery;
  } else if (asked !== undefined) {
    throw invalidParameter('RoleDelivery applies to instances only.');
  }
  return {
    kind: 'service',
    accountId: grant.accountId,
    arn: grant.service,
    userId: grant.service,
    name: grant.service,
    tags: {},
    accessKeyId: '',
    workload: { grant, ...(roleDelivery ? { roleDelivery } : {}), context },
  };
}

/** The workload a verified grant names: authentication guarantees one for these operations. */
export function verifiedWorkload(ctx: { principal: Principal }): WorkloadCaller {
  const workload = ctx.principal.workload;
  if (!workload) throw new Error('a workload operation reached without a verified grant');
  return workload;
}
