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

/** One item of the batch (`event.Records[index]`, or the EventBridge event): 0..n records, or what was wrong. */
export interface Item {
  index: number;
  id: string | undefined;
  source: Source;
  records: AnyRecord[];
  failure: RecordFailure | undefined;
}

export interface Batch {
  kind: EventKind | undefined;
  /** A FIFO queue: partial batch mode stops at the first failure. */
  fifo: boolean;
  items: Item[];
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

type Json = { ok: true; value: unknown } | { ok: false; error: string };
const parseJson = (text: string): Json => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : safeString(e) };
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

/** What a message (an SQS body, an SNS Message) turned out to hold. */
type Message = { s3: unknown[] } | { payload: unknown };

/**
 * The content of a message: an S3 notification (when `expect` allows it), else the payload in the asked format.
 * `parsed` is the message already parsed by the caller, if it was.
 */
const readMessage = (
  text: string,
  expect: 'auto' | 'plain' | 's3',
  what: string,
  o: DecodeOptions,
  source: Source,
  parsed?: Json,
): Message => {
  let json = parsed;
  if (json === undefined && (o.payload === 'json' || expect === 's3')) json = parseJson(text);
  if (expect !== 'plain' && json?.ok === true) {
    if (isS3Event(json.value)) return { s3: json.value.Records };
    if (isS3TestEvent(json.value)) return { s3: [] };
  }
  if (expect === 's3') {
    if (json?.ok === false) throw new RecordProblem('parse', `${what} is not JSON: ${json.error}`, source);
    throw new RecordProblem('shape', `${what} is not an S3 event notification`, source);
  }
  if (o.payload === 'text') return { payload: text };
  if (o.payload === 'bytes') return { payload: Buffer.from(text, 'utf8') };
  if (json?.ok === false) throw new RecordProblem('parse', `${what} is not JSON: ${json.error}`, source);
  return { payload: json?.ok === true ? json.value : undefined };
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

const s3Records = (
  list: unknown[],
  index: number,
  id: string,
  source: S3Source,
  raw: SQSRecord | SNSEventRecord | S3EventRecord,
  carrier: { messageId: string | undefined; topicArn: string | undefined },
): AnyRecord[] =>
  list.map((r) => {
    const { ref, record } = s3Object(r, source);
    return {
      ...ref,
      payload: { ...ref },
      id,
      index,
      source,
      eventName: safeString(record.eventName),
      eventTime: safeString(record.eventTime),
      region: safeString(record.awsRegion),
      s3: record,
      messageId: carrier.messageId,
      topicArn: carrier.topicArn,
      raw,
    } as AnyRecord;
  });

/** A queue record: one object literal, same shape for every record (the hot path of an SQS batch). */
const sqsRecord = (r: Obj, id: string, index: number, source: Source, payload: unknown): AnyRecord => {
  const attributes = (isObject(r.attributes) ? r.attributes : {}) as unknown as SqsFields['attributes'];
  const eventSourceArn = str(r.eventSourceARN) ?? '';
  return {
    payload,
    id,
    index,
    source,
    messageId: id,
    receiptHandle: str(r.receiptHandle) ?? '',
    attributes,
    messageAttributes: (isObject(r.messageAttributes) ? r.messageAttributes : {}) as SqsFields['messageAttributes'],
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 0),
    eventSourceArn,
    fifo: eventSourceArn.endsWith('.fifo'),
    messageGroupId: str(attributes.MessageGroupId),
    raw: r as unknown as SQSRecord,
  } as AnyRecord;
};

const snsNotificationFields = (n: SNSMessage) => ({
  snsMessageId: n.MessageId,
  topicArn: n.TopicArn,
  subject: str(n.Subject) ?? undefined,
  snsTimestamp: safeString(n.Timestamp),
  snsMessageAttributes: isObject(n.MessageAttributes) ? n.MessageAttributes : {},
  notification: n,
});

