import type { AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, PutEventSelectorsRequest, ReadWriteType } from '../protocol/generated/cloudtrail.ts';
import { invalidEventSelectors, invalidParameterCombination } from './errors.ts';
import type { CloudTrailRecord } from './record.ts';
import type { EarlierSelectors, TrailData, TrailSelectors } from './trail-records.ts';

/**
 * A trail's event selectors (PutEventSelectors, GetEventSelectors), checked as CloudTrail checks
 * them, and which events they make the trail deliver.
 *
 * Basic selectors (at most 5): `ReadWriteType` (All), `IncludeManagementEvents` (true),
 * `ExcludeManagementEventSources` ([]) and `DataResources` of AWS::S3::Object,
 * AWS::Lambda::Function or AWS::DynamoDB::Table — at most 250 values in all — each an ARN prefix
 * as CloudTrail takes it: `arn:aws:s3` (every bucket) or `arn:aws:s3:::bucket/[prefix]`;
 * `arn:aws:lambda` or a function's ARN; `arn:aws:dynamodb` or a table's ARN (exact: a function
 * or table is not a prefix of another's name). A management event is delivered when a selector
 * includes management events, its read/write kind and not its source; a data event when a
 * selector's data resource names one of its resources and its read/write kind matches.
 *
 * Advanced selectors: each a list of field selectors, all of which must match (AND); an event is
 * delivered when any selector matches (OR). A field selector matches when the field's value
 * equals, starts or ends with one of its positive operators' values (if it has any) and with
 * none of its negative ones'. `eventCategory` is required (Equals Management or Data); for data
 * events `resources.type` too (Equals one type), and `resources.ARN` is matched against the
 * event's resources of that type. A management selector filters on `readOnly` and `eventSource`
 * (NotEquals) only, as CloudTrail's trails do; at most 500 values in all.
 *
 * An S3 data event with no object among its resources (ListObjects, DeleteObjects,
 * ListMultipartUploads) is matched as the bucket's `arn:aws:s3:::bucket/`: an S3 selector of the
 * whole bucket selects it, one of a key prefix does not.
 */
export const MAX_EVENT_SELECTORS = 5;
export const MAX_DATA_RESOURCE_VALUES = 250;
export const MAX_ADVANCED_VALUES = 500;
/** Replaced selectors kept for events not yet delivered; past this, the oldest are dropped (their events take the next ones). */
const MAX_EARLIER_SELECTORS = 50;

export const DEFAULT_EVENT_SELECTOR: Required<EventSelector> = { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] };

const S3_OBJECTS = /^arn:aws:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\//;
const LAMBDA_FUNCTION = /^arn:aws:lambda:[a-z0-9-]{1,32}:\d{12}:function:[A-Za-z0-9_-]{1,64}$/;
const DYNAMODB_TABLE = /^arn:aws:dynamodb:[a-z0-9-]{1,32}:\d{12}:table\/[A-Za-z0-9_.-]{3,255}$/;
const EVENT_SOURCE = /^[a-z0-9-]{1,64}(\.[a-z0-9-]{1,64}){0,3}\.amazonaws\.com$/;

/** The data resource types of basic selectors, and which values each takes. */
const BASIC_TYPES: Readonly<Record<string, (value: string) => boolean>> = {
  'AWS::S3::Object': (v) => v === 'arn:aws:s3' || v === 'arn:aws:s3:::' || S3_OBJECTS.test(v),
  'AWS::Lambda::Function': (v) => v === 'arn:aws:lambda' || LAMBDA_FUNCTION.test(v),
  'AWS::DynamoDB::Table': (v) => v === 'arn:aws:dynamodb' || DYNAMODB_TABLE.test(v),
};

/** The data resource types Tessera records data events of (gateway/data-events.ts). */
export const DATA_RESOURCE_TYPES: readonly string[] = ['AWS::S3::Object', 'AWS::DynamoDB::Table', 'AWS::Lambda::Function', 'AWS::SQS::Queue', 'AWS::SNS::Topic'];

