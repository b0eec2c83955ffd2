import type { MSKRecord } from 'aws-lambda';
import { isObject } from '@lambdaware/shared';
import { type Answer, itemFailures } from '../batch.js';
import { type Ctx, type Entry, type EventSource, type Obj, payloadOf, str } from '../source.js';
import { RecordProblem, base64Bytes, utf8Text } from '../text.js';
import type { BaseRecord } from '../types.js';

/** Amazon MSK and self-managed Apache Kafka: the event source (in order within a partition; failures named by offset). */

/**
 * A record of an Amazon MSK or self-managed Apache Kafka event: `payload` is its decoded value (per `payload`), the
 * key and headers as bytes. `id` is `<topic>-<partition>@<offset>`; partial batch responses name `{ partition, offset }`.
 */
export interface KafkaRecord<T> extends BaseRecord<T> {
  source: 'kafka';
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: string;
  /** The key's bytes (`record.key?.toString()` for text), undefined when the record has no key. */
  key: Buffer | undefined;
  /** Each header's value as bytes (a repeated header: the last one); an own-property map, no prototype keys. */
  headers: Record<string, Buffer>;
  /** The MSK cluster ARN (MSK), or undefined (self-managed). */
  eventSourceArn: string | undefined;
  /** True for self-managed Apache Kafka (`eventSource: "SelfManagedKafka"`). */
  selfManaged: boolean;
  bootstrapServers: string;
  raw: MSKRecord;
}

declare module '../types.js' {
  interface EventRecords<T> {
    kafka: KafkaRecord<T>;
  }
}

/** A record of the event, with the event's own fields and its partition key (`<topic>-<partition>`). */
class KafkaItem {
  constructor(
    readonly event: Obj,
    readonly group: string,
    readonly record: unknown,
  ) {}
}

const idOf = (r: unknown): string | undefined => {
  if (!(r instanceof KafkaItem) || !isObject(r.record)) return undefined;
  const { topic, partition, offset } = r.record;
  return typeof topic === 'string' && typeof partition === 'number' && typeof offset === 'number' ? `${topic}-${partition}@${offset}` : undefined;
};

const headerBytes = (value: unknown, name: string): Buffer => {
  if (!Array.isArray(value) || !value.every((b) => Number.isInteger(b) && b >= -128 && b <= 255)) {
    throw new RecordProblem('shape', `header ${JSON.stringify(name)} is not an array of bytes`);
  }
  return Buffer.from((value as number[]).map((b) => b & 0xff));
};

const decode = (raw: unknown, index: number, o: Ctx): Entry => {
  const { event, record: r } = raw as KafkaItem;
  if (!isObject(r)) throw new RecordProblem('shape', 'the record is not an object');
  const id = idOf(raw);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no string topic, numeric partition and offset');
  let payload: unknown;
  const value = r.value;
  if (value === undefined || value === null)
    payload = null; // a tombstone
  else if (typeof value !== 'string') {
    // @middy/event-normalizer decodes and parses the value in place: that value is the payload.
    if (typeof value !== 'object') throw new RecordProblem('shape', 'the record value is not base64');
    payload = value;
  } else {
    const bytes = base64Bytes(value, 'value', 'kafka');
    payload = o.payload === 'bytes' ? bytes : payloadOf({ text: utf8Text(bytes, 'value', 'kafka'), what: 'value' }, o, 'kafka');
  }
  let key: Buffer | undefined;
  if (typeof r.key === 'string') key = base64Bytes(r.key, 'key', 'kafka');
  const headers: Record<string, Buffer> = {};
  if (Array.isArray(r.headers)) {
    for (const h of r.headers) {
      if (!isObject(h)) throw new RecordProblem('shape', 'a header is not an object');
      for (const name of Object.keys(h)) {
        Object.defineProperty(headers, name, { value: headerBytes(h[name], name), enumerable: true, writable: true, configurable: true });
      }
    }
  }
  return {
    payload,
    id,
    index,
    source: 'kafka',
    topic: r.topic as string,
    partition: r.partition as number,
    offset: r.offset as number,
    timestamp: Number(r.timestamp),
    timestampType: str(r.timestampType) ?? '',
    key,
    headers,
    eventSourceArn: str(event.eventSourceArn),
    selfManaged: event.eventSource === 'SelfManagedKafka',
    bootstrapServers: str(event.bootstrapServers) ?? '',
    raw: r as unknown as MSKRecord,
  };
};

/** A failed record is named `{ partition: '<topic>-<partition>', offset }`. */
const kafkaAnswer: Answer = (batch, failures) =>
  itemFailures(batch, failures, undefined, (raw) =>
    raw instanceof KafkaItem && isObject(raw.record) && typeof raw.record.offset === 'number' ? { partition: raw.group, offset: raw.record.offset } : undefined,
  );

export const kafka = {
  name: 'kafka',
  label: 'Kafka',
  article: 'a',
  recognise: (event) => {
    if ((event.eventSource !== 'aws:kafka' && event.eventSource !== 'SelfManagedKafka') || !isObject(event.records)) return undefined;
    const list: KafkaItem[] = [];
    for (const group of Object.keys(event.records)) {
      const records = event.records[group];
      if (Array.isArray(records)) for (const r of records) list.push(new KafkaItem(event, group, r));
      else list.push(new KafkaItem(event, group, records));
    }
    return list;
  },
  structured: false,
  carrier: false,
  ordered: true,
  groups: () => ({ groupOf: (raw) => (raw instanceof KafkaItem ? raw.group : ''), stops: false }),
  decode,
  idOf,
  answer: kafkaAnswer,
} as const satisfies EventSource;