// ---- one decoder per kind of event: (record, index, options) -> the item --------------------------------------

type Decoder = (raw: unknown, index: number, o: DecodeOptions) => Item;

const item = (index: number, id: string | undefined, source: Source, records: AnyRecord[]): Item => ({
  index,
  id,
  source,
  records,
  failure: undefined,
});

const decodeSqs: Decoder = (raw, index, o) => {
  const r = raw as Obj;
  const id = str(r.messageId);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no messageId');
  const body = r.body;
  if (typeof body !== 'string') throw new RecordProblem('shape', 'the record has no string body');
  const want = o.source;
  const wantSns = want === 'sns-over-sqs' || want === 's3-over-sns-over-sqs';
  let json: Json | undefined;
  let notification: SNSMessage | undefined;
  if (wantSns || (want === 'auto' && (o.payload === 'json' || looksLikeObject(body)))) {
    json = parseJson(body);
    if (json.ok && isSnsNotification(json.value)) notification = json.value;
    else if (wantSns) {
      if (!json.ok) throw new RecordProblem('parse', `body is not JSON: ${json.error}`);
      throw new RecordProblem('shape', 'body is not an SNS notification (raw message delivery on? use source: "sqs")');
    }
  }
  const carrier = raw as SQSRecord;
  if (notification !== undefined) {
    const expect = want === 'auto' ? (o.payload === 'json' ? 'auto' : 'plain') : want === 's3-over-sns-over-sqs' ? 's3' : 'plain';
    const message = readMessage(notification.Message, expect, 'the SNS Message in the body', o, want === 's3-over-sns-over-sqs' ? want : 'sns-over-sqs');
    if ('s3' in message) {
      const s3 = s3Records(message.s3, index, id, 's3-over-sns-over-sqs', carrier, {
        messageId: id,
        topicArn: notification.TopicArn,
      });
      return item(index, id, 's3-over-sns-over-sqs', s3);
    }
    const record = Object.assign(sqsRecord(r, id, index, 'sns-over-sqs', message.payload), snsNotificationFields(notification)) as AnyRecord;
    return item(index, id, 'sns-over-sqs', [record as AnyRecord]);
  }
  const expect = want === 'auto' ? (o.payload === 'json' ? 'auto' : 'plain') : want === 's3-over-sqs' ? 's3' : 'plain';
  const message = readMessage(body, expect, 'body', o, want === 's3-over-sqs' ? want : 'sqs', json);
  if ('s3' in message) {
    return item(index, id, 's3-over-sqs', s3Records(message.s3, index, id, 's3-over-sqs', carrier, { messageId: id, topicArn: undefined }));
  }
  const record = sqsRecord(r, id, index, 'sqs', message.payload);
  return item(index, id, 'sqs', [record as AnyRecord]);
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
  if ('s3' in message) {
    return item(index, id, 's3-over-sns', s3Records(message.s3, index, id, 's3-over-sns', snsRecord, { messageId: id, topicArn }));
  }
  const record = {
    payload: message.payload,
    id,
    index,
    source: 'sns',
    messageId: id,
    topicArn,
    subject: str(sns.Subject) ?? undefined,
    timestamp: safeString(sns.Timestamp),
    messageAttributes: isObject(sns.MessageAttributes) ? sns.MessageAttributes : {},
    raw: snsRecord,
  };
  return item(index, id, 'sns', [record as AnyRecord]);
};

