import { SECRET_MEMBERS } from './parameters.ts';

/**
 * A recorded errorMessage without the secret values a validation message quoted.
 *
 * protocol/validate.ts quotes an offending value (`Value 'Zq7Xw9' at 'tokenCode' failed to
 * satisfy constraint: …`) unless the model marks its shape sensitive — AWS's text, answered to
 * the caller who sent it. The STS and IAM models leave MFA codes, session tokens and the like
 * unmarked (parameters.ts hides them from requestParameters by name), so the quoted value
 * reached the event's errorMessage, readable by every principal allowed
 * cloudtrail:LookupEvents and in every trail file. The caller's answer keeps AWS's text; the
 * recorded one drops the value: `Value at 'tokenCode' failed to satisfy constraint: …`.
 */

/** The members parameters.ts hides, as validation paths name them (first letter lower-cased). */
const SECRET_PATHS: readonly string[] = [...SECRET_MEMBERS].map((name) => name.charAt(0).toLowerCase() + name.slice(1));

const OPENING = "Value '";

/** Linear: one scan per secret path, one lastIndexOf back to the violation's opening. */
export function withoutQuotedSecrets(message: string): string {
  if (!message.includes(OPENING)) return message;
  let out = message;
  for (const path of SECRET_PATHS) {
    for (const closing of [`' at '${path}'`, `' at '${path}.`]) {
      let from = 0;
      for (;;) {
        const end = out.indexOf(closing, from);
        if (end < 0) break;
        const start = out.lastIndexOf(OPENING, end);
        if (start < 0) break;
        out = `${out.slice(0, start)}Value${out.slice(end + 1)}`;
        from = start + 'Value at '.length;
      }
    }
  }
  return out;
}