const OPERATORS = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const;
const MANAGEMENT_FIELDS: ReadonlySet<string> = new Set(['eventCategory', 'eventSource', 'readOnly']);
const DATA_FIELDS: ReadonlySet<string> = new Set([
  'eventCategory', 'resources.type', 'resources.ARN', 'readOnly', 'eventName', 'eventSource', 'eventType', 'userIdentity.arn', 'sessionCredentialFromConsole',
]);
/** Fields that take Equals only, once per selector. */
const EQUALS_ONLY: ReadonlySet<string> = new Set(['eventCategory', 'resources.type', 'readOnly', 'sessionCredentialFromConsole']);
const BOOLEAN_FIELDS: ReadonlySet<string> = new Set(['readOnly', 'sessionCredentialFromConsole']);

// ---- PutEventSelectors: checked and completed ----

/** The selectors a PutEventSelectors sets, checked, with CloudTrail's defaults filled in. */
export function checkedSelectors(input: Pick<PutEventSelectorsRequest, 'EventSelectors' | 'AdvancedEventSelectors'>): TrailSelectors {
  const { EventSelectors: basic, AdvancedEventSelectors: advanced } = input;
  if (basic !== undefined && advanced !== undefined) throw invalidParameterCombination('You can use either EventSelectors or AdvancedEventSelectors, but not both.');
  if (advanced !== undefined) return { advanced: checkedAdvanced(advanced) };
  if (basic !== undefined) return { basic: checkedBasic(basic) };
  throw invalidEventSelectors('Specify EventSelectors or AdvancedEventSelectors.');
}

function checkedBasic(selectors: readonly EventSelector[]): EventSelector[] {
  if (selectors.length < 1 || selectors.length > MAX_EVENT_SELECTORS) {
    throw invalidEventSelectors(`A trail can have 1 to ${MAX_EVENT_SELECTORS} event selectors: ${selectors.length} were given.`);
  }
  const values = selectors.reduce((n, s) => n + (s.DataResources ?? []).reduce((m, r) => m + (r.Values?.length ?? 0), 0), 0);
  if (values > MAX_DATA_RESOURCE_VALUES) {
    throw invalidEventSelectors(`A trail is limited to ${MAX_DATA_RESOURCE_VALUES} data resources across its event selectors: ${values} were given.`);
  }
  return selectors.map((s) => ({
    ReadWriteType: s.ReadWriteType ?? 'All',
    IncludeManagementEvents: s.IncludeManagementEvents ?? true,
    DataResources: (s.DataResources ?? []).map(checkedDataResource),
    ExcludeManagementEventSources: (s.ExcludeManagementEventSources ?? []).map((source) => {
      if (!EVENT_SOURCE.test(source)) throw invalidEventSelectors(`Value ${source} for ExcludeManagementEventSources is invalid.`);
      return source;
    }),
  }));
}

function checkedDataResource(resource: DataResource): DataResource {
  const type = resource.Type;
  const valid = type !== undefined && Object.hasOwn(BASIC_TYPES, type) ? BASIC_TYPES[type]! : undefined;
  if (!valid) throw invalidEventSelectors(`Value ${type ?? 'null'} for DataResources.Type is invalid.`);
  const values = resource.Values ?? [];
  if (values.length === 0) throw invalidEventSelectors(`DataResources.Values of ${type} must name at least one ARN or ARN prefix.`);
  for (const value of values) if (!valid(value)) throw invalidEventSelectors(`Value ${value} for DataResources.Values is invalid.`);
  return { Type: type, Values: [...values] };
}

function checkedAdvanced(selectors: readonly AdvancedEventSelector[]): AdvancedEventSelector[] {
  if (selectors.length === 0) throw invalidEventSelectors('Specify at least one advanced event selector.');
  const values = selectors.reduce((n, s) => n + s.FieldSelectors.reduce((m, f) => m + OPERATORS.reduce((k, op) => k + (f[op]?.length ?? 0), 0), 0), 0);
  if (values > MAX_ADVANCED_VALUES) {
    throw invalidEventSelectors(`A trail is limited to ${MAX_ADVANCED_VALUES} values for all conditions in all advanced event selectors: ${values} were given.`);
  }
  return selectors.map(checkedAdvancedSelector);
}

