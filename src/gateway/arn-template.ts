// ARN formats of the Service Authorization Reference (`arn:${Partition}:sqs:${Region}:${Account}:${QueueName}`)
// filled from a request, or matched against an ARN the request carries. Linear: no RegExp is
// built from a format or an input.

type Part = { literal: string } | { variable: string };

const cache = new Map<string, Part[]>();

export function templateParts(template: string): readonly Part[] {
  let parts = cache.get(template);
  if (parts === undefined) {
    parts = [];
    let rest = template;
    while (rest.length > 0) {
      const open = rest.indexOf('${');
      const close = open < 0 ? -1 : rest.indexOf('}', open);
      if (open < 0 || close < 0) {
        parts.push({ literal: rest });
        break;
      }
      if (open > 0) parts.push({ literal: rest.slice(0, open) });
      parts.push({ variable: rest.slice(open + 2, close) });
      rest = rest.slice(close + 1);
    }
    cache.set(template, parts);
  }
  return parts;
}

/** The variables of a format, in order (`Partition`, `Region`, `Account`, `QueueName`). */
export function templateVariables(template: string): string[] {
  return templateParts(template).flatMap((part) => ('variable' in part ? [part.variable] : []));
}

/** The ARN, or undefined when a variable has no value. */
export function fillTemplate(template: string, values: ReadonlyMap<string, string>): string | undefined {
  let arn = '';
  for (const part of templateParts(template)) {
    if ('literal' in part) {
      arn += part.literal;
      continue;
    }
    const value = values.get(part.variable);
    if (value === undefined || value === '') return undefined;
    arn += value;
  }
  return arn;
}

/**
 * The variables of `arn` under `template`, or undefined when it does not have that form. A
 * variable runs to the next occurrence of the literal after it and never spans a `:` unless it
 * is the last part and follows a `/` (object keys, paths).
 */
export function matchTemplate(template: string, arn: string): Map<string, string> | undefined {
  const parts = templateParts(template);
  const values = new Map<string, string>();
  let at = 0;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    if ('literal' in part) {
      if (!arn.startsWith(part.literal, at)) return undefined;
      at += part.literal.length;
      continue;
    }
    const next = parts[index + 1];
    let end: number;
    if (next === undefined) {
      end = arn.length;
      const previous = parts[index - 1];
      const pathLike = previous !== undefined && 'literal' in previous && previous.literal.endsWith('/');
      if (!pathLike && arn.indexOf(':', at) >= 0) return undefined;
    } else {
      if (!('literal' in next)) return undefined;
      end = arn.indexOf(next.literal, at);
      if (end < 0) return undefined;
      if (next.literal !== ':' && arn.slice(at, end).includes(':')) return undefined;
    }
    const value = arn.slice(at, end);
    // Partition, Region and Account may be empty in some formats (S3's `arn:aws:s3:::bucket`).
    if (value === '' && !['Region', 'Account'].includes(part.variable)) return undefined;
    values.set(part.variable, value);
    at = end;
  }
  return at === arn.length ? values : undefined;
}