const decodeKinesis: Decoder = (raw, index, o) => {
  const r = raw as Obj;
  const k = r.kinesis;
  if (!isObject(k)) throw new RecordProblem('shape', 'the record has no kinesis object');
  const id = str(k.sequenceNumber);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no kinesis.sequenceNumber');
  if (typeof k.data !== 'string') throw new RecordProblem('shape', 'the record has no base64 kinesis.data');
  const bytes = Buffer.from(k.data, 'base64');
  let payload: unknown = bytes;
  if (o.payload !== 'bytes') payload = (readMessage(bytes.toString('utf8'), 'plain', 'kinesis.data', o, 'kinesis') as { payload: unknown }).payload;
  const eventId = str(r.eventID) ?? '';
  const record = {
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
  return item(index, id, 'kinesis', [record as AnyRecord]);
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
  const record = {
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
  return item(index, id, 'dynamodb', [record as AnyRecord]);
};

const decodeS3: Decoder = (raw, index) => {
  const r = raw as Obj;
  const responseElements = isObject(r.responseElements) ? r.responseElements : {};
  const s3 = isObject(r.s3) && isObject(r.s3.object) ? r.s3.object : {};
  const id = str(responseElements['x-amz-request-id']) ?? str(s3.sequencer) ?? String(index);
  return item(index, id, 's3', s3Records([raw], index, id, 's3', raw as S3EventRecord, { messageId: undefined, topicArn: undefined }));
};

const decodeEventBridge: Decoder = (raw) => {
  const e = raw as Obj;
  const id = str(e.id) ?? '';
  const record = {
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
  return item(0, id, 'eventbridge', [record as AnyRecord]);
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
  if (kind === undefined) return { kind, fifo: false, items: [] };
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
  const items: Item[] = new Array(list.length);
  for (let index = 0; index < list.length; index++) {
    const raw = list[index];
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
      items[index] = decode(raw, index, o);
    } catch (e) {
      if (!(e instanceof RecordProblem)) throw e;
      const id = idOf(kind, raw);
      const source = e.source ?? fallbackSource;
      items[index] = {
        index,
        id,
        source,
        records: [],
        failure: { index, id, source, kind: e.kind, reason: e.reason },
      };
    }
  }
  const first = list[0];
  const fifo = kind === 'sqs' && isObject(first) && typeof first.eventSourceARN === 'string' && first.eventSourceARN.endsWith('.fifo');
  return { kind, fifo, items };
};

const schemaFailure = (it: Item, result: StandardSchemaV1.Result<unknown>, record: AnyRecord): void => {
  if (result.issues) {
    it.failure ??= {
      index: it.index,
      id: it.id,
      source: it.source,
      kind: 'schema',
      reason: `the payload does not match the schema: ${formatIssues(result.issues)}`,
      issues: result.issues,
    };
  } else {
    record.payload = result.value;
  }
};

const schemaThrew = (it: Item, error: unknown): void => {
  it.failure ??= { index: it.index, id: it.id, source: it.source, kind: 'schema', reason: `the schema threw ${messageOf(error)}`, cause: error };
};

/** Validates every decoded payload with the schema (in place); returns a promise only when a validation is async. */
export const validateBatch = (batch: Batch, schema: StandardSchemaV1): void | Promise<void> => {
  const validate = schema['~standard'].validate;
  let pending: Promise<void>[] | undefined;
  for (const it of batch.items) {
    if (it.failure !== undefined) continue;
    for (const record of it.records) {
      let result: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;
      try {
        result = validate(record.payload);
      } catch (e) {
        schemaThrew(it, e);
        continue;
      }
      if (result instanceof Promise) {
        (pending ??= []).push(
          result.then(
            (r) => schemaFailure(it, r, record),
            (e: unknown) => schemaThrew(it, e),
          ),
        );
      } else schemaFailure(it, result, record);
    }
  }
  if (pending !== undefined) return Promise.all(pending).then(() => undefined);
};

/** Decodes and validates the event; the items, each with its records or its failure. */
export const readBatch = (event: unknown, o: DecodeOptions): Batch | Promise<Batch> => {
  const batch = decodeBatch(event, o);
  if (o.schema === undefined) return batch;
  const done = validateBatch(batch, o.schema);
  return done === undefined ? batch : done.then(() => batch);
};

export const eventLabel = (batch: Batch): string => (batch.kind === undefined ? 'empty' : EVENT_LABEL[batch.kind]);
