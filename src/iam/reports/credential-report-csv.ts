/**
 * The credential report's CSV, in AWS's exact columns and value spellings: ISO 8601 times
 * with a `+00:00` offset, `true`/`false`, `N/A` where a value does not apply, `no_information`
 * for a password never used, and `not_supported` for what the root user row cannot have.
 */

export const CREDENTIAL_REPORT_COLUMNS = [
  'user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed', 'password_next_rotation', 'mfa_active',
  'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_1_last_used_region', 'access_key_1_last_used_service',
  'access_key_2_active', 'access_key_2_last_rotated', 'access_key_2_last_used_date', 'access_key_2_last_used_region', 'access_key_2_last_used_service',
  'cert_1_active', 'cert_1_last_rotated', 'cert_2_active', 'cert_2_last_rotated',
] as const;

export interface ReportAccessKey {
  active: boolean;
  createdAt: Date;
  lastUsed?: { date: Date; region: string; service: string };
}

export interface ReportCertificate {
  active: boolean;
  uploadedAt: Date;
}

/** A password: the root user's (whose other password columns are not supported), or an IAM user's. */
export type ReportPassword =
  | { kind: 'root'; lastUsed?: Date }
  | { kind: 'none'; lastUsed?: Date }
  | { kind: 'user'; lastUsed?: Date; lastChanged: Date; nextRotation?: Date };

export interface CredentialReportRow {
  user: string;
  arn: string;
  createdAt: Date;
  password: ReportPassword;
  mfaActive: boolean;
  /** Oldest first; the report has columns for two. */
  accessKeys: ReportAccessKey[];
  certificates: ReportCertificate[];
}

/** `2024-05-01T12:00:00+00:00`, as the report writes times. */
export function reportTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

const NA = 'N/A';

function passwordColumns(password: ReportPassword): string[] {
  switch (password.kind) {
    case 'root':
      return ['not_supported', password.lastUsed ? reportTime(password.lastUsed) : 'no_information', 'not_supported', 'not_supported'];
    case 'none':
      // A user without a password keeps the date it was last used, if it ever was.
      return ['false', password.lastUsed ? reportTime(password.lastUsed) : NA, NA, NA];
    case 'user':
      return [
        'true',
        password.lastUsed ? reportTime(password.lastUsed) : 'no_information',
        reportTime(password.lastChanged),
        password.nextRotation ? reportTime(password.nextRotation) : NA,
      ];
  }
}

function accessKeyColumns(key: ReportAccessKey | undefined): string[] {
  if (!key) return ['false', NA, NA, NA, NA];
  const used = key.lastUsed;
  return [String(key.active), reportTime(key.createdAt), used ? reportTime(used.date) : NA, used ? used.region : NA, used ? used.service : NA];
}

function certificateColumns(certificate: ReportCertificate | undefined): string[] {
  return certificate ? [String(certificate.active), reportTime(certificate.uploadedAt)] : ['false', NA];
}

/** RFC 4180 quoting, for the rare value (a user name never needs it) that has a comma or quote. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function credentialReportCsv(rows: readonly CredentialReportRow[]): string {
  const lines = [CREDENTIAL_REPORT_COLUMNS.join(',')];
  for (const row of rows) {
    const values = [
      row.user, row.arn, reportTime(row.createdAt), ...passwordColumns(row.password), String(row.mfaActive),
      ...accessKeyColumns(row.accessKeys[0]), ...accessKeyColumns(row.accessKeys[1]),
      ...certificateColumns(row.certificates[0]), ...certificateColumns(row.certificates[1]),
    ];
    lines.push(values.map(field).join(','));
  }
  return `${lines.join('\n')}\n`;
}
