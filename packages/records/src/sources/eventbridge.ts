import type { EventBridgeEvent } from 'aws-lambda';
import { isObject, safeString } from '@lambdaware/shared';
import { noPartialAnswer } from '../batch.js';
import { type Ctx, type Entry, type EventSource, type Kind, type Obj, type Via, carriedRecord, str } from '../source.js';
import type { BaseRecord, CarriedRecord } from '../types.js';

/**
 * EventBridge: the event source (a rule targeting the function), a carrier (a kind may arrive as an event of its own
 * shape: S3's `aws.s3` events) and a payload kind (an event a rule wrote to a queue, a topic, a stream...).
 */

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

/** An EventBridge event: `payload` is its `detail`. */
export interface EventBridgeEventRecord<T> extends BaseRecord<T>, EventBridgeFields {
  source: 'eventbridge';
  raw: EventBridgeEvent<string, unknown>;
}

/** The fields an EventBridge event inside another carrier adds: its own, and the whole event. */
export interface EventBridgeInnerFields extends EventBridgeFields {
  /** The EventBridge event parsed from the message. */
  event: Obj;
}

/** An EventBridge event that came through another carrier (`eventbridge-over-sqs`): `payload` is its `detail`. */
export type EventBridgeCarriedRecord<T, Src extends string, V extends string> = CarriedRecord<T, Src, V, EventBridgeInnerFields>;

/** An EventBridge event delivered to a queue (a rule with an SQS target): `payload` is its `detail`. */
export type EventBridgeOverSqsRecord<T> = EventBridgeCarriedRecord<T, 'eventbridge-over-sqs', 'sqs'>;

declare module '../types.js' {
  interface EventRecords<T> {
    eventbridge: EventBridgeEventRecord<T>;
  }
  interface KindRecords<T, Src extends string, V extends string> {
    eventbridge: EventBridgeCarriedRecord<T, Src, V>;
  }
  interface CarrierFields {
    eventbridge: EventBridgeFields;
  }
  interface CarrierRaw {
    eventbridge: EventBridgeEvent<string, unknown>;
  }
  interface InnerCarrierFields {
    eventbridge: EventBridgeInnerFields;
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

const decode = (raw: unknown, _index: number, o: Ctx): Entry => {
  const e = raw as Obj;
  const fields = eventBridgeFields(e);
  const via: Via = { source: 'eventbridge', id: fields.eventId, index: 0, raw, fields: () => fields };
  const plain = (): Entry => ({
    payload: e.detail,
    id: fields.eventId,
    index: 0,
    source: 'eventbridge',
    ...fields,
    raw: raw as EventBridgeEvent<string, unknown>,
  });
  return o.carry === undefined ? plain() : o.carry.event(e, via, o, plain);
};

export const eventbridge = {
  name: 'eventbridge',
  label: 'EventBridge',
  article: 'an',
  recognise: (event) => (typeof event['detail-type'] === 'string' && typeof event.source === 'string' && 'detail' in event ? [event] : undefined),
  structured: true,
  carrier: true,
  ordered: false,
  decode,
  idOf: (raw) => (isObject(raw) ? str(raw.id) : undefined),
  answer: noPartialAnswer,
} as const satisfies EventSource;

/** An EventBridge event inside a message: the payload is its `detail` (or a kind it carries, S3's). */
export const eventBridgeKind = {
  name: 'eventbridge',
  carries: true,
  is: 'an EventBridge event',
  structured: true,
  test: (v) =>
    typeof v['detail-type'] === 'string' && typeof v.source === 'string' && 'detail' in v && typeof v.id === 'string' && typeof v.version === 'string',
  read: (e, _m, via, o) => {
    const own: EventBridgeInnerFields = { ...eventBridgeFields(e), event: e };
    const source = `eventbridge-over-${via.source}`;
    const inner: Via = { source, id: via.id, index: via.index, raw: via.raw, fields: () => ({ ...via.fields(), ...own }) };
    return o.carry!.event(e, inner, o, () => carriedRecord(via, source, e.detail, own as unknown as Obj));
  },
} as const satisfies Kind;
