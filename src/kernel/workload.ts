import type { ContextValue } from '../policy/index.ts';

/**
 * Workloads: a simulated EC2 instance with an instance profile, or an ECS task with a task
 * role, launched by `tessera:LaunchWorkload` and given its role's credentials by
 * `tessera:GetWorkloadCredentials` — as EC2 and ECS deliver them: the service principal
 * (ec2.amazonaws.com / ecs-tasks.amazonaws.com) assumes the role.
 */
export type WorkloadService = 'ec2.amazonaws.com' | 'ecs-tasks.amazonaws.com';

/**
 * What a launch grants, sealed into the grant the workload's credential endpoint presents.
 * Bound to one account, role, instance profile (EC2), service and workload; it expires.
 */
export interface WorkloadGrant {
  /** Format version. */
  v: 1;
  service: WorkloadService;
  accountId: string;
  region: string;
  /** `i-…` (17 hex digits) or an ECS task ID (32 hex digits). */
  workloadId: string;
  /** arn:aws:ec2:<region>:<account>:instance/i-… or arn:aws:ecs:<region>:<account>:task/default/<id>. */
  workloadArn: string;
  role: { id: string; arn: string; name: string };
  /** EC2: the instance profile the instance was launched with; it must still hold the role. */
  instanceProfile?: { id: string; arn: string; name: string };
  /** EC2: whether the instance metadata service requires IMDSv2 session tokens. */
  httpTokens?: 'required' | 'optional';
  /** Length of each role session, seconds. */
  durationSeconds: number;
  /** ISO-8601 instants. */
  issuedAt: string;
  expiresAt: string;
}

/** A credential endpoint proven by a workload grant: the service acting for one workload. */
export interface WorkloadCaller {
  grant: WorkloadGrant;
  /** How the credentials are delivered (EC2: `ec2:RoleDelivery`, 1.0 without an IMDSv2 token). */
  roleDelivery?: '1.0' | '2.0';
  /** The condition keys of the service's request (aws:SourceAccount, aws:SourceArn, …). */
  context: Readonly<Record<string, ContextValue>>;
}
