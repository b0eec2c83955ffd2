import type { SQSRecord } from 'aws-lambda';
import { safeString } from '@lambdaware/shared';
import type { SnsOverSqsRecord, SqsMessageRecord, S3ObjectRecord, SqsFields, BaseRecord, AnyRecord } from '../types.js';
import {
  type Descriptor,
  type Entry,
  EventBridgeFound,
  NOT_JSON,
  type Obj,
  RecordProblem,
  S3List,
  isObject,
  isSnsNotification,
  jsonError,
  looksLikeObject,
  readMessage,
  s3Entry,
  sqsFields,
  str,
  tryParse,
} from './common.js';
import { type EventBridgeFields, eventBridgeFields } from './eventbridge.js';

/** An EventBridge event delivered to a queue (a rule with an SQS target): `payload` is its `detail`. */
export interface EventBridgeOverSqsRecord<T> extends BaseRecord<T>, SqsFields, EventBridgeFields {
  source: 'eventbridge-over-sqs';
  /** The EventBridge event parsed from the body. */
  event: Obj;
  raw: SQSRecord;
}

declare module '../types.js' {
  interface RecordsBySource<T> {
    sqs: SqsMessageRecord<T>;
    'sns-over-sqs': SnsOverSqsRecord<T>;
    's3-over-sqs': S3ObjectRecord<T, 's3-over-sqs'>;
    's3-over-sns-over-sqs': S3ObjectRecord<T, 's3-over-sns-over-sqs'>;
    'eventbridge-over-sqs': EventBridgeOverSqsRecord<T>;
  }
}

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
const snsOverSqsRecord = (r: Obj, id: string, index: number, payload: unknown, n: Obj): AnyRecord =>
  Object.assign(sqsRecord(r, id, index, payload), {
    source: 'sns-over-sqs',
    snsMessageId: n.MessageId,
    topicArn: n.TopicArn,
    subject: str(n.Subject) ?? undefined,
    snsTimestamp: safeString(n.Timestamp),
    snsMessageAttributes: isObject(n.MessageAttributes) ? n.MessageAttributes : {},
    notification: n,
  }) as AnyRecord;

const eventBridgeOverSqsRecord = (r: Obj, id: string, index: number, e: Obj): AnyRecord => ({
  payload: e.detail,
  id,
  index,
  source: 'eventbridge-over-sqs',
  ...sqsFields(r, id),
  ...eventBridgeFields(e),
  event: e,
  raw: r as unknown as SQSRecord,
});

const decode = (raw: unknown, index: number, o: Parameters<Descriptor['decode']>[2]): Entry => {
  const r = raw as Obj;
  const id = str(r.messageId);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no messageId');
  const body = r.body;
  // A body parser (@middy/event-normalizer, @middy/sqs-json-body-parser) may have parsed the body in place.
  const inPlace = typeof body !== 'string';
  if (inPlace && (typeof body !== 'object' || body === null)) throw new RecordProblem('shape', 'the record has no string body');
  const text = inPlace ? undefined : (body as string);
  const want = o.source;
  const wantSns = want === 'sns-over-sqs' || want === 's3-over-sns-over-sqs';
  let parsed: unknown = inPlace ? body : undefined; // undefined: not parsed yet
  if (wantSns || (want === 'auto' && (inPlace || o.payload === 'json' || looksLikeObject(text!)))) {
    if (!inPlace) parsed = tryParse(text!);
    if (isSnsNotification(parsed)) {
      const expect = want === 'auto' ? (o.payload === 'json' || inPlace ? 'auto' : 'plain') : want === 's3-over-sns-over-sqs' ? 's3' : 'plain';
      const source = want === 's3-over-sns-over-sqs' ? want : 'sns-over-sqs';
      const m = parsed.Message;
      const message =
        typeof m === 'string'
          ? readMessage(m, expect, 'the SNS Message in the body', o, source)
          : readMessage(undefined, expect, 'the SNS Message in the body', o, source, m);
      if (message instanceof S3List) {
        return s3Entry(message.list, index, id, 's3-over-sns-over-sqs', raw as SQSRecord, id, parsed.TopicArn, !(inPlace || typeof m !== 'string'));
      }
      if (message instanceof EventBridgeFound) return snsOverSqsRecord(r, id, index, message.event, parsed);
      return snsOverSqsRecord(r, id, index, message, parsed);
    }
    if (wantSns) {
      if (parsed === NOT_JSON) throw new RecordProblem('parse', `body is not JSON: ${jsonError(text!)}`);
      throw new RecordProblem('shape', 'body is not an SNS notification (raw message delivery on? use source: "sqs")');
    }
  }
  const expect =
    want === 'auto'
      ? o.payload === 'json' || inPlace
        ? 'auto'
        : 'plain'
      : want === 's3-over-sqs'
        ? 's3'
        : want === 'eventbridge-over-sqs'
          ? 'eventbridge'
          : 'plain';
  const source = want === 's3-over-sqs' || want === 'eventbridge-over-sqs' ? want : 'sqs';
  const message = readMessage(text, expect, 'body', o, source, parsed);
  if (message instanceof S3List) return s3Entry(message.list, index, id, 's3-over-sqs', raw as SQSRecord, id, undefined, !inPlace);
  if (message instanceof EventBridgeFound) return eventBridgeOverSqsRecord(r, id, index, message.event);
  return sqsRecord(r, id, index, message);
};

export const sqs = {
  kind: 'sqs',
  label: 'SQS',
  article: 'an',
  sources: ['sqs', 'sns-over-sqs', 's3-over-sqs', 's3-over-sns-over-sqs', 'eventbridge-over-sqs'],
  eventSource: 'aws:sqs',
  structured: false,
  partial: 'batchItemFailures',
  ordered: false,
  stopsAtFirstFailure: (list) => {
    const first = list[0];
    return isObject(first) && typeof first.eventSourceARN === 'string' && first.eventSourceARN.endsWith('.fifo');
  },
  decode,
  idOf: (raw) => (isObject(raw) ? str(raw.messageId) : undefined),
} as const satisfies Descriptor;
