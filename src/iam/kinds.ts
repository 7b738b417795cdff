/**
 * Every entity kind and link kind IAM stores, in one place so modules that read each
 * other's records agree on the names. Each module owns the `data` shape of its own kinds.
 *
 * Links (many-to-many relations) go from the holder to the held:
 *   group-member      group id    → user id
 *   user-policy       user id     → managed policy ARN   (attachments use the ARN: policies
 *   group-policy      group id    → managed policy ARN    cannot be renamed, and AWS managed
 *   role-policy       role id     → managed policy ARN    policies are not stored entities)
 *   profile-role      instance profile id → role id
 */
export const Kind = {
  account: 'account',
  user: 'user',
  accessKey: 'access-key',
  group: 'group',
  role: 'role',
  instanceProfile: 'instance-profile',
  /** Customer managed policy; parent ''. */
  policy: 'policy',
  /** A version of a customer managed policy; parent = policy id, name = 'v1', 'v2', … */
  policyVersion: 'policy-version',
  /** Inline policies; parent = the user/group/role id, name = policy name. */
  userInlinePolicy: 'user-inline-policy',
  groupInlinePolicy: 'group-inline-policy',
  roleInlinePolicy: 'role-inline-policy',
  loginProfile: 'login-profile',
  mfaDevice: 'mfa-device',
  passwordPolicy: 'password-policy',
  accountAlias: 'account-alias',
  oidcProvider: 'oidc-provider',
  samlProvider: 'saml-provider',
  serverCertificate: 'server-certificate',
  signingCertificate: 'signing-certificate',
  sshPublicKey: 'ssh-public-key',
  serviceSpecificCredential: 'service-specific-credential',
  credentialReport: 'credential-report',
  /** A service last accessed report job; id = name = its JobId, parent ''. */
  serviceLastAccessedJob: 'service-last-accessed-job',
  /**
   * Centralized root access of an organization (EnableOrganizationsRoot*): id = the
   * organization's ID, in the management account; its features (iam/root-access/).
   */
  organizationRootAccess: 'iam-org-root-access',
  /**
   * Outbound identity federation of an account (EnableOutboundWebIdentityFederation): id = name =
   * its random issuer ID; enabled flag, issuer URL, sealed signing keys (iam/outbound-federation/).
   */
  outboundFederation: 'iam-outbound-federation',
} as const;

export const Link = {
  groupMember: 'group-member',
  userPolicy: 'user-policy',
  groupPolicy: 'group-policy',
  rolePolicy: 'role-policy',
  profileRole: 'profile-role',
} as const;
