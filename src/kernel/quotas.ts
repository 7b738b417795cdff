/**
 * Service quotas with AWS's default values. Configurable per server (see README); the
 * `LimitExceeded` messages name the quota exactly as AWS does.
 */
export interface Quotas {
  usersPerAccount: number;
  accessKeysPerUser: number;
  tagsPerResource: number;
}

export const defaultQuotas: Quotas = {
  usersPerAccount: 5000,
  accessKeysPerUser: 2,
  tagsPerResource: 50,
};
