import type { S3EventRecord, SNSEventRecord, SQSRecord } from 'aws-lambda';
import { safeString } from '@lambdaware/shared';
import type { AnyRecord, DecodeOptions, KafkaItemIdentifier, RecordFailure, S3ObjectRef, Source, SqsFields } from '../types.js';

/**
 * What a source descriptor says about one kind of event (the envelope Lambda invokes the function with). Each file of
 * `sources/` exports one; `sources/index.ts` lists them and the decoder dispatches over that list. The record types a
 * descriptor yields are declared in the same file (added to `RecordsBySource` by module augmentation), so a source
 * named in `sources` without a record type, or a record type no descriptor yields, does not compile.
 */
export interface Descriptor {
  /** The kind of event, e.g. `sqs` (also the default record source). */
  readonly kind: string;
  /** Its name in messages: `the ${label} event`. */
  readonly label: string;
  readonly article: 'a' | 'an';
  /** Every record source this kind of event yields (`sqs`, `sns-over-sqs`, ...): what `source` can force. */
  readonly sources: readonly Source[];
  /** `event.Records[n].eventSource` (or `EventSource`) of this kind, for events with a `Records` array. */
  readonly eventSource?: string;
  /** For an event without `Records`: the list of its raw items when the event is of this kind, else undefined. */
  readonly recognise?: (event: Obj) => unknown[] | undefined;
  /** Payloads are structured: the `payload` option ('text', 'bytes') does not apply. */
  readonly structured: boolean;
  /** How failures are answered in partial batch mode. */
  readonly partial: 'batchItemFailures' | 'firehose' | 'none';
  /** Records run one at a time, in order (streams), or in order within a group (`groupOf`). */
  readonly ordered: boolean;
  /** FIFO: partial batch mode stops at the first failure (SQS FIFO queues). */
  readonly stopsAtFirstFailure?: (list: unknown[]) => boolean;
  /** In order within a group (a Kafka partition); groups may run at once (`concurrency`). */
  readonly groupOf?: (raw: unknown) => string;
  /** Decodes one raw item: the record itself (the usual case) or an Item holding 0 or several. Throws RecordProblem. */
  readonly decode: (raw: unknown, index: number, o: DecodeOptions) => Entry;
  /** The identity of an item that failed before (or while) being read, for naming it. */
  readonly idOf: (raw: unknown) => string | undefined;
  /** What names the item in `batchItemFailures` (default: its id). */
  readonly itemIdentifier?: (raw: unknown, id: string) => ItemIdentifier | undefined;
}

export type ItemIdentifier = string | KafkaItemIdentifier;

/**
 * An item of the batch (`event.Records[index]`, or the EventBridge event) that is not exactly one good record: one
 * that failed, or one carrying 0 or several records (an S3 notification, a KPL aggregate, a CloudWatch Logs batch).
 * The common item, one good record, is the record itself (no wrapper).
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

export type Obj = Record<string, unknown>;
export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

// the record problem and the text and bytes helpers live in text.ts; re-exported for the sources that read them here
import { NOT_JSON, RecordProblem, jsonError, tryParse } from './text.js';
export { NOT_JSON, RecordProblem, base64Bytes, isGzip, jsonError, looksLikeObject, tryParse, utf8Text } from './text.js';

/**
 * Describes a value's shape for a message: its kind and, for an object, its keys; never its content (unlike the
 * shared describeValue, which quotes a string: an event of unknown shape may hold anything).
 */
