import type { StandardSchemaV1 } from '@standard-schema/spec';
import type {
  DynamoDBRecord,
  EventBridgeEvent,
  KinesisStreamRecord,
  S3EventRecord,
  SNSEventRecord,
  SNSMessage,
  SQSRecord,
} from 'aws-lambda';
import { describeValue as show, safeString } from '@lambdaware/shared';
import { AttributeValueError, unmarshallMap } from './dynamodb.js';
import { RecordsError, formatIssues, messageOf } from './errors.js';
import type {
  AnyRecord,
  NumberMode,
  PayloadFormat,
  RecordFailure,
  S3ObjectRef,
  S3Source,
  Source,
  SqsFields,
} from './types.js';

/** The options decoding needs (already validated). */
export interface DecodeOptions {
  source: Source | 'auto';
  payload: PayloadFormat;
  numbers: NumberMode;
  schema: StandardSchemaV1 | undefined;
}

/** The shape of the event itself (what `event.Records` holds). */
export type EventKind = 'sqs' | 'sns' | 'kinesis' | 'dynamodb' | 's3' | 'eventbridge';

export const EVENT_LABEL: Record<EventKind, string> = {
  sqs: 'SQS',
  sns: 'SNS',
  kinesis: 'Kinesis',
  dynamodb: 'DynamoDB stream',
  s3: 'S3',
  eventbridge: 'EventBridge',
};

const ARTICLE: Record<EventKind, string> = { sqs: 'an', sns: 'an', s3: 'an', eventbridge: 'an', kinesis: 'a', dynamodb: 'a' };
const anEvent = (kind: EventKind): string => `${ARTICLE[kind]} ${EVENT_LABEL[kind]} event`;

export const KIND_OF_SOURCE: Record<Source, EventKind> = {
  sqs: 'sqs',
  'sns-over-sqs': 'sqs',
  's3-over-sqs': 'sqs',
  's3-over-sns-over-sqs': 'sqs',
  sns: 'sns',
  's3-over-sns': 'sns',
  kinesis: 'kinesis',
  dynamodb: 'dynamodb',
  eventbridge: 'eventbridge',
  s3: 's3',
};

const KIND_OF_EVENT_SOURCE = new Map<unknown, EventKind>([
  ['aws:sqs', 'sqs'],
  ['aws:sns', 'sns'],
  ['aws:kinesis', 'kinesis'],
  ['aws:dynamodb', 'dynamodb'],
  ['aws:s3', 's3'],
]);

/**
 * An item of the batch (`event.Records[index]`, or the EventBridge event) that is not exactly one good record: one
 * that failed, or an S3 notification carrying 0 or several objects. The common item, one good record, is the record
 * itself (no wrapper).
 */
export class Item {
  constructor(
    readonly index: number,
    readonly id: string | undefined,
    readonly source: Source,
    readonly records: AnyRecord[],
    public failure: RecordFailure | undefined,
  ) {}
}

/** One entry per item of the batch, in order. */
export type Entry = AnyRecord | Item;

export interface Batch {
  kind: EventKind | undefined;
  /** A FIFO queue: partial batch mode stops at the first failure. */
  fifo: boolean;
  entries: Entry[];
  /** Every entry is a good record (so `entries` is the list of records). */
  plain: boolean;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Thrown while decoding one record; becomes its RecordFailure. */
class RecordProblem {
  constructor(
    readonly kind: RecordFailure['kind'],
    readonly reason: string,
    readonly source?: Source,
  ) {}
}

/** What tryParse() returns for text that is not JSON (JSON.parse never returns a symbol). */
const NOT_JSON: unique symbol = Symbol('not JSON');

const tryParse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
};

/** Why the text is not JSON (parsed again: only on the failure path). */
const jsonError = (text: string): string => {
  try {
    JSON.parse(text);
    return 'unexpected input';
  } catch (e) {
    return e instanceof Error ? e.message : safeString(e);
  }
};

/** First non-blank character is `{`: worth trying to parse when looking for an envelope in text mode. */
const looksLikeObject = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) return true;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return false;
};

const isSnsNotification = (v: unknown): v is SNSMessage =>
  isObject(v) &&
  v.Type === 'Notification' &&
  typeof v.Message === 'string' &&
  typeof v.MessageId === 'string' &&
  typeof v.TopicArn === 'string';

