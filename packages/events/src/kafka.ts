import type { MSKEvent, MSKRecord, SelfManagedKafkaEvent } from 'aws-lambda';
import {
  type CommonOptions,
  type Payload,
  type RecordOverride,
  EventBuildError,
  applyOverride,
  bytesOf,
  common,
  isBytes,
  isPlainObject,
  payloadBytes,
  stringOption,
  toList,
  DEFAULT_PAYLOAD,
  uuid,
  checkOption,
  optionError,
} from './util.js';
import { describeValue, is } from '@lambdaware/shared';

export interface KafkaOptions extends CommonOptions {
  /** Topic of every record (default `test-topic`). */
  topic?: string;
  /** Partition: one for every record, or a function of the index (default 0). */
  partition?: number | ((index: number) => number);
  /** First offset (default 0); offsets grow by one per record within a partition. */
  offset?: number;
  /** Key of every record, or a function of the index: a string (UTF-8) or bytes (default: no key). */
  key?: string | Uint8Array | ((index: number) => string | Uint8Array | undefined);
  /** Headers of every record: name to string (UTF-8) or bytes. */
  headers?: Record<string, string | Uint8Array>;
  /** A self-managed Apache Kafka event (`eventSource: "SelfManagedKafka"`, no cluster ARN) instead of Amazon MSK. */
  selfManaged?: boolean;
  /** MSK cluster name in `eventSourceArn` (default `test-cluster`). */
  clusterName?: string;
  /** Field overrides for each record: an object deep-merged into it, or a function `(record, index) => record`. */
  record?: RecordOverride<MSKRecord>;
}

/** Bytes as Lambda's Kafka poller writes header values: a JSON array of signed bytes (Java's byte). */
const signedBytes = (bytes: Buffer): number[] => [...bytes].map((b) => (b > 127 ? b - 256 : b));

const bytesOfText = (builder: string, name: string, value: unknown): Buffer => {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (isBytes(value)) return bytesOf(value);
  throw new EventBuildError(`${builder}: ${name} must be a string or bytes, got ${describeValue(value)}`);
};

/**
 * An Amazon MSK (or, with `selfManaged`, self-managed Apache Kafka) event: records grouped by `<topic>-<partition>`,
 * each value the base64 of the payload's bytes (bytes as they are, strings as UTF-8, anything else as JSON), offsets
 * increasing per partition, keys base64, headers as arrays of bytes.
 *
 * @example kafkaEvent([{ id: 1 }, { id: 2 }], { topic: 'orders', partition: (i) => i % 2, key: 'tenant-1' })
 */
export function kafkaEvent(payloads: Payload | readonly Payload[] | undefined, options: KafkaOptions & { selfManaged: true }): SelfManagedKafkaEvent;
export function kafkaEvent(payloads?: Payload | readonly Payload[], options?: KafkaOptions): MSKEvent;
export function kafkaEvent(payloads?: Payload | readonly Payload[], options?: KafkaOptions): MSKEvent | SelfManagedKafkaEvent {
  const builder = 'kafkaEvent';
  const { region, accountId, nowMs } = common(builder, options);
  const topic = stringOption(builder, 'topic', options?.topic, 'test-topic');
  const cluster = stringOption(builder, 'clusterName', options?.clusterName, 'test-cluster');
  const first = options?.offset ?? 0;
  checkOption(builder, 'offset', first, is.integer(0));
  const selfManaged = options?.selfManaged ?? false;
  checkOption(builder, 'selfManaged', selfManaged, is.boolean);
  const partitionOf = (index: number): number => {
    const p = typeof options?.partition === 'function' ? options.partition(index) : (options?.partition ?? 0);
    if (!Number.isSafeInteger(p) || p < 0) {
      throw optionError(builder, 'partition', { problem: `gave ${describeValue(p)} for index ${index}; it must be an integer >= 0` });
    }
    return p;
  };
  const headersOption = options?.headers;
  if (headersOption !== undefined && !isPlainObject(headersOption)) {
    throw optionError(builder, 'headers', { expected: 'an object of name to string or bytes', value: headersOption });
  }
  const headers = Object.entries(headersOption ?? {}).map(([name, value]) => ({ [name]: signedBytes(bytesOfText(builder, `header "${name}"`, value)) }));
  const next = new Map<number, number>();
  const records: MSKEvent['records'] = {};
  toList(payloads, DEFAULT_PAYLOAD as Payload).forEach((payload, index) => {
    const partition = partitionOf(index);
    const offset = next.get(partition) ?? first;
    next.set(partition, offset + 1);
    const keyOption = typeof options?.key === 'function' ? options.key(index) : options?.key;
    const record = {
      topic,
      partition,
      offset,
      timestamp: nowMs - 100 + index,
      timestampType: 'CREATE_TIME',
      ...(keyOption === undefined ? {} : { key: bytesOfText(builder, 'option "key"', keyOption).toString('base64') }),
      value: payloadBytes(builder, payload, index).toString('base64'),
      headers: structuredClone(headers),
    } as MSKRecord;
    (records[`${topic}-${partition}`] ??= []).push(applyOverride(builder, record, index, options?.record));
  });
  const bootstrapServers = `b-1.${cluster}.abc123.c2.kafka.${region}.amazonaws.com:9092,b-2.${cluster}.abc123.c2.kafka.${region}.amazonaws.com:9092`;
  if (selfManaged) return { eventSource: 'SelfManagedKafka', bootstrapServers, records } as SelfManagedKafkaEvent;
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: `arn:aws:kafka:${region}:${accountId}:cluster/${cluster}/${uuid()}-1`,
    bootstrapServers,
    records,
  };
}
