// DynamoDB expressions read otherwise by moto than by the gateway (services/dynamodb.ts reads
// dynamodb:Attributes from them), refused from resource-name-ambiguity.ts as ValidationException
// (DynamoDB's own answer to each is a syntax error). Each was a bypass of a Deny on
// dynamodb:Attributes (test/integration/gateway-advisory-sweep.test.ts):
//
// - moto splits a ProjectionExpression at `,` and `.` and takes each piece whole as a name, so
//   `card-no` or `sécret` projected that attribute while the gateway's tokenizer read `card`,
//   `no` / `s`, `cret` — a Deny on dynamodb:Attributes [`card-no`] did not apply. DynamoDB
//   refuses both (a syntax error: such names need a `#placeholder`).
// - moto substitutes any ExpressionAttributeNames key found in a ProjectionExpression, `#` or
//   not: ProjectionExpression `id` with {"id": "salary"} read `salary`, decided as `id`. DynamoDB
//   refuses a key that does not start with `#`.
// - moto's expression tokenizer takes any Unicode letter or digit (str.isalnum) as a name's
//   character; the gateway's only ASCII ones.

const PLACEHOLDER = /^#[A-Za-z0-9_]+$/;
const PATH_ELEMENT = /^#?[A-Za-z0-9_]+(?:\[\d+\])*$/;
const ASCII_EXPRESSION = /^[\x20-\x7e\t\r\n]*$/;
const MAX_DEPTH = 8;

function clipped(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

/** Why a ProjectionExpression is not a list of document paths, or undefined. */
function projectionRefusal(expression: string): string | undefined {
  for (const path of expression.split(',')) {
    for (const element of path.trim().split('.')) {
      if (!PATH_ELEMENT.test(element)) return `ProjectionExpression has the path element ${clipped(element)}: name an attribute with letters, digits and _ or by a #placeholder`;
    }
  }
  return undefined;
}

function visit(value: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = visit(item, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [name, member] of Object.entries(value as Record<string, unknown>)) {
    const found = memberRefusal(name, member) ?? visit(member, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function memberRefusal(name: string, member: unknown): string | undefined {
  if (name === 'ExpressionAttributeNames' && member !== null && typeof member === 'object' && !Array.isArray(member)) {
    for (const key of Object.keys(member)) if (!PLACEHOLDER.test(key)) return `ExpressionAttributeNames has the key ${clipped(key)}, which is no #placeholder`;
    return undefined;
  }
  if (!name.endsWith('Expression') || typeof member !== 'string') return undefined;
  if (!ASCII_EXPRESSION.test(member)) return `${name} holds a character outside ASCII: name such an attribute by a #placeholder`;
  return name === 'ProjectionExpression' ? projectionRefusal(member) : undefined;
}

/** Why a DynamoDB request's expressions could be read otherwise upstream, or undefined. */
export function dynamodbExpressionAmbiguity(input: ReadonlyMap<string, unknown>): string | undefined {
  for (const [name, member] of input) {
    const found = memberRefusal(name, member) ?? visit(member, 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