const isS3Event = (v: unknown): v is { Records: unknown[] } =>
  isObject(v) && Array.isArray(v.Records) && v.Records.length > 0 && isObject(v.Records[0]) && v.Records[0].eventSource === 'aws:s3';

/** S3 sends this to a queue or topic when a notification is configured: it carries no object, so no record. */
const isS3TestEvent = (v: unknown): boolean => isObject(v) && v.Service === 'Amazon S3' && v.Event === 's3:TestEvent';

/** The records of an S3 notification found in a message (the only non-payload readMessage returns). */
class S3List {
  constructor(readonly list: unknown[]) {}
}

/**
 * The content of a message: an S3 notification (when `expect` allows it), else the payload in the asked format.
 * `parsed` is the message already parsed by the caller, if it was (tryParse's result).
 */
const readMessage = (
  text: string,
  expect: 'auto' | 'plain' | 's3',
  what: string,
  o: DecodeOptions,
  source: Source,
  parsed?: unknown,
): unknown => {
  let value = parsed;
  if (value === undefined && (o.payload === 'json' || expect === 's3')) value = tryParse(text);
  if (expect !== 'plain' && value !== undefined && value !== NOT_JSON) {
    if (isS3Event(value)) return new S3List(value.Records);
    if (isS3TestEvent(value)) return new S3List([]);
  }
  if (expect === 's3') {
    if (value === NOT_JSON) throw new RecordProblem('parse', `${what} is not JSON: ${jsonError(text)}`, source);
    throw new RecordProblem('shape', `${what} is not an S3 event notification`, source);
  }
  if (o.payload === 'text') return text;
  if (o.payload === 'bytes') return Buffer.from(text, 'utf8');
  if (value === NOT_JSON) throw new RecordProblem('parse', `${what} is not JSON: ${jsonError(text)}`, source);
  return value;
};

const s3Object = (r: unknown, source: S3Source): { ref: S3ObjectRef; record: S3EventRecord } => {
  const s3 = isObject(r) ? r.s3 : undefined;
  const bucket = isObject(s3) && isObject(s3.bucket) ? str(s3.bucket.name) : undefined;
  const object = isObject(s3) ? s3.object : undefined;
  const rawKey = isObject(object) ? str(object.key) : undefined;
  if (!isObject(r) || r.eventSource !== 'aws:s3' || bucket === undefined || rawKey === undefined || !isObject(object)) {
    throw new RecordProblem('shape', 'an S3 notification record has no s3.bucket.name or s3.object.key', source);
  }
  let key = rawKey;
  try {
    key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
  } catch {
    // not URL-encoded as S3 does: keep it as it is
  }
  const ref: S3ObjectRef = { bucket, key };
  if (typeof object.size === 'number') ref.size = object.size;
  if (typeof object.eTag === 'string') ref.eTag = object.eTag;
  if (typeof object.versionId === 'string') ref.versionId = object.versionId;
  if (typeof object.sequencer === 'string') ref.sequencer = object.sequencer;
  return { ref, record: r as unknown as S3EventRecord };
};

/** An item's S3 records: the record itself when there is one (the usual case), else an Item holding 0 or several. */
const s3Entry = (
  list: unknown[],
  index: number,
  id: string,
  source: S3Source,
  raw: SQSRecord | SNSEventRecord | S3EventRecord,
  messageId: string | undefined,
  topicArn: string | undefined,
): Entry => {
  const records: AnyRecord[] = [];
  for (const r of list) {
    const { ref, record } = s3Object(r, source);
    records.push({
      ...ref,
      payload: { ...ref },
      id,
      index,
      source,
      eventName: safeString(record.eventName),
      eventTime: safeString(record.eventTime),
      region: safeString(record.awsRegion),
      s3: record,
      messageId,
      topicArn,
      raw,
    } as AnyRecord);
  }
  return records.length === 1 ? records[0] : new Item(index, id, source, records, undefined);
};

/** A queue record: one object literal, same shape for every record (the hot path of an SQS batch). */
const sqsRecord = (r: Obj, id: string, index: number, payload: unknown): AnyRecord => {
  const attributes = (isObject(r.attributes) ? r.attributes : {}) as unknown as SqsFields['attributes'];
  const eventSourceArn = str(r.eventSourceARN) ?? '';
  return {
    payload,
    id,
    index,
    source: 'sqs',
    messageId: id,
    receiptHandle: str(r.receiptHandle) ?? '',
    attributes,
    messageAttributes: (isObject(r.messageAttributes) ? r.messageAttributes : {}) as SqsFields['messageAttributes'],
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 0),
    eventSourceArn,
    fifo: eventSourceArn.endsWith('.fifo'),
    messageGroupId: str(attributes.MessageGroupId),
    raw: r as unknown as SQSRecord,
  };
};

