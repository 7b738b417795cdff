/**
 * The limits AWS documents for session tags ("Pass session tags in AWS STS": at most 50 tags,
 * keys up to 128 characters, values up to 256) and the characters IAM allows in tag keys and
 * values (letters, digits, spaces and _ . : / = + - @), applied to the tags an identity
 * provider passes in a token or an assertion. AssumeRole's Tags parameter gets the same limits
 * from the model in the protocol layer; tags inside a token or assertion never pass through it,
 * so they are checked here. Returns what is wrong, or undefined when the tags are acceptable.
 */
export const MAX_SESSION_TAGS = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function sessionTagProblem(tags: ReadonlyArray<{ Key: string; Value: string }>): string | undefined {
  if (tags.length > MAX_SESSION_TAGS) return `more than ${MAX_SESSION_TAGS} session tags`;
  for (const { Key, Value } of tags) {
    // Lengths first (linear, bounded), then the patterns.
    if (Key.length === 0 || Key.length > MAX_TAG_KEY_LENGTH) return `session tag key ${Key.slice(0, MAX_TAG_KEY_LENGTH)} must be 1 to ${MAX_TAG_KEY_LENGTH} characters`;
    if (Value.length > MAX_TAG_VALUE_LENGTH) return `the value of session tag ${Key} must be at most ${MAX_TAG_VALUE_LENGTH} characters`;
    if (!TAG_KEY.test(Key)) return `session tag key ${Key} holds a character tags may not hold`;
    if (!TAG_VALUE.test(Value)) return `the value of session tag ${Key} holds a character tags may not hold`;
  }
  return undefined;
}
