import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { serviceError } from '../../protocol/errors.ts';
import { Kind } from '../kinds.ts';
import { credentialReportCsv } from './credential-report-csv.ts';
import { credentialReportRows } from './credential-report-rows.ts';

/**
 * GenerateCredentialReport / GetCredentialReport. AWS generates at most one report per four
 * hours: a request finding none that recent starts one (STARTED) and the next reports it
 * COMPLETE. Tessera builds the report within the starting request, from what the store
 * holds at that moment, so it is ready by the time a client asks again. A report older than
 * four hours has expired.
 */

const REPORT_LIFETIME_MS = 4 * 60 * 60 * 1000;

interface CredentialReportData {
  csv: string;
  generatedAt: string;
}

/** AWS's live responses carry no message for these; the texts are the model's descriptions. */
function reportNotPresent() {
  return serviceError('iam', 'ReportNotPresent', 'The request was rejected because the credential report does not exist. To generate a credential report, use GenerateCredentialReport.');
}

function reportExpired() {
  return serviceError('iam', 'ReportExpired', 'The request was rejected because the most recent credential report has expired. To generate a new credential report, use GenerateCredentialReport.');
}

function isFresh(report: { data: CredentialReportData }, now: Date): boolean {
  return now.getTime() - new Date(report.data.generatedAt).getTime() < REPORT_LIFETIME_MS;
}

async function generateCredentialReport(_input: IamOperations['GenerateCredentialReport']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const now = ctx.clock.now();
  return ctx.store.transaction(async (tx) => {
    const existing = await tx.get<CredentialReportData>(Kind.credentialReport, accountId);
    if (existing && isFresh(existing, now)) return { State: 'COMPLETE' as const };
    const data: CredentialReportData = { csv: credentialReportCsv(await credentialReportRows(tx, accountId)), generatedAt: isoSeconds(now) };
    if (existing) {
      await tx.update({ ...existing, data });
      return { State: 'STARTED' as const };
    }
    await tx.insert<CredentialReportData>({ accountId, kind: Kind.credentialReport, id: accountId, name: 'credential-report', parentId: '', path: '/', data, createdAt: isoSeconds(now) });
    return { State: 'STARTED' as const, Description: 'No report exists. Starting a new report generation task' };
  });
}

async function getCredentialReport(_input: IamOperations['GetCredentialReport']['input'], ctx: OperationContext) {
  const report = await ctx.store.get<CredentialReportData>(Kind.credentialReport, ctx.principal.accountId);
  if (!report) throw reportNotPresent();
  if (!isFresh(report, ctx.clock.now())) throw reportExpired();
  return { Content: new Uint8Array(Buffer.from(report.data.csv, 'utf8')), ReportFormat: 'text/csv' as const, GeneratedTime: new Date(report.data.generatedAt) };
}

export const credentialReportHandlers = {
  GenerateCredentialReport: generateCredentialReport,
  GetCredentialReport: getCredentialReport,
} satisfies IamHandlerTable;
