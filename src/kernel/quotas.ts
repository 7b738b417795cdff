/**
 * Service quotas with AWS's default values. Configurable per server (see README); the
 * `LimitExceeded` messages name the quota exactly as AWS does.
 */
export interface Quotas {
  usersPerAccount: number;
  accessKeysPerUser: number;
  tagsPerResource: number;
  groupsPerAccount: number;
  groupsPerUser: number;
  rolesPerAccount: number;
  instanceProfilesPerAccount: number;
  openIdConnectProvidersPerAccount: number;
  clientIdsPerOpenIdConnectProvider: number;
  samlProvidersPerAccount: number;
  serverCertificatesPerAccount: number;
  signingCertificatesPerUser: number;
  sshPublicKeysPerUser: number;
  serviceSpecificCredentialsPerUserPerService: number;
  mfaDevicesPerUser: number;
  customerManagedPoliciesPerAccount: number;
  managedPoliciesPerUser: number;
  managedPoliciesPerGroup: number;
  managedPoliciesPerRole: number;
}

export const defaultQuotas: Quotas = {
  usersPerAccount: 5000,
  accessKeysPerUser: 2,
  tagsPerResource: 50,
  groupsPerAccount: 300,
  groupsPerUser: 10,
  rolesPerAccount: 1000,
  instanceProfilesPerAccount: 1000,
  openIdConnectProvidersPerAccount: 100,
  clientIdsPerOpenIdConnectProvider: 100,
  samlProvidersPerAccount: 100,
  serverCertificatesPerAccount: 20,
  signingCertificatesPerUser: 2,
  sshPublicKeysPerUser: 5,
  serviceSpecificCredentialsPerUserPerService: 2,
  mfaDevicesPerUser: 8,
  customerManagedPoliciesPerAccount: 1500,
  managedPoliciesPerUser: 10,
  managedPoliciesPerGroup: 10,
  managedPoliciesPerRole: 10,
};
