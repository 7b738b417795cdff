import type { OperationContext, SecretSealer } from '../kernel/operation.ts';
import { isoSeconds } from '../kernel/clock.ts';
import type { ContextValue, Decision } from '../policy/index.ts';
import type { DecodeAuthorizationMessageRequest, DecodeAuthorizationMessageResponse } from '../protocol/generated/sts.ts';
import type { StsHandlerTable } from './handler.ts';
import { invalidAuthorizationMessage } from './errors.ts';

/**
 * Encoded authorization failures. An AccessDenied answer carries "Encoded authorization
 * failure message: <blob>", the full explanation of the decision — which statements matched,
 * why it failed, and every condition key of the request — sealed so that the caller can read
 * it only through sts:DecodeAuthorizationMessage (whose permission an administrator grants
 * deliberately: the explanation may show policies the caller cannot otherwise read) and
 * nobody can forge one. Sealing uses the server's secret sealer (authenticated encryption
 * under the master key) with its own context, so no other sealed value passes for a message.
 *
 * The decoded message has AWS's shape: `allowed`, `explicitDeny`, `matchedStatements`,
 * `failures`, `context` {principal, action, resource, conditions}, lists as `{items: […]}`.
 */
const SEAL_CONTEXT = 'sts:authorization-message';

/** What precedes the encoded message in an AccessDenied text that carries one. */
export const ENCODED_MESSAGE_MARKER = ' Encoded authorization failure message: ';

/**
 * The decoded JSON must seal into at most 10,240 characters, the model's limit for
 * DecodeAuthorizationMessage's EncodedMessage (sealing adds 96 bytes, then base64url 4/3).
 */
const MAX_DECODED_BYTES = 7_000;

/** What the authorize stage knows of a denied request. */
export interface AuthorizationFailure {
  principal: { arn: string; id?: string; name?: string };
  action: string;
  resource: string;
  /** The engine's decision (never Allowed here). */
  decision: Pick<Decision, 'decision' | 'reason' | 'deciding' | 'missingContextKeys'>;
  /** Every condition key the request was decided with (global, session and operation keys). */
  context: Readonly<Record<string, ContextValue>>;
}

interface Items<T> { items: T[] }

interface DecodedMessage {
  allowed: boolean;
  explicitDeny: boolean;
  matchedStatements: Items<{ statementId: string; effect: 'ALLOW' | 'DENY'; policy: string; policyKind: string; statementIndex: number }>;
  failures: Items<string>;
  context: {
    principal: { id?: string; name?: string; arn: string };
    action: string;
    resource: string;
    conditions: Items<{ key: string; values: Items<{ value: string }> }>;
  };
}

export function encodeAuthorizationMessage(secrets: SecretSealer, details: AuthorizationFailure): string {
  return secrets.seal(fitted(decodedMessage(details)), SEAL_CONTEXT);
}

function decodedMessage(details: AuthorizationFailure): DecodedMessage {
  const { decision } = details;
  return {
    allowed: decision.decision === 'Allowed',
    explicitDeny: decision.decision === 'ExplicitDeny',
    matchedStatements: {
      items: decision.deciding.map((statement) => ({
        statementId: statement.sid ?? '',
        effect: statement.effect === 'Deny' ? 'DENY' : 'ALLOW',
        policy: statement.policy,
        policyKind: statement.policyKind,
        statementIndex: statement.statementIndex,
      })),
    },
    failures: { items: [decision.reason, ...decision.missingContextKeys.map((key) => `missing context key: ${key}`)] },
    context: {
      principal: {
        ...(details.principal.id !== undefined ? { id: details.principal.id } : {}),
        ...(details.principal.name !== undefined ? { name: details.principal.name } : {}),
        arn: details.principal.arn,
      },
      action: details.action,
      resource: details.resource,
      conditions: {
        items: Object.keys(details.context).sort().map((key) => ({ key, values: { items: valuesOf(details.context[key]!).map((value) => ({ value })) } })),
      },
    },
  };
}

function valuesOf(value: ContextValue): string[] {
  const scalars = Array.isArray(value) ? value : [value];
  return scalars.map((scalar) => (scalar instanceof Date ? isoSeconds(scalar) : String(scalar)));
}

/** The JSON, trimmed to fit: condition keys go first (from the end), then matched statements. */
function fitted(message: DecodedMessage): string {
  let json = JSON.stringify(message);
  while (Buffer.byteLength(json) > MAX_DECODED_BYTES && message.context.conditions.items.length > 0) {
    message.context.conditions.items.pop();
    json = JSON.stringify(message);
  }
  while (Buffer.byteLength(json) > MAX_DECODED_BYTES && message.matchedStatements.items.length > 0) {
    message.matchedStatements.items.pop();
    json = JSON.stringify(message);
  }
  return json;
}

/** The account a decoded message belongs to: its caller's (from the principal ARN). */
function accountOf(message: unknown): string | undefined {
  const arn = (message as { context?: { principal?: { arn?: unknown } } } | null)?.context?.principal?.arn;
  if (typeof arn !== 'string') return undefined;
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
}

/**
 * sts:DecodeAuthorizationMessage (authorized against "*"): the explanation, for a message this
 * server sealed for a caller of the same account. Anything else — altered, forged, truncated,
 * sealed for another purpose, or another account's — is the same InvalidAuthorizationMessage.
 */
async function decodeAuthorizationMessage(input: DecodeAuthorizationMessageRequest, ctx: OperationContext): Promise<DecodeAuthorizationMessageResponse> {
  let json: string;
  try {
    json = ctx.secrets.open(input.EncodedMessage.trim(), SEAL_CONTEXT);
  } catch {
    throw invalidAuthorizationMessage();
  }
  let message: unknown;
  try {
    message = JSON.parse(json);
  } catch {
    throw invalidAuthorizationMessage();
  }
  if (accountOf(message) !== ctx.principal.accountId) throw invalidAuthorizationMessage();
  return { DecodedMessage: json };
}

export const authorizationMessageHandlers = {
  DecodeAuthorizationMessage: decodeAuthorizationMessage,
} satisfies StsHandlerTable;
