import type { RandomSource } from '../../kernel/random.ts';
import type { WorkloadService } from '../../kernel/workload.ts';

/**
 * Identifiers of launched workloads, shaped as EC2's and ECS's: `i-` and 17 hex digits for an
 * instance, 32 hex digits for a task (in the cluster `default`), and their ARNs.
 */
export function newWorkloadId(random: RandomSource, service: WorkloadService): string {
  const hex = Buffer.from(random.bytes(16)).toString('hex');
  return service === 'ec2.amazonaws.com' ? `i-${hex.slice(0, 17)}` : hex;
}

export function workloadArn(service: WorkloadService, region: string, accountId: string, workloadId: string): string {
  return service === 'ec2.amazonaws.com'
    ? `arn:aws:ec2:${region}:${accountId}:instance/${workloadId}`
    : `arn:aws:ecs:${region}:${accountId}:task/default/${workloadId}`;
}
