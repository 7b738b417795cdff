// The condition operators AWS documents, and how an operator name is taken apart:
//   [ForAllValues: | ForAnyValue:] <base operator> [IfExists]

export type OperatorFamily =
  | 'string'
  | 'stringIgnoreCase'
  | 'stringLike'
  | 'numeric'
  | 'date'
  | 'bool'
  | 'binary'
  | 'ip'
  | 'arn'
  | 'null';

export type Comparison = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';

export interface OperatorInfo {
  /** Canonical spelling, e.g. "StringNotEqualsIgnoreCase". */
  readonly name: string;
  readonly family: OperatorFamily;
  /** Negated operators are true when no value matches, including when the key is absent. */
  readonly negated: boolean;
  readonly comparison: Comparison;
}

export type SetQualifier = 'none' | 'ForAllValues' | 'ForAnyValue';

export interface ParsedOperator {
  readonly qualifier: SetQualifier;
  readonly ifExists: boolean;
  readonly info: OperatorInfo;
}

const TABLE: readonly OperatorInfo[] = [
  op('StringEquals', 'string', false),
  op('StringNotEquals', 'string', true),
  op('StringEqualsIgnoreCase', 'stringIgnoreCase', false),
  op('StringNotEqualsIgnoreCase', 'stringIgnoreCase', true),
  op('StringLike', 'stringLike', false),
  op('StringNotLike', 'stringLike', true),
  op('NumericEquals', 'numeric', false),
  op('NumericNotEquals', 'numeric', true),
  op('NumericLessThan', 'numeric', false, 'lt'),
  op('NumericLessThanEquals', 'numeric', false, 'lte'),
  op('NumericGreaterThan', 'numeric', false, 'gt'),
  op('NumericGreaterThanEquals', 'numeric', false, 'gte'),
  op('DateEquals', 'date', false),
  op('DateNotEquals', 'date', true),
  op('DateLessThan', 'date', false, 'lt'),
  op('DateLessThanEquals', 'date', false, 'lte'),
  op('DateGreaterThan', 'date', false, 'gt'),
  op('DateGreaterThanEquals', 'date', false, 'gte'),
  op('Bool', 'bool', false),
  op('BinaryEquals', 'binary', false),
  op('IpAddress', 'ip', false),
  op('NotIpAddress', 'ip', true),
  op('ArnEquals', 'arn', false),
  op('ArnLike', 'arn', false),
  op('ArnNotEquals', 'arn', true),
  op('ArnNotLike', 'arn', true),
  op('Null', 'null', false),
];

function op(name: string, family: OperatorFamily, negated: boolean, comparison: Comparison = 'eq'): OperatorInfo {
  return { name, family, negated, comparison };
}

const BY_NAME = new Map(TABLE.map((info) => [info.name.toLowerCase(), info]));

export const OPERATOR_NAMES: readonly string[] = TABLE.map((info) => info.name);

/**
 * Parses an operator name; null for an unknown operator. Names are matched
 * case-insensitively (AWS's documentation is silent on case; policies in the wild use
 * the canonical spelling, and accepting variants only affects lenient evaluation).
 */
export function parseOperator(text: string): ParsedOperator | null {
  let rest = text;
  let qualifier: SetQualifier = 'none';
  const lower = rest.toLowerCase();
  if (lower.startsWith('forallvalues:')) {
    qualifier = 'ForAllValues';
    rest = rest.slice('forallvalues:'.length);
  } else if (lower.startsWith('foranyvalue:')) {
    qualifier = 'ForAnyValue';
    rest = rest.slice('foranyvalue:'.length);
  }
  let ifExists = false;
  let baseLower = rest.toLowerCase();
  if (baseLower.endsWith('ifexists')) {
    ifExists = true;
    baseLower = baseLower.slice(0, -'ifexists'.length);
  }
  const info = BY_NAME.get(baseLower);
  if (info === undefined) return null;
  // Null tests presence itself; "NullIfExists" and a set-qualified Null mean nothing.
  if (info.family === 'null' && (ifExists || qualifier !== 'none')) return null;
  return { qualifier, ifExists, info };
}
