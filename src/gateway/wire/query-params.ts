// Query-protocol parameters (SNS; SQS's query form) read into the operation's input as the model
// shapes it: `Tags.member.1.Key=k` (lists), `Tag.1.Key=k` (flattened), `Attributes.entry.1.key=k`
// (maps). Only as far as authorization needs: scalars stay strings. EC2's dialect (`naming`
// `ec2`) names a member by its `queryName`, else its `locationName` capitalized, else its own
// name (botocore's EC2 serializer), and flattens every list (`InstanceId.1`, `Filter.1.Name`).

import type { GatewayModel } from '../model.ts';
import { LIMITS } from './limits.ts';
import type { QueryMap } from './query-string.ts';

export interface QueryNode {
  value?: string;
  readonly children: Map<string, QueryNode>;
}

export function buildTree(params: QueryMap): QueryNode | undefined {
  const root: QueryNode = { children: new Map() };
  for (const [name, values] of params) {
    const parts = name.split('.');
    if (parts.length > LIMITS.depth) return undefined;
    let node = root;
    for (const part of parts) {
      let child = node.children.get(part);
      if (child === undefined) {
        child = { children: new Map() };
        node.children.set(part, child);
      }
      node = child;
    }
    // The first occurrence wins, as AWS reads a repeated parameter.
    node.value ??= values[0];
  }
  return root;
}

/**
 * Read a structure's members from the tree. `aliases` gives other wire names of a member (SQS's
 * query form names `tags` `Tag` and `TagKeys` `TagKey`).
 */
export type QueryNaming = 'query' | 'ec2';

/** A member's parameter name in EC2's dialect: its `queryName`, else its `locationName` capitalized, else its own name. */
export function ec2WireName(member: { readonly queryName?: string; readonly locationName?: string }, name: string): string {
  return member.queryName ?? (member.locationName !== undefined ? member.locationName.charAt(0).toUpperCase() + member.locationName.slice(1) : name);
}

export function readStructure(model: GatewayModel, shapeName: string, node: QueryNode, aliases: Readonly<Record<string, string>> = {}, naming: QueryNaming = 'query', depth = 0): Map<string, unknown> {
  const result = new Map<string, unknown>();
  if (depth > LIMITS.depth) return result;
  const members = model.shapes.get(shapeName)?.members ?? {};
  for (const [name, member] of Object.entries(members)) {
    const wireNames = naming === 'ec2'
      ? [ec2WireName(member, name)]
      : [member.locationName ?? name, name, ...(Object.hasOwn(aliases, name) ? [aliases[name]!] : [])];
    const child = wireNames.map((wire) => node.children.get(wire)).find((found) => found !== undefined);
    if (child === undefined) continue;
    const value = readValue(model, member.shape, child, depth, naming);
    if (value !== undefined) result.set(name, value);
  }
  return result;
}

function readValue(model: GatewayModel, shapeName: string, node: QueryNode, depth: number, naming: QueryNaming): unknown {
  if (depth > LIMITS.depth) return undefined;
  const shape = model.shapes.get(shapeName);
  if (shape === undefined) return node.value;
  switch (shape.type) {
    case 'structure':
      return Object.fromEntries(readStructure(model, shapeName, node, {}, naming, depth + 1));
    case 'list': {
      const items = naming === 'ec2' ? node : (node.children.get('member') ?? node);
      return indexed(items).map((item) => readValue(model, shape.member!.shape, item, depth + 1, naming));
    }
    case 'map': {
      const entries = node.children.get('entry') ?? node;
      const map: Record<string, unknown> = {};
      for (const entry of indexed(entries)) {
        const key = (entry.children.get('key') ?? entry.children.get('Key') ?? entry.children.get('Name'))?.value;
        const value = entry.children.get('value') ?? entry.children.get('Value');
        if (key === undefined || value === undefined) continue;
        Object.defineProperty(map, key, { value: readValue(model, shape.value!.shape, value, depth + 1, naming), enumerable: true, writable: true, configurable: true });
      }
      return map;
    }
    default:
      return node.value;
  }
}

/** Children named 1, 2, 3, … in numeric order (at most LIMITS.fanOut). */
function indexed(node: QueryNode): QueryNode[] {
  const items: [number, QueryNode][] = [];
  for (const [key, child] of node.children) {
    if (!/^[1-9][0-9]{0,5}$/.test(key)) continue;
    items.push([Number(key), child]);
    if (items.length >= LIMITS.fanOut) break;
  }
  return items.sort((a, b) => a[0] - b[0]).map(([, child]) => child);
}
