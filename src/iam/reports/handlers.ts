import type { IamHandlerTable } from '../handler.ts';
import { authorizationDetailsHandlers } from './authorization-details.ts';
import { credentialReportHandlers } from './credential-reports.ts';
import { lastAccessedHandlers } from './last-accessed-jobs.ts';

/** The IAM operations implemented by the reports module. */
export const handlers = { ...credentialReportHandlers, ...authorizationDetailsHandlers, ...lastAccessedHandlers } satisfies IamHandlerTable;
