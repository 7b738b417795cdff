import { serviceError } from '../protocol/errors.ts';

/**
 * Organizations' errors, worded as AWS words them (its API reference and observed answers;
 * where AWS's text is not published, the wording is ours and README says so). One place,
 * so handlers never improvise.
 */

export const notInUse = () =>
  serviceError('organizations', 'AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');

export const alreadyInOrganization = () =>
  serviceError('organizations', 'AlreadyInOrganizationException', 'The AWS account is already a member of an organization.');

/** A member account (not the management account) calling a management-only operation. */
export const notManagementAccount = () =>
  serviceError('organizations', 'AccessDeniedException', "You don't have permissions to access this resource.");

export const organizationNotEmpty = () =>
  serviceError('organizations', 'OrganizationNotEmptyException', 'To delete an organization you must first remove all member accounts (except the master).');

export const accountNotFound = () =>
  serviceError('organizations', 'AccountNotFoundException', "You specified an account that doesn't exist.");

export const accountAlreadyClosed = () =>
  serviceError('organizations', 'AccountAlreadyClosedException', 'The provided account is already closed.');

export const createStatusNotFound = () =>
  serviceError('organizations', 'CreateAccountStatusNotFoundException', "We can't find a create account request with the CreateAccountRequestId that you specified.");

export const rootNotFound = () =>
  serviceError('organizations', 'RootNotFoundException', "You specified a root that doesn't exist.");

export const ouNotFound = () =>
  serviceError('organizations', 'OrganizationalUnitNotFoundException', "You specified an organizational unit that doesn't exist.");

export const parentNotFound = () =>
  serviceError('organizations', 'ParentNotFoundException', "You specified a parent that doesn't exist.");

export const childNotFound = () =>
  serviceError('organizations', 'ChildNotFoundException', "You specified a child that doesn't exist.");

export const sourceParentNotFound = () =>
  serviceError('organizations', 'SourceParentNotFoundException', "You specified a source parent that doesn't exist.");

export const destinationParentNotFound = () =>
  serviceError('organizations', 'DestinationParentNotFoundException', "You specified a destination parent that doesn't exist.");

export const duplicateAccount = () =>
  serviceError('organizations', 'DuplicateAccountException', 'That account is already present in the specified destination.');

export const duplicateOu = () =>
  serviceError('organizations', 'DuplicateOrganizationalUnitException', 'An OU with the same name already exists.');

export const ouNotEmpty = () =>
  serviceError('organizations', 'OrganizationalUnitNotEmptyException', 'You cannot delete an OU that contains accounts or OUs.');

export const targetNotFound = () =>
  serviceError('organizations', 'TargetNotFoundException', "You specified a target that doesn't exist.");

export const policyNotFound = () =>
  serviceError('organizations', 'PolicyNotFoundException', "You specified a policy that doesn't exist.");

export const duplicatePolicy = () =>
  serviceError('organizations', 'DuplicatePolicyException', 'A policy with the same name already exists.');

export const duplicatePolicyAttachment = () =>
  serviceError('organizations', 'DuplicatePolicyAttachmentException', 'The selected policy is already attached to the specified target.');

export const policyNotAttached = () =>
  serviceError('organizations', 'PolicyNotAttachedException', "The policy isn't attached to the specified target in the specified root.");

export const policyInUse = () =>
  serviceError('organizations', 'PolicyInUseException', 'The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.');

export const policyTypeNotEnabled = () =>
  serviceError('organizations', 'PolicyTypeNotEnabledException', 'This operation can be performed only for enabled policy types.');

export const policyTypeAlreadyEnabled = () =>
  serviceError('organizations', 'PolicyTypeAlreadyEnabledException', 'The specified policy type is already enabled.');

export const policyTypeNotAvailable = () =>
  serviceError('organizations', 'PolicyTypeNotAvailableForOrganizationException', "You can't use the specified policy type with the feature set currently enabled for this organization. Tessera serves SERVICE_CONTROL_POLICY and RESOURCE_CONTROL_POLICY.");

// AWS's answer reads "does not" (as recorded from CreatePolicy/UpdatePolicy), though its
// API reference now writes "doesn't"; clients that match the text see AWS's.
export const malformedPolicy = (detail: string) =>
  serviceError('organizations', 'MalformedPolicyDocumentException', `The provided policy document does not meet the requirements of the specified policy type. ${detail}`.trimEnd());

export const handshakeNotFound = () =>
  serviceError('organizations', 'HandshakeNotFoundException', "We can't find a handshake with the HandshakeId that you specified.");

export const handshakeAlreadyInState = (state: string) =>
  serviceError('organizations', 'HandshakeAlreadyInStateException', `The specified handshake is already in the requested state: ${state}.`);

export const invalidHandshakeTransition = () =>
  serviceError('organizations', 'InvalidHandshakeTransitionException', "You can't perform the operation on the handshake in its current state.");

export const duplicateHandshake = () =>
  serviceError('organizations', 'DuplicateHandshakeException', 'A handshake with the same action and target already exists.');

export const handshakeConstraint = (reason: 'ALREADY_IN_AN_ORGANIZATION' | 'ACCOUNT_NUMBER_LIMIT_EXCEEDED' | 'ORGANIZATION_ALREADY_HAS_ALL_FEATURES', message: string) =>
  serviceError('organizations', 'HandshakeConstraintViolationException', message, { Reason: reason });