function checkedAdvancedSelector(selector: AdvancedEventSelector, index: number): AdvancedEventSelector {
  const which = selector.Name ? `the advanced event selector "${selector.Name}"` : `advanced event selector ${index + 1}`;
  const fields = selector.FieldSelectors.map((f) => checkedField(f, which));
  for (const field of EQUALS_ONLY) {
    if (fields.filter((f) => f.Field === field).length > 1) throw invalidEventSelectors(`The field ${field} can be used once only in ${which}.`);
  }
  const category = fields.find((f) => f.Field === 'eventCategory');
  if (!category) throw invalidEventSelectors(`The eventCategory field is required in ${which}.`);
  const categoryValue = category.Equals?.length === 1 ? category.Equals[0] : undefined;
  if (categoryValue !== 'Management' && categoryValue !== 'Data') {
    throw invalidEventSelectors(`The eventCategory field of ${which} must equal Management or Data.`);
  }
  const allowed = categoryValue === 'Management' ? MANAGEMENT_FIELDS : DATA_FIELDS;
  for (const f of fields) {
    if (allowed.has(f.Field)) continue;
    if (DATA_FIELDS.has(f.Field)) throw invalidEventSelectors(`The field ${f.Field} is not supported for management events (in ${which}).`);
    throw invalidEventSelectors(`The field ${f.Field} is not valid (in ${which}).`);
  }
  for (const f of fields) {
    if (BOOLEAN_FIELDS.has(f.Field) && !f.Equals!.every((v) => v === 'true' || v === 'false')) {
      throw invalidEventSelectors(`The ${f.Field} field of ${which} must equal true or false.`);
    }
    if (categoryValue === 'Management' && f.Field === 'eventSource' && OPERATORS.some((op) => op !== 'NotEquals' && f[op] !== undefined)) {
      throw invalidEventSelectors(`The eventSource field of management events can use NotEquals only (in ${which}).`);
    }
  }
  if (categoryValue === 'Data') {
    const type = fields.find((f) => f.Field === 'resources.type');
    if (!type) throw invalidEventSelectors(`The resources.type field is required for data events (in ${which}).`);
    const value = type.Equals!.length === 1 ? type.Equals![0]! : type.Equals!.join(',');
    if (!DATA_RESOURCE_TYPES.includes(value)) {
      throw invalidEventSelectors(`Value ${value} for resources.type is invalid (in ${which}): Tessera records data events of ${DATA_RESOURCE_TYPES.join(', ')}.`);
    }
  }
  return { ...(selector.Name !== undefined ? { Name: selector.Name } : {}), FieldSelectors: fields };
}

function checkedField(field: AdvancedFieldSelector, which: string): AdvancedFieldSelector {
  const used = OPERATORS.filter((op) => field[op] !== undefined);
  if (used.length === 0) throw invalidEventSelectors(`The ${field.Field} field of ${which} has no operator: give Equals, StartsWith, EndsWith, NotEquals, NotStartsWith or NotEndsWith.`);
  if (EQUALS_ONLY.has(field.Field) && used.some((op) => op !== 'Equals')) throw invalidEventSelectors(`The ${field.Field} field of ${which} can use Equals only.`);
  const checked: AdvancedFieldSelector = { Field: field.Field };
  for (const op of used) checked[op] = [...field[op]!];
  return checked;
}

// ---- GetEventSelectors, and how PutEventSelectors keeps the ones it replaces ----

/** What GetEventSelectors and PutEventSelectors answer: the trail's selectors, or the default basic one. */
export function selectorsOutput(selectors: TrailSelectors | undefined): { EventSelectors: EventSelector[] } | { AdvancedEventSelectors: AdvancedEventSelector[] } {
  if (selectors === undefined) return { EventSelectors: [{ ...DEFAULT_EVENT_SELECTOR }] };
  return 'basic' in selectors ? { EventSelectors: selectors.basic } : { AdvancedEventSelectors: selectors.advanced };
}

