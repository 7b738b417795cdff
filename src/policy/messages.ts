// Validation messages, one place. Each says whether the wording is AWS's verbatim text
// (seen in MalformedPolicyDocument / LimitExceeded responses or in AWS's documentation)
// or a best effort where AWS's exact text is not known.

export const MSG = {
  /** Verbatim (IAM MalformedPolicyDocument for unparseable or structurally wrong JSON). */
  syntax: 'Syntax errors in policy.',
  /** Verbatim (IAM: a Principal or NotPrincipal in an identity-based policy). */
  principalNotAllowed: 'Policy document should not specify a principal.',
  /** Best effort (trust policies and RCPs without Principal/NotPrincipal). */
  principalRequired: 'Policy document must contain a principal',
  /** Verbatim (S3 and other resource policies without Principal/NotPrincipal). */
  missingPrincipal: 'Missing required field Principal',
  /** Verbatim (resource policies, e.g. S3: the value is not quoted). */
  invalidPrincipal: 'Invalid principal in policy',
  /**
   * Verbatim (IAM trust policies quote the offending value, with the principal type in
   * upper case: `Invalid principal in policy: "AWS":"not-an-arn"`,
   * `Invalid principal in policy: "SERVICE":""`).
   */
  invalidPrincipalQuoted: (type: string, value: string) => `Invalid principal in policy: "${type.toUpperCase()}":"${value}"`,
  federatedPrincipalInvalid: 'Federated principals must be valid domain names or SAML metadata ARNs',
  /** Verbatim from AWS's RCP syntax page (a warning: RCPFullAWSAccess itself allows). */
  rcpAllow: 'The effect of Allow is only supported for the RCPFullAWSAccess policy',
  /** Verbatim (IAM trust policy with a Resource element). */
  trustResource: 'Has prohibited field Resource',
  /** Best effort, by analogy with the Resource message. */
  trustNotResource: 'Has prohibited field NotResource',
  /**
   * Best effort — not AWS's confirmed text. AWS documents that NotPrincipal cannot be used in
   * an IAM role trust policy (IAM User Guide, "AWS JSON policy elements: NotPrincipal") but no
   * recorded IAM answer quotes the message; this follows IAM's trust-policy wording for
   * Resource ("Has prohibited field Resource"), the form a third-party linter quotes for
   * Kinesis PutResourcePolicy with NotPrincipal ("Policy validation error: Has prohibited
   * field NotPrincipal") — not a recorded IAM answer.
   */
  trustNotPrincipal: 'Has prohibited field NotPrincipal',
  /** Verbatim (IAM trust policy with a non-STS action). */
  trustActions: 'AssumeRole policy may only specify STS AssumeRole actions.',
  /** Verbatim. */
  missingEffect: 'Missing required field Effect',
  /** Best effort, in the style of "Missing required field Effect". */
  missingStatement: 'Missing required field Statement',
  /** Verbatim (IAM answers an Effect other than Allow/Deny with this). */
  legacyParsing: 'The policy failed legacy parsing',
  /** Verbatim. */
  missingActions: 'Policy statement must contain actions.',
  /** Verbatim. */
  missingResources: 'Policy statement must contain resources.',
  /** Verbatim. */
  vendorPrefix: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  /** Verbatim. */
  oneColon: 'Actions/Condition can contain only one colon.',
  /** Verbatim. */
  sidUnique: 'Statement IDs (SID) in a single policy must be unique.',
  /** Verbatim. */
  sidAlphanumeric:
    'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
  /** Verbatim pattern: `Resource <value> must be in ARN format or "*".` */
  resourceFormat: (resource: string) => `Resource ${resource} must be in ARN format or "*".`,
  /** Verbatim (IAM: a managed policy without Version, or with 2008-10-17). */
  versionTooOld: 'Policy document must be version 2012-10-17 or greater.',
  /** Verbatim (IAM CreateRole / UpdateAssumeRolePolicy with a trust policy that is not JSON). */
  trustInvalidJson: 'This policy contains invalid Json',
  /** Verbatim (IAM: an action vendor with characters other than letters, digits, '-' and '.'). */
  vendorInvalid: (vendor: string) => `Vendor ${vendor} is not valid`,
  /** Verbatim (IAM: `arn:aws` with nothing after the partition). */
  vendorNotQualified: 'Resource vendor must be fully qualified and cannot contain regexes.',
  /** Verbatim pattern (IAM: a partition other than aws; the resource quoted with missing segments as `*`). */
  partitionInvalid: (partition: string, quoted: string) => `Partition "${partition}" is not valid for resource "${quoted}".`,
  /** Verbatim pattern (IAM resource with a region). */
  iamResourceRegion: (resource: string) => `IAM resource ${resource} cannot contain region information.`,
  /** Verbatim pattern (S3 resource with a region, as IAM words it). */
  s3ResourceRegion: (resource: string) => `Resource ${resource} can not contain region information.`,
  /** Verbatim pattern (IAM resource whose resource part names no IAM resource type). */
  iamResourcePath: (prefixes: string) => `IAM resource path must either be "*" or start with ${prefixes}.`,
  /** Best effort: an RCP must name every principal ("Principal": "*"). */
  rcpPrincipal: 'Resource control policies must specify "Principal": "*".',
  /** Verbatim (IAM LimitExceeded for managed policies). */
  managedSize: (limit: number) => `Cannot exceed quota for PolicySize: ${limit}`,
  /** Verbatim pattern (IAM LimitExceeded for inline policies; AWS appends the entity name). */
  inlineSize: (limit: number, entity: string, name: string | undefined) =>
    `Maximum policy size of ${limit} bytes exceeded for ${entity}${name ? ` ${name}` : ''}`,
  /** Verbatim (IAM LimitExceeded for role trust policies). */
  trustSize: (limit: number) => `Cannot exceed quota for ACLSizePerRole: ${limit}`,
} as const;

/** Stable diagnostic codes. */
export const CODE = {
  syntax: 'SyntaxError',
  /** The text is not JSON at all (a kind of syntax error; trust policies word it apart). */
  invalidJson: 'InvalidJson',
  unknownField: 'UnknownField',
  invalidVersion: 'InvalidVersion',
  missingStatement: 'MissingStatement',
  emptyStatement: 'EmptyStatement',
  missingEffect: 'MissingEffect',
  invalidEffect: 'InvalidEffect',
  principalNotAllowed: 'PrincipalNotAllowed',
  principalRequired: 'PrincipalRequired',
  invalidPrincipal: 'InvalidPrincipal',
  rcpPrincipal: 'RcpPrincipal',
  trustResource: 'TrustResourceProhibited',
  trustNotPrincipal: 'TrustNotPrincipalProhibited',
  trustActions: 'TrustActionNotSts',
  missingActions: 'MissingActions',
  missingResources: 'MissingResources',
  vendorPrefix: 'MissingVendorPrefix',
  oneColon: 'TooManyColons',
  resourceFormat: 'InvalidResource',
  conditionOperator: 'UnknownConditionOperator',
  conditionValue: 'InvalidConditionValue',
  sidUnique: 'DuplicateSid',
  sidAlphanumeric: 'InvalidSid',
  policySize: 'PolicySizeExceeded',
  variable: 'MalformedVariable',
  notPrincipalAllow: 'NotPrincipalWithAllow',
  rcpAllow: 'RcpAllow',
  versionMissing: 'VersionMissing',
  versionTooOld: 'VersionTooOld',
  vendorInvalid: 'InvalidVendor',
  legacyResource: 'LegacyResource',
  legacyDate: 'InvalidDateValue',
} as const;
