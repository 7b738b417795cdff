// EC2's reads upstream, in its own API (the Query protocol, EC2's dialect), with the gateway's
// credentials in the resource's account: an existing resource's tags, for ec2:ResourceTag/<key>
// and aws:ResourceTag/<key> (resolve-target.ts caches them as every service's tags are cached).
// An answer naming no tag (a resource the upstream does not know, or an untagged one) is no tags;
// any other failure throws, and the request is refused rather than decided without them.

import type { Element } from '@xmldom/xmldom';
import { errorCodeOf, type ReadContext } from './upstream-reads.ts';
import { childText, descendants, UpstreamReadError, xmlRoot } from './upstream-xml.ts';
import type { UpstreamResponse } from './upstream-http.ts';

export const EC2_API_VERSION = '2016-11-15';

/** The most pages of DescribeTags read for one resource (1,000 tags a page; AWS allows 50 a resource). */
const MAX_TAG_PAGES = 5;

/** Answers meaning "no such resource" (its tags are then none). */
const NOT_FOUND = /^Invalid[A-Za-z]*\.(NotFound|Malformed)$/;

/** The resource's ID: the last part of its ARN (`…:instance/i-0abc` → `i-0abc`). */
export function ec2ResourceId(arn: string): { type: string; id: string } | undefined {
  const resource = arn.split(':').slice(5).join(':');
  const slash = resource.indexOf('/');
  if (slash <= 0) return undefined;
  const id = resource.slice(slash + 1);
  return id === '' || id.includes('*') || id.includes('/') ? undefined : { type: resource.slice(0, slash), id };
}

/** The tags of an existing EC2 resource (`DescribeTags` filtered by its ID; a key pair by its name, `DescribeKeyPairs`). */
export async function readEc2ResourceTags(arn: string, { call }: ReadContext): Promise<Record<string, string> | undefined> {
  const resource = ec2ResourceId(arn);
  if (resource === undefined) return undefined;
  if (resource.type === 'key-pair') {
    const response = await ec2Call(call, { Action: 'DescribeKeyPairs', 'KeyName.1': resource.id });
    if (response === undefined) return undefined;
    const item = descendants(xmlRoot(response.body), 'item').find((element) => childText(element, 'keyName') === resource.id);
    return item === undefined ? undefined : tagSet(item);
  }
  const tags: Record<string, string> = {};
  let token: string | undefined;
  for (let page = 0; page < MAX_TAG_PAGES; page++) {
    const response = await ec2Call(call, {
      Action: 'DescribeTags', 'Filter.1.Name': 'resource-id', 'Filter.1.Value.1': resource.id, MaxResults: '1000', ...(token ? { NextToken: token } : {}),
    });
    if (response === undefined) return tags;
    const root = xmlRoot(response.body);
    for (const item of descendants(root, 'item')) {
      if (childText(item, 'resourceId') !== resource.id) continue;
      const key = childText(item, 'key');
      if (key !== undefined) Object.defineProperty(tags, key, { value: childText(item, 'value') ?? '', enumerable: true, writable: true });
    }
    token = childText(root, 'nextToken')?.trim() || undefined;
    if (token === undefined) return tags;
  }
  throw new UpstreamReadError(`the upstream answered more than ${MAX_TAG_PAGES} pages of tags for ${resource.id}`);
}

async function ec2Call(call: ReadContext['call'], params: Record<string, string>): Promise<UpstreamResponse | undefined> {
  const response = await call({
    method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: Buffer.from(new URLSearchParams({ ...params, Version: EC2_API_VERSION }).toString()),
  });
  if (response.status >= 200 && response.status < 300) return response;
  const code = errorCodeOf(response);
  if (response.status === 404 || (code !== undefined && NOT_FOUND.test(code))) return undefined;
  throw new UpstreamReadError(`the upstream answered ${response.status}${code ? ` ${code}` : ''} to ${params['Action']}`);
}

/** The `<tagSet><item><key/><value/></item></tagSet>` directly under an element. */
function tagSet(element: Element): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let node = element.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType !== 1 || (node as Element).localName !== 'tagSet') continue;
    for (const item of descendants(node as Element, 'item')) {
      const key = childText(item, 'key');
      if (key !== undefined) Object.defineProperty(tags, key, { value: childText(item, 'value') ?? '', enumerable: true, writable: true });
    }
  }
  return tags;
}