/** An SNS notification delivered through a queue: the queue record's fields, then the notification's. */
const snsOverSqsRecord = (r: Obj, id: string, index: number, payload: unknown, n: SNSMessage): AnyRecord =>
  Object.assign(sqsRecord(r, id, index, payload), {
    source: 'sns-over-sqs',
    snsMessageId: n.MessageId,
    topicArn: n.TopicArn,
    subject: str(n.Subject) ?? undefined,
    snsTimestamp: safeString(n.Timestamp),
    snsMessageAttributes: isObject(n.MessageAttributes) ? n.MessageAttributes : {},
    notification: n,
  }) as AnyRecord;

// ---- one decoder per kind of event: (record, index, options) -> its entry ---------------------------------------

type Decoder = (raw: unknown, index: number, o: DecodeOptions) => Entry;

const decodeSqs: Decoder = (raw, index, o) => {
  const r = raw as Obj;
  const id = str(r.messageId);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no messageId');
  const body = r.body;
  if (typeof body !== 'string') throw new RecordProblem('shape', 'the record has no string body');
  const want = o.source;
  const wantSns = want === 'sns-over-sqs' || want === 's3-over-sns-over-sqs';
  let parsed: unknown; // undefined: not parsed yet
  if (wantSns || (want === 'auto' && (o.payload === 'json' || looksLikeObject(body)))) {
    parsed = tryParse(body);
    if (isSnsNotification(parsed)) {
      const expect = want === 'auto' ? (o.payload === 'json' ? 'auto' : 'plain') : want === 's3-over-sns-over-sqs' ? 's3' : 'plain';
      const source = want === 's3-over-sns-over-sqs' ? want : 'sns-over-sqs';
      const message = readMessage(parsed.Message, expect, 'the SNS Message in the body', o, source);
      if (message instanceof S3List) {
        return s3Entry(message.list, index, id, 's3-over-sns-over-sqs', raw as SQSRecord, id, parsed.TopicArn);
      }
      return snsOverSqsRecord(r, id, index, message, parsed);
    }
    if (wantSns) {
      if (parsed === NOT_JSON) throw new RecordProblem('parse', `body is not JSON: ${jsonError(body)}`);
      throw new RecordProblem('shape', 'body is not an SNS notification (raw message delivery on? use source: "sqs")');
    }
  }
  const expect = want === 'auto' ? (o.payload === 'json' ? 'auto' : 'plain') : want === 's3-over-sqs' ? 's3' : 'plain';
  const message = readMessage(body, expect, 'body', o, want === 's3-over-sqs' ? want : 'sqs', parsed);
  if (message instanceof S3List) return s3Entry(message.list, index, id, 's3-over-sqs', raw as SQSRecord, id, undefined);
  return sqsRecord(r, id, index, message);
};

const decodeSns: Decoder = (raw, index, o) => {
  const r = raw as Obj;
  const sns = r.Sns;
  if (!isObject(sns)) throw new RecordProblem('shape', 'the record has no Sns object');
  const id = str(sns.MessageId);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no Sns.MessageId');
  if (typeof sns.Message !== 'string') throw new RecordProblem('shape', 'the record has no string Sns.Message');
  const want = o.source;
  const expect = want === 'auto' ? (o.payload === 'json' ? 'auto' : 'plain') : want === 's3-over-sns' ? 's3' : 'plain';
  const message = readMessage(sns.Message, expect, 'Sns.Message', o, want === 's3-over-sns' ? want : 'sns');
  const topicArn = str(sns.TopicArn) ?? '';
  const snsRecord = raw as SNSEventRecord;
  if (message instanceof S3List) return s3Entry(message.list, index, id, 's3-over-sns', snsRecord, id, topicArn);
  return {
    payload: message,
    id,
    index,
    source: 'sns',
    messageId: id,
    topicArn,
    subject: str(sns.Subject) ?? undefined,
    timestamp: safeString(sns.Timestamp),
    messageAttributes: (isObject(sns.MessageAttributes) ? sns.MessageAttributes : {}) as SNSEventRecord['Sns']['MessageAttributes'],
    raw: snsRecord,
  };
};