export const describeShape = (v: unknown): string => {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v !== 'object') return `a ${typeof v}`;
  const keys = Object.keys(v);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', ...' : ''}`;
};

export const isSnsNotification = (v: unknown): v is { Type: 'Notification'; Message: unknown; MessageId: string; TopicArn: string } & Obj =>
  isObject(v) &&
  v.Type === 'Notification' &&
  (typeof v.Message === 'string' || isObject(v.Message) || Array.isArray(v.Message)) &&
  typeof v.MessageId === 'string' &&
  typeof v.TopicArn === 'string';

export const isS3Event = (v: unknown): v is { Records: unknown[] } =>
  isObject(v) && Array.isArray(v.Records) && v.Records.length > 0 && isObject(v.Records[0]) && v.Records[0].eventSource === 'aws:s3';

/** S3 sends this to a queue or topic when a notification is configured: it carries no object, so no record. */
export const isS3TestEvent = (v: unknown): boolean => isObject(v) && v.Service === 'Amazon S3' && v.Event === 's3:TestEvent';

/** An EventBridge event (as EventBridge delivers it to a target, or writes it into an SQS body). */
export const isEventBridgeEvent = (v: unknown): v is Obj =>
  isObject(v) &&
  typeof v['detail-type'] === 'string' &&
  typeof v.source === 'string' &&
  'detail' in v &&
  typeof v.id === 'string' &&
  typeof v.version === 'string';

/** The records of an S3 notification found in a message. */
export class S3List {
  constructor(readonly list: unknown[]) {}
}

/** An EventBridge event found in a message. */
export class EventBridgeFound {
  constructor(readonly event: Obj) {}
}

/**
 * The content of a message: an S3 notification or an EventBridge event (when `expect` allows it), else the payload
 * in the asked format. `parsed` is the message already parsed by the caller, if it was (tryParse's result), or the
 * value a body parser (@middy/event-normalizer, sqs-json-body-parser) put in place of the text.
 */
export const readMessage = (
  text: string | undefined,
  expect: 'auto' | 'plain' | 's3' | 'eventbridge',
  what: string,
  o: DecodeOptions,
  source: Source,
  parsed?: unknown,
): unknown => {
  let value = parsed;
  if (value === undefined && text !== undefined && (o.payload === 'json' || expect === 's3' || expect === 'eventbridge')) {
    value = tryParse(text);
  }
  if (expect !== 'plain' && value !== undefined && value !== NOT_JSON) {
    if (expect !== 'eventbridge') {
      if (isS3Event(value)) return new S3List(value.Records);
      if (isS3TestEvent(value)) return new S3List([]);
    }
    if (expect !== 's3' && isEventBridgeEvent(value)) return new EventBridgeFound(value);
  }
  if (expect === 's3' || expect === 'eventbridge') {
    if (value === NOT_JSON) throw new RecordProblem('parse', `${what} is not JSON: ${jsonError(text!)}`, source);
    throw new RecordProblem('shape', `${what} is not ${expect === 's3' ? 'an S3 event notification' : 'an EventBridge event'}`, source);
  }
  if (text === undefined) return value; // already parsed in place: the payload is that value
  if (o.payload === 'text') return text;
  if (o.payload === 'bytes') return Buffer.from(text, 'utf8');
  if (value === NOT_JSON) throw new RecordProblem('parse', `${what} is not JSON: ${jsonError(text)}`, source);
  return value;
};

export const s3Object = (r: unknown, source: Source, decodeKey = true): { ref: S3ObjectRef; record: S3EventRecord } => {
  const s3 = isObject(r) ? r.s3 : undefined;
  const bucket = isObject(s3) && isObject(s3.bucket) ? str(s3.bucket.name) : undefined;
  const object = isObject(s3) ? s3.object : undefined;
  const rawKey = isObject(object) ? str(object.key) : undefined;
  if (!isObject(r) || r.eventSource !== 'aws:s3' || bucket === undefined || rawKey === undefined || !isObject(object)) {
    throw new RecordProblem('shape', 'an S3 notification record has no s3.bucket.name or s3.object.key', source);
  }
  let key = rawKey;
  if (decodeKey) {
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    } catch {
      // not URL-encoded as S3 does: keep it as it is
    }
  }
  const ref: S3ObjectRef = { bucket, key };
  if (typeof object.size === 'number') ref.size = object.size;
  if (typeof object.eTag === 'string') ref.eTag = object.eTag;
  if (typeof object.versionId === 'string') ref.versionId = object.versionId;
  if (typeof object.sequencer === 'string') ref.sequencer = object.sequencer;
  return { ref, record: r as unknown as S3EventRecord };
};

/** An item's S3 records: the record itself when there is one (the usual case), else an Item holding 0 or several. */
export const s3Entry = (
  list: unknown[],
  index: number,
  id: string,
  source: 's3' | 's3-over-sqs' | 's3-over-sns' | 's3-over-sns-over-sqs',
  raw: SQSRecord | SNSEventRecord | S3EventRecord,
  messageId: string | undefined,
  topicArn: string | undefined,
  decodeKey = true,
): Entry => {
  const records: AnyRecord[] = [];
  for (const r of list) {
    const { ref, record } = s3Object(r, source, decodeKey);
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
  return records.length === 1 ? records[0]! : new Item(index, id, source, records, undefined);
};

/** The SQS fields of a queue record (shared by every source delivered through a queue). */
export const sqsFields = (r: Obj, id: string): SqsFields => {
  const attributes = (isObject(r.attributes) ? r.attributes : {}) as unknown as SqsFields['attributes'];
  const eventSourceArn = str(r.eventSourceARN) ?? '';
  return {
    messageId: id,
    receiptHandle: str(r.receiptHandle) ?? '',
    attributes,
    messageAttributes: (isObject(r.messageAttributes) ? r.messageAttributes : {}) as SqsFields['messageAttributes'],
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 0),
    eventSourceArn,
    fifo: eventSourceArn.endsWith('.fifo'),
    messageGroupId: str(attributes.MessageGroupId),
  };
};
