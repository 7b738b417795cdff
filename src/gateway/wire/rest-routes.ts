// REST operations (S3's REST-XML, Lambda's REST-JSON) are told apart by their HTTP binding in
// the model: method, `requestUri` template (`/{Bucket}/{Key+}?uploads`), the literal query keys
// of the template, and the query parameters and headers the input requires (UploadPart needs
// `partNumber` and `uploadId`; CopyObject needs `x-amz-copy-source`). The request matches the
// most specific binding. A request carrying a query parameter no candidate declares matches
// nothing: an upstream may give it a meaning (a sub-resource) that was never authorized.

import { inputShape, type GatewayModel, type OperationBinding } from '../model.ts';
import type { HeaderMap } from './headers.ts';
import type { QueryMap } from './query-string.ts';

type Segment = { literal: string } | { label: string; greedy: boolean };

export interface RestRoute {
  readonly operation: OperationBinding;
  readonly method: string;
  readonly segments: readonly Segment[];
  /** Literal query of the template: `?acl` → [acl, undefined]; `?list-type=2` → [list-type, '2']. */
  readonly literalQuery: readonly (readonly [string, string | undefined])[];
  readonly requiredQuery: readonly string[];
  readonly requiredHeaders: readonly string[];
  /** Every query name the operation may carry. */
  readonly declaredQuery: ReadonlySet<string>;
  readonly specificity: number;
}

/** The model's bindings, most specific first (equally specific ones in the model's order): the first that matches is the one. */
export function compileRoutes(model: GatewayModel): RestRoute[] {
  return [...model.operations.values()].map((operation) => compileRoute(model, operation)).sort((a, b) => b.specificity - a.specificity);
}

function compileRoute(model: GatewayModel, operation: OperationBinding): RestRoute {
  const [pathPart = '', queryPart] = splitOnce(operation.requestUri, '?');
  const rawSegments = pathPart.split('/').slice(1);
  if (rawSegments.at(-1) === '') rawSegments.pop();
  const segments: Segment[] = rawSegments.map((raw) => {
    if (raw.startsWith('{') && raw.endsWith('}')) {
      const inner = raw.slice(1, -1);
      return inner.endsWith('+') ? { label: inner.slice(0, -1), greedy: true } : { label: inner, greedy: false };
    }
    return { literal: raw };
  });
  const literalQuery: [string, string | undefined][] = [];
  for (const pair of queryPart === undefined ? [] : queryPart.split('&')) {
    const [key = '', value] = splitOnce(pair, '=');
    literalQuery.push([key, value]);
  }
  const shape = inputShape(model, operation);
  const members = shape?.members ?? {};
  const required = new Set(shape?.required ?? []);
  const requiredQuery: string[] = [];
  const requiredHeaders: string[] = [];
  const declaredQuery = new Set(literalQuery.map(([key]) => key));
  for (const [name, member] of Object.entries(members)) {
    const wire = member.locationName ?? name;
    if (member.location === 'querystring') {
      declaredQuery.add(wire);
      if (required.has(name)) requiredQuery.push(wire);
    } else if (member.location === 'header' && required.has(name)) {
      requiredHeaders.push(wire.toLowerCase());
    }
  }
  const literalSegments = segments.filter((segment) => 'literal' in segment).length;
  const specificity = literalSegments * 1000 + literalQuery.length * 100 + (requiredQuery.length + requiredHeaders.length) * 10;
  return { operation, method: operation.method, segments, literalQuery, requiredQuery, requiredHeaders, declaredQuery, specificity };
}

export interface RouteMatch {
  readonly route: RestRoute;
  /** Decoded path labels by name (a greedy label keeps its `/`). */
  readonly labels: ReadonlyMap<string, string>;
}

/**
 * The most specific route the request matches, of `routes` as compileRoutes orders them (the
 * first match). `segments` are the request path's raw (percent-encoded) segments after the
 * leading `/`. The query and header conditions are tried before the path, which allocates.
 */
export function matchRoute(
  routes: readonly RestRoute[],
  method: string,
  segments: readonly string[],
  query: QueryMap,
  headers: HeaderMap,
  isAuthParameter: (name: string) => boolean,
): RouteMatch | undefined {
  const decoded: string[] = [];
  for (const segment of segments) {
    const value = decodeSegment(segment);
    if (value === undefined) return undefined;
    decoded.push(value);
  }
  for (const route of routes) {
    if (route.method !== method) continue;
    if (!route.literalQuery.every(([key, value]) => query.has(key) && (value === undefined || query.get(key)?.[0] === value))) continue;
    if (!route.requiredQuery.every((name) => query.has(name))) continue;
    if (!route.requiredHeaders.every((name) => headers.has(name))) continue;
    if (!declaresAll(route, query, isAuthParameter)) continue;
    const labels = matchPath(route.segments, decoded);
    if (labels === undefined) continue;
    return { route, labels };
  }
  return undefined;
}

function declaresAll(route: RestRoute, query: QueryMap, isAuthParameter: (name: string) => boolean): boolean {
  for (const name of query.keys()) {
    if (!route.declaredQuery.has(name) && !isAuthParameter(name)) return false;
  }
  return true;
}

function matchPath(template: readonly Segment[], decoded: readonly string[]): Map<string, string> | undefined {
  const labels = new Map<string, string>();
  let index = 0;
  for (const segment of template) {
    if ('literal' in segment) {
      if (decoded[index] !== segment.literal) return undefined;
      index++;
      continue;
    }
    if (segment.greedy) {
      const rest = decoded.slice(index).join('/');
      if (rest === '') return undefined;
      labels.set(segment.label, rest);
      index = decoded.length;
      continue;
    }
    const value = decoded[index];
    if (value === undefined || value === '') return undefined;
    labels.set(segment.label, value);
    index++;
  }
  // What is left may only be the empty segment of a trailing `/`.
  const left = decoded.length - index;
  return left === 0 || (left === 1 && decoded[index] === '') ? labels : undefined;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