const decodeKinesis: Decoder = (raw, index, o) => {
  const r = raw as Obj;
  const k = r.kinesis;
  if (!isObject(k)) throw new RecordProblem('shape', 'the record has no kinesis object');
  const id = str(k.sequenceNumber);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no kinesis.sequenceNumber');
  if (typeof k.data !== 'string') throw new RecordProblem('shape', 'the record has no base64 kinesis.data');
  const bytes = Buffer.from(k.data, 'base64');
  const payload = o.payload === 'bytes' ? bytes : readMessage(bytes.toString('utf8'), 'plain', 'kinesis.data', o, 'kinesis');
  const eventId = str(r.eventID) ?? '';
  return {
    payload,
    id,
    index,
    source: 'kinesis',
    sequenceNumber: id,
    partitionKey: str(k.partitionKey) ?? '',
    shardId: eventId.includes(':') ? eventId.slice(0, eventId.indexOf(':')) : '',
    eventId,
    approximateArrivalTimestamp: Number(k.approximateArrivalTimestamp),
    eventSourceArn: str(r.eventSourceARN) ?? '',
    raw: raw as KinesisStreamRecord,
  };
};

const image = (v: unknown, name: string, o: DecodeOptions): Record<string, unknown> | undefined => {
  if (v === undefined) return undefined;
  try {
    return unmarshallMap(v, o.numbers, name);
  } catch (e) {
    if (e instanceof AttributeValueError) throw new RecordProblem('shape', e.message);
    throw e;
  }
};

const decodeDynamoDB: Decoder = (raw, index, o) => {
  const r = raw as Obj;
  const d = r.dynamodb;
  if (!isObject(d)) throw new RecordProblem('shape', 'the record has no dynamodb object');
  const id = str(d.SequenceNumber);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no dynamodb.SequenceNumber');
  const eventName = r.eventName;
  if (eventName !== 'INSERT' && eventName !== 'MODIFY' && eventName !== 'REMOVE') {
    throw new RecordProblem('shape', `the record has eventName ${show(eventName)} (expected INSERT, MODIFY or REMOVE)`);
  }
  const keys = image(d.Keys, 'dynamodb.Keys', o) ?? {};
  const newImage = image(d.NewImage, 'dynamodb.NewImage', o);
  const oldImage = image(d.OldImage, 'dynamodb.OldImage', o);
  return {
    payload: (eventName === 'REMOVE' ? oldImage : newImage) ?? keys,
    id,
    index,
    source: 'dynamodb',
    eventName,
    eventId: str(r.eventID) ?? '',
    sequenceNumber: id,
    keys,
    newImage,
    oldImage,
    approximateCreationDateTime: typeof d.ApproximateCreationDateTime === 'number' ? d.ApproximateCreationDateTime : undefined,
    streamViewType: str(d.StreamViewType),
    eventSourceArn: str(r.eventSourceARN) ?? '',
    raw: raw as DynamoDBRecord,
  };
};

const decodeS3: Decoder = (raw, index) => {
  const r = raw as Obj;
  const responseElements = isObject(r.responseElements) ? r.responseElements : {};
  const s3 = isObject(r.s3) && isObject(r.s3.object) ? r.s3.object : {};
  const id = str(responseElements['x-amz-request-id']) ?? str(s3.sequencer) ?? String(index);
  return s3Entry([raw], index, id, 's3', raw as S3EventRecord, undefined, undefined);
};

const decodeEventBridge: Decoder = (raw) => {
  const e = raw as Obj;
  const id = str(e.id) ?? '';
  return {
    payload: e.detail,
    id,
    index: 0,
    source: 'eventbridge',
    detailType: safeString(e['detail-type']),
    eventSource: safeString(e.source),
    account: str(e.account) ?? '',
    region: str(e.region) ?? '',
    time: str(e.time) ?? '',
    resources: Array.isArray(e.resources) ? (e.resources as string[]) : [],
    raw: raw as EventBridgeEvent<string, unknown>,
  };
};

const DECODERS: Record<EventKind, Decoder> = {
  sqs: decodeSqs,
  sns: decodeSns,
  kinesis: decodeKinesis,
  dynamodb: decodeDynamoDB,
  s3: decodeS3,
  eventbridge: decodeEventBridge,
};