/**
 * The trail with new selectors. Events already recorded (up to `newest`, the newest sequence
 * number) that the trail is still to deliver keep being matched against the selectors in force
 * when they happened, as CloudTrail matches them.
 */
export function withSelectors(data: TrailData, selectors: TrailSelectors, newest: number): TrailData {
  const earlier = data.earlierSelectors ?? [];
  const owed = (data.isLogging || data.finalDelivery !== undefined) && newest > data.cursor && (earlier.at(-1)?.untilSeq ?? -1) < newest;
  const kept = owed ? [...earlier, { untilSeq: newest, ...(data.eventSelectors ? { selectors: data.eventSelectors } : {}) }].slice(-MAX_EARLIER_SELECTORS) : earlier;
  const { earlierSelectors: _earlier, ...rest } = data;
  return { ...rest, eventSelectors: selectors, ...(kept.length > 0 ? { earlierSelectors: kept } : {}) };
}

/** The replaced selectors still needed once the trail's cursor reached `cursor`. */
export function earlierAfter(earlier: readonly EarlierSelectors[] | undefined, cursor: number): EarlierSelectors[] | undefined {
  const left = (earlier ?? []).filter((e) => e.untilSeq > cursor);
  return left.length > 0 ? left : undefined;
}

// ---- Delivery ----

type SelectorState = Pick<TrailData, 'eventSelectors' | 'earlierSelectors'>;

/** Whether the trail's selectors were ever set: a trail that never had any delivers its management events as it always did, unfiltered. */
export function hasCustomSelectors(data: SelectorState): boolean {
  return data.eventSelectors !== undefined || (data.earlierSelectors?.length ?? 0) > 0;
}

/** Whether any selector that applies to the trail's undelivered events can select data events: then delivery reads the account's data events too. */
export function readsDataEvents(data: SelectorState): boolean {
  return wantsDataEvents(data.eventSelectors) || (data.earlierSelectors ?? []).some((e) => wantsDataEvents(e.selectors));
}

function wantsDataEvents(selectors: TrailSelectors | undefined): boolean {
  if (selectors === undefined) return false;
  if ('basic' in selectors) return selectors.basic.some((s) => (s.DataResources ?? []).length > 0);
  return selectors.advanced.some((s) => s.FieldSelectors.some((f) => f.Field === 'eventCategory' && f.Equals?.includes('Data')));
}

/** The selectors that apply to the event of sequence number `seq`. */
export function selectorsAt(data: SelectorState, seq: number): TrailSelectors | undefined {
  for (const earlier of data.earlierSelectors ?? []) if (seq <= earlier.untilSeq) return earlier.selectors;
  return data.eventSelectors;
}

/** Whether selectors (none: the default, every management event) select the event. */
export function selects(selectors: TrailSelectors | undefined, record: CloudTrailRecord): boolean {
  const data = categoryOf(record) === 'Data';
  if (selectors === undefined) return !data;
  if ('basic' in selectors) return selectors.basic.some((s) => basicSelects(s, record, data));
  return selectors.advanced.some((s) => {
    const type = s.FieldSelectors.find((f) => f.Field === 'resources.type')?.Equals?.[0];
    return s.FieldSelectors.every((f) => fieldMatches(f, valuesOf(f.Field, record, type)));
  });
}

function basicSelects(selector: EventSelector, record: CloudTrailRecord, data: boolean): boolean {
  if (!readWriteMatches(selector.ReadWriteType ?? 'All', record.readOnly)) return false;
  if (!data) return selector.IncludeManagementEvents !== false && !(selector.ExcludeManagementEventSources ?? []).includes(record.eventSource);
  return (selector.DataResources ?? []).some((resource) => {
    const type = resource.Type ?? '';
    return dataResourceArns(record, type).some((arn) => (resource.Values ?? []).some((value) => basicValueMatches(type, value, arn)));
  });
}

