// CloudWatch Logs' logGroupIdentifier on the operations whose input takes logGroupName too
// (in the model: DescribeLogStreams, FilterLogEvents, GetLogEvents, GetLogGroupFields). AWS reads
// either member — a name, or a log group ARN with or without a trailing `:*` — but not both.
//
// moto_server does not read an identifier as AWS does: its lookup loops over the region's log
// groups and keeps the last one whatever matched (GetLogEvents by the ARN of one group read the
// newest group's events), and its FilterLogEvents ignores the member. So the gateway authorizes
// the group the identifier names (services/logs.ts reads it) and forwards the request naming
// that group by logGroupName, which moto and AWS read alike (docs/gateway.md, "Ambiguous requests"):
//
//   - mapping (`logGroupIdentifierRefusal`, from resource-name-ambiguity.ts): an identifier that
//     is a log group ARN of another partition, region or account than the request's is refused,
//     as is one that is neither a name nor a log group ARN. The request is forwarded to act in the
//     caller's account, where the bare name would find the caller's own group of that name.
//   - forwarding (`forwardedLogsBody`, from server/gateway/gateway-request.ts, once decided):
//     the JSON body's top-level logGroupIdentifier is replaced, where it stands, by logGroupName;
//     the other members go as they were parsed and decided on. The forwarder signs the body it
//     sends and sets its Content-Length (forward.ts, upstream-http.ts). A request naming its
//     group by both members is answered as CloudWatch Logs answers it, InvalidParameterException
//     (400), once decided (on logGroupName) and before anything is sent.
//
// Operations that take only logGroupIdentifier are left as they are.

import { gatewayError } from './errors.ts';
import type { IdentifiedRequest } from './identify.ts';
import { inputMembers, loadGatewayModel, type OperationBinding } from './model.ts';
import { groupName } from './services/logs.ts';
import type { GatewayRequest } from './types.ts';

const IDENTIFIER = 'logGroupIdentifier';
const NAME = 'logGroupName';

/**
 * The API reference's sentence (API_GetLogEvents and the others: "You must include either
 * logGroupIdentifier or logGroupName, but not both."). AWS's own message for it was not found;
 * LocalStack answers "LogGroup name and LogGroup ARN are mutually exclusive parameters." (as a
 * ValidationException), which could not be confirmed against AWS either.
 */
export const BOTH_MEMBERS_MESSAGE = 'You must include either logGroupIdentifier or logGroupName, but not both.';

/** Whether the operation's input has both logGroupName and logGroupIdentifier. */
export function takesNameAndIdentifier(operation: OperationBinding): boolean {
  const members = inputMembers(loadGatewayModel('logs'), operation);
  return Object.hasOwn(members, IDENTIFIER) && Object.hasOwn(members, NAME);
}

/** Where the request acts: its region and the account the upstream reads a bare name in. */
interface Acting {
  readonly region: string;
  readonly accountId: string;
}

/** The log group name an identifier names in the acting region and account, or why it names none there. */
export function identifiedGroup(identifier: unknown, acting: Acting): { name: string } | { refusal: string } {
  if (typeof identifier !== 'string' || identifier === '') return { refusal: 'logGroupIdentifier must name a log group, by its name or its ARN' };
  const group = groupName(identifier);
  if (group === undefined || group['LogGroupName'] === undefined) {
    return { refusal: `logGroupIdentifier ${clipped(identifier)} is neither a log group name nor a log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>)` };
  }
  if (identifier.startsWith('arn:')) {
    const partition = identifier.split(':')[1] ?? '';
    if (partition !== 'aws') return { refusal: `logGroupIdentifier names a log group in the partition ${clipped(partition)}: Tessera acts in the aws partition` };
    if (group['Region'] !== acting.region) return { refusal: `logGroupIdentifier names a log group in the region ${clipped(group['Region'] ?? '')}: this request is signed for ${clipped(acting.region)}` };
    if (group['Account'] !== acting.accountId) {
      return { refusal: `logGroupIdentifier names a log group of the account ${clipped(group['Account'] ?? '')}: Tessera reads a log group of the account ${acting.accountId} only, by its name` };
    }
  }
  return { name: group['LogGroupName'] };
}

/**
 * Why the request's logGroupIdentifier cannot be forwarded as a logGroupName, or undefined.
 * Named by both members, it is decided on logGroupName and answered by the forwarder
 * (`forwardedLogsBody`) with CloudWatch Logs' InvalidParameterException.
 */
export function logGroupIdentifierRefusal(identified: IdentifiedRequest, request: GatewayRequest): string | undefined {
  if (!identified.input.has(IDENTIFIER) || identified.input.has(NAME) || !takesNameAndIdentifier(identified.operation)) return undefined;
  const group = identifiedGroup(identified.input.get(IDENTIFIER), { region: request.region, accountId: request.ownerAccountId });
  return 'refusal' in group ? `${identified.operation.name}: ${group.refusal}` : undefined;
}

/**
 * The body a CloudWatch Logs request is forwarded with, once decided: its logGroupIdentifier
 * replaced by logGroupName where it stood (the other members as they were parsed and decided
 * on), or the body unchanged (another service or operation, no identifier). Named by both
 * members, it is CloudWatch Logs' InvalidParameterException; an identifier the mapping should
 * have refused is refused again, never forwarded.
 */
export function forwardedLogsBody(service: string, operationName: string, acting: Acting, body: Buffer): Buffer {
  if (service !== 'logs') return body;
  const operation = loadGatewayModel('logs').operations.get(operationName);
  if (operation === undefined || !takesNameAndIdentifier(operation)) return body;
  // identify.ts parsed it as one JSON object (no member twice) before anything was decided.
  const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  if (!Object.hasOwn(parsed, IDENTIFIER)) return body;
  if (Object.hasOwn(parsed, NAME)) throw gatewayError('InvalidParameterException', BOTH_MEMBERS_MESSAGE, 400);
  const group = identifiedGroup(parsed[IDENTIFIER], acting);
  if ('refusal' in group) throw gatewayError('InvalidParameterException', group.refusal, 400);
  // fromEntries defines each member (a `__proto__` member stays a member).
  return Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(parsed).map(([member, value]) => (member === IDENTIFIER ? [NAME, group.name] : [member, value])))), 'utf8');
}

function clipped(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
