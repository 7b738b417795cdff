// One gateway request on its way through Tessera: the connection, the request's context and
// what the stages learned about it that later stages need.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WireProtocol } from '../../gateway/model.ts';
import type { Route } from '../../gateway/route.ts';
import type { ServerDeps } from '../deps.ts';
import type { RequestContext } from '../request-context.ts';

export type GatewayRoute = Extract<Route, { kind: 'gateway' }>;

export interface Flow {
  req: IncomingMessage;
  res: ServerResponse;
  ctx: RequestContext;
  deps: ServerDeps;
  route: GatewayRoute;
  protocol: WireProtocol;
  expectsContinue: boolean;
  /** Whether the request's body has been read (or there is none): a refusal may keep the connection. */
  bodyDone: boolean;
  /** S3 buckets the upstream says do not exist, found while their owners were looked up. */
  absentBuckets?: Set<string>;
}
