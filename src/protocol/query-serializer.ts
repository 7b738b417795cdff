// AWS Query protocol responses (IAM, STS): the operation's output shape written
// as AWS writes it,
//   <CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
//     <CreateUserResult>…</CreateUserResult>
//     <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata>
//   </CreateUserResponse>
// and errors as <ErrorResponse>. Members go out in model order; members the
// model does not declare are never written, so a handler cannot leak a field.

import { findErrorDefinition, inServiceDialect, toServiceError, type ServiceError } from './errors.ts';
import { loadServiceModel, shapeOf, type ServiceModel, type ServiceName, type ShapeRef, type StructureShape } from './model.ts';
import { formatIsoTimestamp, toBase64 } from './scalars.ts';
import { renderXmlDocument, type XmlElement } from './xml.ts';

export const QUERY_CONTENT_TYPE = 'text/xml';

/** The namespace AWS uses for errors raised before an operation is resolved. */
export const AWS_FAULT_NAMESPACE = 'http://webservices.amazon.com/AWSFault/2005-15-09';

export function serializeQueryResponse(
  service: ServiceName,
  operation: string,
  output: object | undefined,
  requestId: string,
): string {
  return renderQueryResponse(queryModel(service), operation, output, requestId);
}

/** The response document for an operation of any Query model (exported for tests with synthetic models). */
export function renderQueryResponse(
  model: ServiceModel,
  operation: string,
  output: object | undefined,
  requestId: string,
): string {
  const service = model.service;
  const op = model.operations.get(operation);
  if (op === undefined) throw new Error(`${service} has no operation ${operation}`);
  const children: XmlElement[] = [];
  if (op.output !== undefined) {
    const shape = shapeOf(model, op.output.shape);
    if (shape.type !== 'structure') throw new Error(`${service} ${operation} output is not a structure`);
    children.push({
      name: op.output.resultWrapper ?? `${operation}Result`,
      children: structureElements(model, shape, (output ?? {}) as Record<string, unknown>),
    });
  }
  children.push(responseMetadata(requestId));
  return renderXmlDocument({
    name: `${operation}Response`,
    attributes: { xmlns: xmlNamespace(model) },
    children,
  });
}

/**
 * `<ErrorResponse>` for any thrown value: a ServiceError as it is, anything
 * else as a generic InternalFailure (never a stack trace).
 */
export function serializeQueryError(service: ServiceName, err: ServiceError | unknown, requestId: string): string {
  const model = queryModel(service);
  const error = inServiceDialect(toServiceError(err, service), service);
  const definition = findErrorDefinition(service, error.code);
  const fields: XmlElement[] = [
    { name: 'Type', text: error.type },
    { name: 'Code', text: error.code },
  ];
  if (error.message !== '') fields.push({ name: 'Message', text: error.message });
  for (const [name, value] of Object.entries(error.fields)) fields.push({ name, text: value });
  return renderXmlDocument({
    name: 'ErrorResponse',
    attributes: { xmlns: definition?.faultNamespace === true ? AWS_FAULT_NAMESPACE : xmlNamespace(model) },
    children: [{ name: 'Error', children: fields }, { name: 'RequestId', text: requestId }],
  });
}

/** Status, headers and body of a Query error answer, for the server. */
export function queryErrorResponse(
  service: ServiceName,
  err: unknown,
  requestId: string,
): { status: number; headers: Record<string, string>; body: string } {
  const error = inServiceDialect(toServiceError(err, service), service);
  return {
    status: error.httpStatus,
    headers: { 'Content-Type': QUERY_CONTENT_TYPE, 'x-amzn-RequestId': requestId },
    body: serializeQueryError(service, error, requestId),
  };
}

function queryModel(service: ServiceName): ServiceModel {
  const model = loadServiceModel(service);
  if (model.metadata.protocol !== 'query') throw new Error(`${service} does not speak the Query protocol`);
  return model;
}

function xmlNamespace(model: ServiceModel): string {
  return model.metadata.xmlNamespace ?? `https://${model.metadata.endpointPrefix}.amazonaws.com/doc/${model.metadata.apiVersion}/`;
}

function responseMetadata(requestId: string): XmlElement {
  return { name: 'ResponseMetadata', children: [{ name: 'RequestId', text: requestId }] };
}

/** A structure's members in model order, listed once per shape (models are loaded once and never change). */
const MEMBERS = new WeakMap<StructureShape, ReadonlyArray<readonly [string, ShapeRef]>>();

function membersOf(shape: StructureShape): ReadonlyArray<readonly [string, ShapeRef]> {
  let members = MEMBERS.get(shape);
  if (members === undefined) MEMBERS.set(shape, (members = Object.entries(shape.members)));
  return members;
}

function structureElements(model: ServiceModel, shape: StructureShape, value: Record<string, unknown>): XmlElement[] {
  const elements: XmlElement[] = [];
  for (const [memberName, ref] of membersOf(shape)) {
    const memberValue = Object.hasOwn(value, memberName) ? value[memberName] : undefined;
    if (memberValue === undefined || memberValue === null) continue;
    for (const element of valueElements(model, ref.locationName ?? memberName, ref, memberValue)) elements.push(element);
  }
  return elements;
}

/** One element per value, except flattened lists and maps, which repeat the element. */
function valueElements(model: ServiceModel, name: string, ref: ShapeRef, value: unknown): XmlElement[] {
  const shape = shapeOf(model, ref.shape);
  switch (shape.type) {
    case 'structure':
      return [{ name, children: structureElements(model, shape, asRecord(value)) }];
    case 'list': {
      const items = (Array.isArray(value) ? value : []).filter((item) => item !== undefined && item !== null);
      if (shape.flattened === true || ref.flattened === true) {
        return items.flatMap((item) => valueElements(model, shape.member.locationName ?? name, shape.member, item));
      }
      const memberName = shape.member.locationName ?? 'member';
      return [{ name, children: items.flatMap((item) => valueElements(model, memberName, shape.member, item)) }];
    }
    case 'map': {
      const entries = (value instanceof Map ? [...value.entries()] : Object.entries(asRecord(value))).filter(
        ([, v]) => v !== undefined && v !== null,
      );
      const keyName = shape.key.locationName ?? 'key';
      const valueName = shape.value.locationName ?? 'value';
      const entryElements = entries.map(([k, v]): XmlElement => ({
        name: shape.flattened === true || ref.flattened === true ? name : 'entry',
        children: [{ name: keyName, text: String(k) }, ...valueElements(model, valueName, shape.value, v)],
      }));
      return shape.flattened === true || ref.flattened === true ? entryElements : [{ name, children: entryElements }];
    }
    case 'timestamp':
      return [{ name, text: formatIsoTimestamp(value) }];
    case 'boolean':
      return [{ name, text: value === true || value === 'true' ? 'true' : 'false' }];
    case 'blob':
      return [{ name, text: toBase64(value) }];
    default:
      return [{ name, text: String(value) }];
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
