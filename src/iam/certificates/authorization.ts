import { iamArn } from '../../kernel/arns.ts';
import type { AuthorizationTarget } from '../../authz/target.ts';
import type { TargetContext, TargetTable } from '../authorization/target.ts';
import { createTarget } from '../authorization/request-tags.ts';
import { Kind } from '../kinds.ts';
import { userTarget } from '../user-authorization.ts';
import type { ServerCertificateData, ServiceSpecificCredentialData } from './records.ts';
import { serverCertificateTags } from './server-certificate-tags.ts';

/**
 * Per the Service Authorization Reference: server certificate operations act on the
 * server-certificate resource (its tags for aws:ResourceTag/…); signing certificates, SSH
 * keys and service-specific credentials on their user. Listing server certificates names no
 * resource; listing every user's service-specific credentials names all users.
 */

const serverCertificateTarget = serverCertificateTags.target;

function withContext(target: AuthorizationTarget, context: Record<string, string>): AuthorizationTarget {
  return { ...target, context: { ...target.context, ...context } };
}

/** The credential's user, with the service the credential is for (an unknown credential: the user alone, and the operation answers NoSuchEntity). */
async function credentialTarget(ctx: TargetContext, userName: string | undefined, id: string): Promise<AuthorizationTarget> {
  const target = await userTarget(ctx, userName);
  const record = await ctx.tx.get<ServiceSpecificCredentialData>(Kind.serviceSpecificCredential, id);
  return record === undefined || record.accountId !== ctx.accountId ? target : withContext(target, { 'iam:ServiceSpecificCredentialServiceName': record.data.serviceName });
}

export const targets = {
  UploadServerCertificate: async (input, ctx) => createTarget(iamArn(ctx.accountId, 'server-certificate', input.Path ?? '/', input.ServerCertificateName), 'iam:TagServerCertificate', input.Tags),
  GetServerCertificate: (input, ctx) => serverCertificateTarget(ctx, input.ServerCertificateName),
  ListServerCertificates: async () => ({ resource: '*' }),
  // AWS requires permission on both the certificate and what it becomes (renamed or moved);
  // the certificate keeps its tags, so the second decision sees them too.
  UpdateServerCertificate: async (input, ctx) => {
    const target = await serverCertificateTarget(ctx, input.ServerCertificateName);
    if (input.NewServerCertificateName === undefined && input.NewPath === undefined) return target;
    const record = await ctx.tx.getByName<ServerCertificateData>(ctx.accountId, Kind.serverCertificate, input.ServerCertificateName);
    const renamed = iamArn(ctx.accountId, 'server-certificate', input.NewPath ?? record?.path ?? '/', input.NewServerCertificateName ?? record?.name ?? input.ServerCertificateName);
    return { ...target, also: [{ action: 'iam:UpdateServerCertificate', resource: renamed, ...(target.resourceTags ? { resourceTags: target.resourceTags } : {}) }] };
  },
  DeleteServerCertificate: (input, ctx) => serverCertificateTarget(ctx, input.ServerCertificateName),
  ...serverCertificateTags.targets,

  UploadSigningCertificate: (input, ctx) => userTarget(ctx, input.UserName),
  ListSigningCertificates: (input, ctx) => userTarget(ctx, input.UserName),
  UpdateSigningCertificate: (input, ctx) => userTarget(ctx, input.UserName),
  DeleteSigningCertificate: (input, ctx) => userTarget(ctx, input.UserName),

  UploadSSHPublicKey: (input, ctx) => userTarget(ctx, input.UserName),
  GetSSHPublicKey: (input, ctx) => userTarget(ctx, input.UserName),
  ListSSHPublicKeys: (input, ctx) => userTarget(ctx, input.UserName),
  UpdateSSHPublicKey: (input, ctx) => userTarget(ctx, input.UserName),
  DeleteSSHPublicKey: (input, ctx) => userTarget(ctx, input.UserName),

  // iam:ServiceSpecificCredentialServiceName and iam:ServiceSpecificCredentialAgeDays (Service
  // Authorization Reference; Bedrock User Guide, "Control permissions for generating and using
  // Amazon Bedrock API keys"): the service a credential is for, and the days it lives.
  CreateServiceSpecificCredential: async (input, ctx) => withContext(await userTarget(ctx, input.UserName), {
    'iam:ServiceSpecificCredentialServiceName': input.ServiceName,
    ...(input.CredentialAgeDays !== undefined ? { 'iam:ServiceSpecificCredentialAgeDays': String(input.CredentialAgeDays) } : {}),
  }),
  ListServiceSpecificCredentials: async (input, ctx) =>
    input.AllUsers === true ? { resource: iamArn(ctx.accountId, 'user', '/', '*') } : userTarget(ctx, input.UserName),
  UpdateServiceSpecificCredential: (input, ctx) => credentialTarget(ctx, input.UserName, input.ServiceSpecificCredentialId),
  DeleteServiceSpecificCredential: (input, ctx) => credentialTarget(ctx, input.UserName, input.ServiceSpecificCredentialId),
  ResetServiceSpecificCredential: (input, ctx) => credentialTarget(ctx, input.UserName, input.ServiceSpecificCredentialId),
} satisfies TargetTable;
