import type { EventBridgeEvent } from 'aws-lambda';
import { safeString } from '@lambdaware/shared';
import type { BaseRecord, EventBridgeEventRecord, S3ObjectRef } from '../types.js';
import { type Descriptor, type Entry, type Obj, RecordProblem, isObject, str } from './common.js';

/** The fields of an EventBridge event, on every record that came from one. */
export interface EventBridgeFields {
  /** The event id. */
  eventId: string;
  detailType: string;
  /** The event's own `source` field (e.g. `aws.s3`, `com.example.orders`). */
  eventSource: string;
  account: string;
  region: string;
  time: string;
  resources: string[];
}

/**
 * An S3 event delivered by EventBridge (the bucket's "Send notifications to Amazon EventBridge" setting): `payload` is
 * the object `{ bucket, key, size?, eTag?, versionId?, sequencer? }` (the key as EventBridge gives it, not URL-encoded).
 */
export interface S3OverEventBridgeRecord<T> extends BaseRecord<T>, S3ObjectRef, EventBridgeFields {
  source: 's3-over-eventbridge';
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
  raw: EventBridgeEvent<string, unknown>;
}

declare module '../types.js' {
  interface RecordsBySource<T> {
    eventbridge: EventBridgeEventRecord<T>;
    's3-over-eventbridge': S3OverEventBridgeRecord<T>;
  }
}

export const eventBridgeFields = (e: Obj): EventBridgeFields => ({
  eventId: str(e.id) ?? '',
  detailType: safeString(e['detail-type']),
  eventSource: safeString(e.source),
  account: str(e.account) ?? '',
  region: str(e.region) ?? '',
  time: str(e.time) ?? '',
  resources: Array.isArray(e.resources) ? (e.resources as string[]) : [],
});

const s3Detail = (e: Obj): S3OverEventBridgeRecord<unknown> => {
  const detail = e.detail;
  const bucket = isObject(detail) && isObject(detail.bucket) ? str(detail.bucket.name) : undefined;
  const object = isObject(detail) ? detail.object : undefined;
  const key = isObject(object) ? str(object.key) : undefined;
  if (!isObject(detail) || !isObject(object) || bucket === undefined || key === undefined) {
    throw new RecordProblem('shape', 'the S3 event has no detail.bucket.name or detail.object.key', 's3-over-eventbridge');
  }
  const ref: S3ObjectRef = { bucket, key };
  if (typeof object.size === 'number') ref.size = object.size;
  if (typeof object.etag === 'string') ref.eTag = object.etag;
  if (typeof object['version-id'] === 'string') ref.versionId = object['version-id'];
  if (typeof object.sequencer === 'string') ref.sequencer = object.sequencer;
  const fields = eventBridgeFields(e);
  return {
    ...ref,
    payload: { ...ref },
    id: fields.eventId,
    index: 0,
    source: 's3-over-eventbridge',
    ...fields,
    eventName: fields.detailType,
    eventTime: fields.time,
    reason: str(detail.reason),
    requester: str(detail.requester),
    requestId: str(detail['request-id']),
    sourceIpAddress: str(detail['source-ip-address']),
    detail,
    raw: e as unknown as EventBridgeEvent<string, unknown>,
  };
};

const isS3Detail = (e: Obj): boolean =>
  e.source === 'aws.s3' && isObject(e.detail) && isObject(e.detail.bucket) && isObject(e.detail.object);

const decode = (raw: unknown, _index: number, o: Parameters<Descriptor['decode']>[2]): Entry => {
  const e = raw as Obj;
  if (o.source === 's3-over-eventbridge' || (o.source === 'auto' && isS3Detail(e))) return s3Detail(e) as Entry;
  const fields = eventBridgeFields(e);
  return {
    payload: e.detail,
    id: fields.eventId,
    index: 0,
    source: 'eventbridge',
    ...fields,
    raw: raw as EventBridgeEvent<string, unknown>,
  };
};

export const eventbridge = {
  kind: 'eventbridge',
  label: 'EventBridge',
  article: 'an',
  sources: ['eventbridge', 's3-over-eventbridge'],
  recognise: (event) =>
    typeof event['detail-type'] === 'string' && typeof event.source === 'string' && 'detail' in event ? [event] : undefined,
  structured: true,
  partial: 'none',
  ordered: false,
  decode,
  idOf: (raw) => (isObject(raw) ? str(raw.id) : undefined),
} as const satisfies Descriptor;
