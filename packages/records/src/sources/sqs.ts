import type { SQSRecord } from 'aws-lambda';
import { isObject } from '@lambdaware/shared';
import { itemFailures } from '../batch.js';
import { type Ctx, type Entry, type EventSource, type Obj, type Via, payloadOf, str } from '../source.js';
import { RecordProblem } from '../text.js';
import type { AnyRecord, SqsFields, SqsMessageRecord } from '../types.js';

/** SQS: the event source, and a carrier (a body may hold an SNS notification, an S3 notification, an EventBridge event...). */

declare module '../types.js' {
  interface EventRecords<T> {
    sqs: SqsMessageRecord<T>;
  }
  interface CarrierFields {
    sqs: SqsFields;
  }
  interface CarrierRaw {
    sqs: SQSRecord;
  }
}

const attributesOf = (r: Obj): SqsFields['attributes'] => (isObject(r.attributes) ? r.attributes : {}) as unknown as SqsFields['attributes'];

/** A queue record: one object literal, same shape for every record (the hot path of an SQS batch). */
const sqsRecord = (r: Obj, id: string, index: number, payload: unknown): AnyRecord => {
  const attributes = attributesOf(r);
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

/**
 * The SQS fields of a queue record (what every record that came through a queue carries): sqsRecord's fields, written
 * twice on purpose, so that the hot path (a plain SQS message) builds its record as one literal, with no spread.
 */
const sqsFields = (r: Obj, id: string): SqsFields => {
  const attributes = attributesOf(r);
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

const decode = (raw: unknown, index: number, o: Ctx): Entry => {
  const r = raw as Obj;
  const id = str(r.messageId);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no messageId');
  const body = r.body;
  // A body parser (@middy/event-normalizer, @middy/sqs-json-body-parser) may have parsed the body in place.
  const inPlace = typeof body !== 'string';
  if (inPlace && (typeof body !== 'object' || body === null)) throw new RecordProblem('shape', 'the record has no string body');
  const m = { text: inPlace ? undefined : (body as string), value: body, what: 'body', normalized: inPlace };
  if (o.carry === undefined || o.source === 'sqs') return sqsRecord(r, id, index, payloadOf(m, o, 'sqs'));
  return o.carry.message(m, new SqsVia(id, index, r), o, plainSqs);
};

/** Where a message came from, for what it carries (one object per record, no closure: the hot path of a batch). */
class SqsVia implements Via {
  readonly source = 'sqs';
  constructor(
    readonly id: string,
    readonly index: number,
    readonly raw: Obj,
  ) {}
  fields(): SqsFields {
    return sqsFields(this.raw, this.id);
  }
}

/** The message itself is the payload: a queue record. */
const plainSqs = (payload: unknown, via: SqsVia): Entry => sqsRecord(via.raw, via.id, via.index, payload);

const isFifo = (list: unknown[]): boolean => {
  const first = list[0];
  return isObject(first) && typeof first.eventSourceARN === 'string' && first.eventSourceARN.endsWith('.fifo');
};

export const sqs = {
  name: 'sqs',
  label: 'SQS',
  article: 'an',
  eventSource: 'aws:sqs',
  structured: false,
  carrier: true,
  ordered: false,
  // FIFO: in order per message group; a failure stops its group (`fifo: 'group'`) or the batch (`fifo: 'batch'`).
  groups: (list, o) => {
    if (!isFifo(list)) return undefined;
    if (o.fifo === 'batch') return { groupOf: () => '', stops: true };
    return { groupOf: (raw) => (isObject(raw) && isObject(raw.attributes) ? (str(raw.attributes.MessageGroupId) ?? '') : ''), stops: true };
  },
  decode,
  idOf: (raw) => (isObject(raw) ? str(raw.messageId) : undefined),
  answer: itemFailures,
} as const satisfies EventSource;

// (re-exported from here: a declaration file importing this one gets its record types added, module augmentation)
export type { SqsFields, SqsMessageRecord } from '../types.js';
