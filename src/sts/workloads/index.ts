import { declarer, type DeclarationTable } from '../../operations/declaration.ts';
import type { Operations } from '../../protocol/generated/tessera.ts';
import { launchHandlers, launchWorkloadTarget } from './launch-workload.ts';
import { workloadCredentialsHandlers, workloadCredentialsTarget } from './workload-credentials.ts';

export { workloadPrincipal } from './workload-caller.ts';

const declareTessera = declarer<Operations>('tessera');

/**
 * Tessera's workload operations: launching is signed by the caller (SigV4) and authorized as
 * iam:PassRole; the credentials are asked for with the launch's grant and authorized as the
 * service's sts:AssumeRole.
 */
export const workloadOperations: readonly DeclarationTable[] = [
  declareTessera(launchHandlers, { LaunchWorkload: launchWorkloadTarget }),
  declareTessera(workloadCredentialsHandlers, { GetWorkloadCredentials: workloadCredentialsTarget }, { authentication: 'workload-grant' }),
];