/** The identity of a record that failed before (or while) being read, for naming it. */
const idOf = (kind: EventKind, raw: unknown): string | undefined => {
  if (!isObject(raw)) return undefined;
  if (kind === 'sqs') return str(raw.messageId);
  if (kind === 'sns') return isObject(raw.Sns) ? str(raw.Sns.MessageId) : undefined;
  if (kind === 'kinesis') return isObject(raw.kinesis) ? str(raw.kinesis.sequenceNumber) : undefined;
  if (kind === 'dynamodb') return isObject(raw.dynamodb) ? str(raw.dynamodb.SequenceNumber) : undefined;
  if (kind === 'eventbridge') return str(raw.id);
  return undefined;
};

const describeValue = (v: unknown): string => {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v !== 'object') return `a ${typeof v}`;
  const keys = Object.keys(v);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', ...' : ''}`;
};

const unknownShape = (what: string): RecordsError =>
  new RecordsError(
    `the event is not an SQS, SNS, Kinesis, DynamoDB stream, EventBridge or S3 event: ${what}`,
    'unknown',
    [],
    0,
  );

/** What kind of event this is, and its records. Throws RecordsError for an event of unknown shape. */
const classify = (event: unknown): { kind: EventKind | undefined; list: unknown[] } => {
  if (isObject(event)) {
    const list = event.Records;
    if (Array.isArray(list)) {
      if (list.length === 0) return { kind: undefined, list };
      const first: unknown = list[0];
      const eventSource = isObject(first) ? (first.eventSource ?? first.EventSource) : undefined;
      const kind = KIND_OF_EVENT_SOURCE.get(eventSource);
      if (kind !== undefined) return { kind, list };
      throw unknownShape(
        eventSource === undefined
          ? `event.Records[0] is ${describeValue(first)}, with no eventSource`
          : `event.Records[0].eventSource is ${show(eventSource)}`,
      );
    }
    if (typeof event['detail-type'] === 'string' && typeof event.source === 'string' && 'detail' in event) {
      return { kind: 'eventbridge', list: [event] };
    }
  }
  throw unknownShape(`it is ${describeValue(event)}`);
};

const EVENT_SOURCE_OF: Record<EventKind, string> = {
  sqs: 'aws:sqs',
  sns: 'aws:sns',
  kinesis: 'aws:kinesis',
  dynamodb: 'aws:dynamodb',
  s3: 'aws:s3',
  eventbridge: '',
};

/** Decodes every record of the event (no schema yet); a bad record becomes an item with a failure. */
export const decodeBatch = (event: unknown, o: DecodeOptions): Batch => {
  const { kind, list } = classify(event);
  if (kind === undefined) return { kind, fifo: false, entries: [], plain: true };
  if (o.source !== 'auto' && KIND_OF_SOURCE[o.source] !== kind) {
    throw new RecordsError(
      `option source '${o.source}' expects ${anEvent(KIND_OF_SOURCE[o.source])}, but this is ${anEvent(kind)}`,
      EVENT_LABEL[kind],
      [],
      list.length,
    );
  }
  if (o.payload !== 'json' && (kind === 'dynamodb' || kind === 'eventbridge' || kind === 's3')) {
    throw new RecordsError(
      `option payload '${o.payload}' applies to SQS, SNS and Kinesis messages, but this is ${anEvent(kind)}, whose payloads are structured (use payload: 'json')`,
      EVENT_LABEL[kind],
      [],
      list.length,
    );
  }
  const decode = DECODERS[kind];
  const expectedEventSource = EVENT_SOURCE_OF[kind];
  const fallbackSource: Source = o.source === 'auto' ? kind : o.source;
  const entries: Entry[] = [];
  let plain = true;
  for (let index = 0; index < list.length; index++) {
    const raw = list[index];
    let entry: Entry;
    try {
      if (kind !== 'eventbridge') {
        const eventSource = isObject(raw) ? (raw.eventSource ?? raw.EventSource) : undefined;
        if (eventSource !== expectedEventSource) {
          throw new RecordProblem(
            'shape',
            isObject(raw) ? `the record has eventSource ${show(eventSource)} in ${anEvent(kind)}` : `the record is ${describeValue(raw)}`,
          );
        }
      }
      entry = decode(raw, index, o);
    } catch (e) {
      if (!(e instanceof RecordProblem)) throw e;
      const id = idOf(kind, raw);
      const source = e.source ?? fallbackSource;
      entry = new Item(index, id, source, [], { index, id, source, kind: e.kind, reason: e.reason });
    }
    if (entry instanceof Item) plain = false;
    entries.push(entry);
  }
  const first = list[0];
  const fifo = kind === 'sqs' && isObject(first) && typeof first.eventSourceARN === 'string' && first.eventSourceARN.endsWith('.fifo');
  return { kind, fifo, entries, plain };
};

/** Marks the entry failed (the first failure of an item is the one kept). */
const fail = (batch: Batch, i: number, failure: RecordFailure): void => {
  const entry = batch.entries[i];
  if (entry instanceof Item) entry.failure ??= failure;
  else {
    batch.entries[i] = new Item(entry.index, entry.id, entry.source, [entry], failure);
    batch.plain = false;
  }
};

const schemaFailure = (entry: Entry, issues: readonly StandardSchemaV1.Issue[]): RecordFailure => ({
  index: entry.index,
  id: entry.id,
  source: entry.source,
  kind: 'schema',
  reason: `the payload does not match the schema: ${formatIssues(issues)}`,
  issues,
});

const schemaThrew = (entry: Entry, error: unknown): RecordFailure => ({
  index: entry.index,
  id: entry.id,
  source: entry.source,
  kind: 'schema',
  reason: `the schema threw ${messageOf(error)}`,
  cause: error,
});

type Validate = StandardSchemaV1['~standard']['validate'];
type Result = StandardSchemaV1.Result<unknown>;

const isThenable = (v: unknown): v is PromiseLike<Result> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

/**
 * Validates one record's payload (replacing it with the schema's output); a failure marks entry `i` failed.
 * Returns a promise only when the schema answered with one.
 */
const validateRecord = (batch: Batch, i: number, record: AnyRecord, validate: Validate): void | PromiseLike<void> => {
  let result: Result | PromiseLike<Result>;
  try {
    result = validate(record.payload);
  } catch (e) {
    fail(batch, i, schemaThrew(record, e));
    return;
  }
  if (isThenable(result)) {
    return result.then(
      (r) => settle(batch, i, record, r),
      (e: unknown) => fail(batch, i, schemaThrew(record, e)),
    );
  }
  settle(batch, i, record, result);
};

const settle = (batch: Batch, i: number, record: AnyRecord, result: Result): void => {
  if (result.issues) fail(batch, i, schemaFailure(record, result.issues));
  else record.payload = result.value;
};

/** Validates every decoded payload with the schema (in place); returns a promise only when a validation is async. */
export const validateBatch = (batch: Batch, schema: StandardSchemaV1): void | Promise<void> => {
  const validate = schema['~standard'].validate;
  const { entries } = batch;
  let pending: PromiseLike<void>[] | undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry instanceof Item) {
      if (entry.failure !== undefined) continue;
      for (const record of entry.records) {
        const done = validateRecord(batch, i, record, validate);
        if (done !== undefined) (pending ??= []).push(done);
      }
    } else {
      const done = validateRecord(batch, i, entry, validate);
      if (done !== undefined) (pending ??= []).push(done);
    }
  }
  if (pending !== undefined) return Promise.all(pending).then(() => undefined);
};

/** Decodes and validates the event: its entries, each a good record or an Item. A promise only for an async schema. */
export const readBatch = (event: unknown, o: DecodeOptions): Batch | Promise<Batch> => {
  const batch = decodeBatch(event, o);
  if (o.schema === undefined) return batch;
  const done = validateBatch(batch, o.schema);
  return done === undefined ? batch : done.then(() => batch);
};

/** The good records of the batch (`entries` itself when every entry is one) and the failures, in index order. */
export const collect = (batch: Batch): { records: AnyRecord[]; failures: RecordFailure[] } => {
  if (batch.plain) return { records: batch.entries as AnyRecord[], failures: [] };
  const records: AnyRecord[] = [];
  const failures: RecordFailure[] = [];
  for (const entry of batch.entries) {
    if (!(entry instanceof Item)) records.push(entry);
    else if (entry.failure !== undefined) failures.push(entry.failure);
    else for (const r of entry.records) records.push(r);
  }
  return { records, failures };
};

export const eventLabel = (batch: Batch): string => (batch.kind === undefined ? 'empty' : EVENT_LABEL[batch.kind]);
