/**
 * The key policy a KMS key is decided with when the upstream does not know the key
 * (`GetKeyPolicy` answered NotFoundException). Every KMS key has a policy, so "no policy" means
 * "no key": deciding such a check without any key policy refused every caller with
 * AccessDeniedException ("no resource-based policy allows…") where KMS answers
 * NotFoundException. Decided instead with the default key policy of the key's account — it
 * delegates to that account's IAM policies, so the caller's identity policies (and boundaries,
 * SCPs, explicit denies) still decide, a caller of another account is still refused — and, once
 * allowed, the request is forwarded and the upstream answers its own NotFoundException. A key
 * ID cannot be chosen by a caller (KMS makes it), so no key can appear later under this ARN
 * with another policy; the lookup cache keeps the answer 5 s as before.
 */
export function missingKmsKeyPolicy(keyArn: string): string | undefined {
  const match = /^arn:([^:]+):kms:[^:]*:(\d{12}):key\//.exec(keyArn);
  if (match === null) return undefined;
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:${match[1]}:iam::${match[2]}:root` }, Action: 'kms:*', Resource: '*' }],
  });
}
