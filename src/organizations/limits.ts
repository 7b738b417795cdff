/**
 * Organizations' quotas, at AWS's defaults (the Organizations user guide's "Quotas" page).
 * Fixed in Tessera; README lists them.
 */
export const LIMITS = {
  /** Accounts in an organization, the management account included. */
  accounts: 10,
  /** OUs in an organization. */
  organizationalUnits: 1000,
  /** OU nesting below the root. */
  ouDepth: 5,
  /** Policies of one type in an organization. */
  policiesPerType: 1000,
  /** Policies of one type attached to one root, OU or account. */
  attachmentsPerType: 5,
  /** Tags on one resource. */
  tags: 50,
  /** Days an invitation stays open. */
  handshakeDays: 15,
} as const;
