import type { MSKRecord } from 'aws-lambda';
import type { BaseRecord, DecodeOptions } from '../types.js';
import { type Descriptor, type Entry, type Obj, RecordProblem, base64Bytes, isObject, readMessage, str, utf8Text } from './common.js';

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
  interface RecordsBySource<T> {
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

const decode = (raw: unknown, index: number, o: DecodeOptions): Entry => {
  const { event, record: r } = raw as KafkaItem;
  if (!isObject(r)) throw new RecordProblem('shape', 'the record is not an object');
  const id = idOf(raw);
  if (id === undefined) throw new RecordProblem('shape', 'the record has no string topic, numeric partition and offset');
  let payload: unknown;
  const value = r.value;
  if (value === undefined || value === null) payload = null; // a tombstone
  else if (typeof value !== 'string') {
    // @middy/event-normalizer decodes and parses the value in place: that value is the payload.
    if (typeof value !== 'object') throw new RecordProblem('shape', 'the record value is not base64');
    payload = value;
  } else {
    const bytes = base64Bytes(value, 'value', 'kafka');
    payload = o.payload === 'bytes' ? bytes : readMessage(utf8Text(bytes, 'value', 'kafka'), 'plain', 'value', o, 'kafka');
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

export const kafka = {
  kind: 'kafka',
  label: 'Kafka',
  article: 'a',
  sources: ['kafka'],
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
  partial: 'batchItemFailures',
  ordered: true,
  groupOf: (raw) => (raw instanceof KafkaItem ? raw.group : ''),
  decode,
  idOf,
  itemIdentifier: (raw) => {
    if (!(raw instanceof KafkaItem) || !isObject(raw.record) || typeof raw.record.offset !== 'number') return undefined;
    return { partition: raw.group, offset: raw.record.offset };
  },
} as const satisfies Descriptor;