function readWriteMatches(kind: ReadWriteType, readOnly: boolean): boolean {
  return kind === 'All' || (kind === 'ReadOnly') === (readOnly === true);
}

/** S3: an ARN prefix. Lambda and DynamoDB: the service's every resource, or the one named (with a function's qualifier, a table's index or stream). */
function basicValueMatches(type: string, value: string, arn: string): boolean {
  if (type === 'AWS::S3::Object') return arn.startsWith(value);
  if (value === 'arn:aws:lambda' || value === 'arn:aws:dynamodb') return arn.startsWith(`${value}:`);
  return arn === value || arn.startsWith(type === 'AWS::Lambda::Function' ? `${value}:` : `${value}/`);
}

function categoryOf(record: CloudTrailRecord): 'Management' | 'Data' {
  return record['eventCategory'] === 'Data' || record['managementEvent'] === false ? 'Data' : 'Management';
}

interface RecordResource {
  ARN?: unknown;
  type?: unknown;
}

function resourcesOf(record: CloudTrailRecord): RecordResource[] {
  const resources = record['resources'];
  return Array.isArray(resources) ? (resources as RecordResource[]) : [];
}

/** The ARNs of the event's resources of a data resource type (a bucket-level S3 data event: its bucket's objects, `arn:aws:s3:::bucket/`). */
function dataResourceArns(record: CloudTrailRecord, type: string): string[] {
  const resources = resourcesOf(record);
  const arns = resources.filter((r) => r.type === type && typeof r.ARN === 'string').map((r) => r.ARN as string);
  if (arns.length > 0 || type !== 'AWS::S3::Object' || record.eventSource !== 's3.amazonaws.com') return arns;
  return resources.filter((r) => r.type === 'AWS::S3::Bucket' && typeof r.ARN === 'string').map((r) => `${r.ARN as string}/`);
}

/** An event's values of a field; `type` is the selector's resources.type, whose resources `resources.ARN` reads. */
function valuesOf(field: string, record: CloudTrailRecord, type: string | undefined): string[] {
  switch (field) {
    case 'eventCategory':
      return [categoryOf(record)];
    case 'readOnly':
      return [String(record.readOnly === true)];
    case 'eventSource':
    case 'eventName':
      return [record[field]];
    case 'eventType':
      return [typeof record['eventType'] === 'string' ? record['eventType'] : 'AwsApiCall'];
    case 'sessionCredentialFromConsole':
      return [String(record['sessionCredentialFromConsole'] === true || record['sessionCredentialFromConsole'] === 'true')];
    case 'userIdentity.arn': {
      const arn = (record['userIdentity'] as { arn?: unknown } | undefined)?.arn;
      return [typeof arn === 'string' ? arn : ''];
    }
    case 'resources.type':
      return type !== undefined && dataResourceArns(record, type).length > 0 ? [type] : [];
    case 'resources.ARN':
      return type !== undefined ? dataResourceArns(record, type) : resourcesOf(record).flatMap((r) => (typeof r.ARN === 'string' ? [r.ARN] : []));
    default:
      return [];
  }
}

/** Some value equals, starts or ends with a positive operator's value (when there is one) and with no negative one's. */
function fieldMatches(field: AdvancedFieldSelector, values: readonly string[]): boolean {
  const positive = field.Equals !== undefined || field.StartsWith !== undefined || field.EndsWith !== undefined;
  return values.some((v) => {
    const included = !positive || (field.Equals?.includes(v) ?? false) || (field.StartsWith?.some((p) => v.startsWith(p)) ?? false) || (field.EndsWith?.some((s) => v.endsWith(s)) ?? false);
    const excluded = (field.NotEquals?.includes(v) ?? false) || (field.NotStartsWith?.some((p) => v.startsWith(p)) ?? false) || (field.NotEndsWith?.some((s) => v.endsWith(s)) ?? false);
    return included && !excluded;
  });
}