export const masterCannotLeave = () =>
  serviceError('organizations', 'MasterCannotLeaveOrganizationException', "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization.");

/** The model's descriptions of the delegated administrator errors (best effort). */
export const accountAlreadyRegistered = () =>
  serviceError('organizations', 'AccountAlreadyRegisteredException', 'The provided account is already a delegated administrator for your organization.');
export const accountNotRegistered = () =>
  serviceError('organizations', 'AccountNotRegisteredException', 'The specified account is not a delegated administrator for this Amazon Web Services service.');

/** AWS verbatim (recorded answers of EnableAWSServiceAccess for a principal it does not know). */
export const unrecognizedServicePrincipal = () =>
  invalidInput('UNRECOGNIZED_SERVICE_PRINCIPAL', 'You specified an unrecognized service principal.');

export type ConstraintReason =
  | 'ACCOUNT_NUMBER_LIMIT_EXCEEDED'
  | 'OU_NUMBER_LIMIT_EXCEEDED'
  | 'OU_DEPTH_LIMIT_EXCEEDED'
  | 'POLICY_NUMBER_LIMIT_EXCEEDED'
  | 'POLICY_CONTENT_LIMIT_EXCEEDED'
  | 'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED'
  | 'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED'
  | 'MAX_TAG_LIMIT_EXCEEDED'
  | 'CANNOT_CLOSE_MANAGEMENT_ACCOUNT'
  | 'CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR'
  | 'CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG'
  | 'SERVICE_ACCESS_NOT_ENABLED';

/** ConstraintViolationException, with its `Reason` member as the model declares it. */
export const constraint = (reason: ConstraintReason, message: string) =>
  serviceError('organizations', 'ConstraintViolationException', message, { Reason: reason });

export type InputReason = 'INVALID_NEXT_TOKEN' | 'UNRECOGNIZED_SERVICE_PRINCIPAL' | 'IMMUTABLE_POLICY' | 'INVALID_ENUM_POLICY_TYPE' | 'DUPLICATE_TAG_KEY' | 'INVALID_PATTERN_TARGET_ID' | 'TARGET_NOT_SUPPORTED' | 'INVALID_PARTY_TYPE_TARGET' | 'NON_DETACHABLE_POLICY' | 'INVALID_ENUM'
  | 'INVALID_RESOURCE_POLICY_JSON' | 'INVALID_PRINCIPAL' | 'UNSUPPORTED_ACTION_IN_RESOURCE_POLICY'
  | 'INVALID_PATTERN' | 'INVALID_SYSTEM_TAGS_PARAMETER' | 'INVALID_EMAIL_ADDRESS_TARGET';

/** InvalidInputException, with its `Reason`. */
export const invalidInput = (reason: InputReason, message: string) =>
  serviceError('organizations', 'InvalidInputException', message, { Reason: reason });

/**
 * A value the store cannot hold (a U+0000): the answer the model validator (protocol/validate.ts)
 * gives a value outside its pattern, as CreateAccount's AccountName gets for one.
 */
export const invalidPattern = () =>
  invalidInput('INVALID_PATTERN', 'You provided a value that does not match the required pattern.');

/** AWS's description of the reason (Organizations API Reference, InvalidInputException). */
export const systemTags = () =>
  invalidInput('INVALID_SYSTEM_TAGS_PARAMETER', "You can't add, edit, or delete system tag keys because they're reserved for Amazon Web Services use.");

/** UpdatePolicy, DeletePolicy, TagResource, UntagResource on one of AWS's managed policies. */
export const immutablePolicy = () =>
  invalidInput('IMMUTABLE_POLICY', "You specified a policy that is managed by AWS and can't be modified.");

/** AWS's text for InviteAccountToOrganization with a malformed email. */
export const invalidEmailTarget = () =>
  invalidInput('INVALID_EMAIL_ADDRESS_TARGET', 'You specified an invalid email address for the invited account owner.');

/** AWS's text (Organizations API Reference, ConstraintViolationException). */
export const cannotRemoveDelegatedAdministrator = () =>
  constraint('CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG', 'You attempted to remove an account that is registered as a delegated administrator for a service integrated with your organization. To complete this operation, you must first deregister this account as a delegated administrator.');

export const serviceAccessNotEnabled = () =>
  constraint('SERVICE_ACCESS_NOT_ENABLED', 'You attempted to register a delegated administrator before you enabled service access. Call the EnableAWSServiceAccess API first.');

/** DescribeEffectivePolicy when the account has no effective policy of the type (or the type is not enabled). */
export const effectivePolicyNotFound = () =>
  serviceError('organizations', 'EffectivePolicyNotFoundException', "We can't find an effective policy of the specified type for the target.");

/** The model's description (AWS's API reference): DescribeResourcePolicy/DeleteResourcePolicy with no policy. */
export const resourcePolicyNotFound = () =>
  serviceError('organizations', 'ResourcePolicyNotFoundException', "We can't find a resource policy request with the parameter that you specified.");

/**
 * EnableAllFeatures on an organization that has them: Tessera's organizations always do.
 * The reason's description in AWS's API reference.
 */
export const alreadyHasAllFeatures = () =>
  handshakeConstraint('ORGANIZATION_ALREADY_HAS_ALL_FEATURES', 'The handshake request is invalid because the organization has already enabled all features.');
