import type { S3EventRecord } from 'aws-lambda';
import { isObject, safeString } from '@lambdaware/shared';
import { noPartialAnswer } from '../batch.js';
import { type Entry, type EventSource, type Kind, type Obj, type Via, entryOf, str } from '../source.js';
import { RecordProblem } from '../text.js';
import type { AnyRecord, BaseRecord, CarriedRecord, RawOf, S3ObjectRecord, S3ObjectRef } from '../types.js';
import type { EventBridgeFields } from './eventbridge.js';

/**
 * S3: the event source (a bucket notifying the function), and a payload kind: a notification sent to a queue or a
 * topic (`s3-over-sqs`, `s3-over-sns-over-sqs`), or an `aws.s3` event through EventBridge (its own shape).
 */

/** The fields of an S3 event delivered by EventBridge (the bucket's "Send notifications to Amazon EventBridge"). */
export interface S3EventBridgeFields extends S3ObjectRef, EventBridgeFields {
  /** `Object Created`, `Object Deleted`, ... (the event's detail-type). */
  eventName: string;
  eventTime: string;
  /** `PutObject`, `CopyObject`, `DeleteObject`, ... */
  reason: string | undefined;
  requester: string | undefined;
  requestId: string | undefined;
  sourceIpAddress: string | undefined;
  /** The event's detail. */
  detail: Obj;
}

/**
 * An S3 event delivered by EventBridge: `payload` is the object `{ bucket, key, size?, eTag?, versionId?, sequencer? }`
 * (the key as EventBridge gives it, not URL-encoded).
 */
export type S3OverEventBridgeRecord<T, Src extends string = 's3-over-eventbridge', V extends string = 'eventbridge'> = CarriedRecord<
  T,
  Src,
  V,
  S3EventBridgeFields
>;

declare module '../types.js' {
  interface EventRecords<T> {
    s3: S3ObjectRecord<T, 's3', S3EventRecord>;
  }
  interface KindRecords<T, Src extends string, V extends string> {
    s3: V extends 'eventbridge' | `eventbridge-over-${string}` ? S3OverEventBridgeRecord<T, Src, V> : S3ObjectRecord<T, Src, RawOf<V>>;
  }
}

const s3Object = (r: unknown, source: string, decodeKey: boolean): { ref: S3ObjectRef; record: S3EventRecord } => {
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

/** The records of an S3 notification's `Records` (`messageId`, `topicArn`: of the carriers, when it was carried). */
const s3Records = (list: unknown[], via: Via, source: string, decodeKey: boolean, fields: Obj): Entry => {
  const records: AnyRecord[] = [];
  for (const r of list) {
    const { ref, record } = s3Object(r, source, decodeKey);
    records.push({
      ...ref,
      payload: { ...ref },
      id: via.id,
      index: via.index,
      source,
      eventName: safeString(record.eventName),
      eventTime: safeString(record.eventTime),
      region: safeString(record.awsRegion),
      s3: record,
      messageId: str(fields.messageId),
      topicArn: str(fields.topicArn),
      raw: via.raw,
    } as unknown as AnyRecord);
  }
  return entryOf(records, via, source);
};

export const s3 = {
  name: 's3',
  label: 'S3',
  article: 'an',
  eventSource: 'aws:s3',
  structured: true,
  carrier: false,
  ordered: false,
  decode: (raw, index) => {
    const r = raw as Obj;
    const responseElements = isObject(r.responseElements) ? r.responseElements : {};
    const object = isObject(r.s3) && isObject(r.s3.object) ? r.s3.object : {};
    const id = str(responseElements['x-amz-request-id']) ?? str(object.sequencer) ?? String(index);
    return s3Records([raw], { source: 's3', id, index, raw, fields: () => ({}) }, 's3', true, {});
  },
  idOf: () => undefined,
  answer: noPartialAnswer,
} as const satisfies EventSource;

const isS3Detail = (e: Obj): boolean => e.source === 'aws.s3' && isObject(e.detail) && isObject(e.detail.bucket) && isObject(e.detail.object);

const fromEventBridge = (e: Obj, via: Via): Entry => {
  const detail = e.detail;
  const bucket = isObject(detail) && isObject(detail.bucket) ? str(detail.bucket.name) : undefined;
  const object = isObject(detail) ? detail.object : undefined;
  const key = isObject(object) ? str(object.key) : undefined;
  const source = `s3-over-${via.source}`;
  if (!isObject(detail) || !isObject(object) || bucket === undefined || key === undefined) {
    throw new RecordProblem('shape', 'the S3 event has no detail.bucket.name or detail.object.key', source);
  }
  const ref: S3ObjectRef = { bucket, key };
  if (typeof object.size === 'number') ref.size = object.size;
  if (typeof object.etag === 'string') ref.eTag = object.etag;
  if (typeof object['version-id'] === 'string') ref.versionId = object['version-id'];
  if (typeof object.sequencer === 'string') ref.sequencer = object.sequencer;
  const fields = via.fields();
  const record: BaseRecord<unknown> & Obj = {
    ...ref,
    payload: { ...ref },
    id: via.id,
    index: via.index,
    source,
    ...fields,
    eventName: safeString(e['detail-type']),
    eventTime: str(e.time) ?? '',
    reason: str(detail.reason),
    requester: str(detail.requester),
    requestId: str(detail['request-id']),
    sourceIpAddress: str(detail['source-ip-address']),
    detail,
    raw: via.raw,
  };
  return record as unknown as AnyRecord;
};

/** An S3 notification inside a message (the `s3:TestEvent` S3 sends when a notification is set up gives no record). */
export const s3Kind = {
  name: 's3',
  is: 'an S3 event notification',
  structured: true,
  test: (v) =>
    (Array.isArray(v.Records) && v.Records.length > 0 && isObject(v.Records[0]) && v.Records[0].eventSource === 'aws:s3') ||
    (v.Service === 'Amazon S3' && v.Event === 's3:TestEvent'),
  read: (v, m, via) => s3Records(Array.isArray(v.Records) ? v.Records : [], via, `s3-over-${via.source}`, !m.normalized, via.fields() as Obj),
  inEventBridge: { test: isS3Detail, read: fromEventBridge },
} as const satisfies Kind;

// (re-exported from here: a declaration file importing this one gets its record types added, module augmentation)
export type { S3ObjectRecord, S3ObjectRef } from '../types.js';
